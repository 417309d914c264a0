import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';

export interface TestS3 {
  endpoint: string;
  /** Env for startTestApp that points the artifact store at this server. */
  env(bucket: string): Record<string, string>;
  stop(): Promise<void>;
}

/**
 * A real S3-protocol server (s3rver: REST API, SigV4 auth, Range, HEAD) on a loopback
 * port, its data in a temporary folder. Buckets are created by the store on first use.
 */
export async function startS3(): Promise<TestS3> {
  const directory = await mkdtemp(join(tmpdir(), 'beamline-s3-'));
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory });
  const { port } = (await server.run()) as { port: number };
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    env: (bucket) => ({
      BEAMLINE_ARTIFACT_STORE: 's3',
      BEAMLINE_S3_ENDPOINT: endpoint,
      BEAMLINE_S3_BUCKET: bucket,
      BEAMLINE_S3_REGION: 'us-east-1',
      BEAMLINE_S3_FORCE_PATH_STYLE: 'true',
      // s3rver's fixed development credentials.
      BEAMLINE_S3_ACCESS_KEY_ID: 'S3RVER',
      BEAMLINE_S3_SECRET_ACCESS_KEY: 'S3RVER',
    }),
    stop: async () => {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
