import { join, resolve } from 'node:path';
import type { FactoryProvider } from '@nestjs/common';
import { APP_CONFIG, ConfigError } from '../../common/config/config.js';
import type { AppConfig } from '../../common/config/config.schema.js';
import { ARTIFACT_STORE, type ArtifactStore } from './artifact-store.js';
import { FilesystemArtifactStore } from './filesystem-artifact-store.js';
import { S3ArtifactStore } from './s3-artifact-store.js';
import { s3Connection, type S3Connection } from './s3-client.js';

/**
 * Picks the adapter from BEAMLINE_ARTIFACT_STORE. Neither touches the disk or the network
 * at boot: folders are made and buckets checked on the first upload.
 */
export function createArtifactStore(config: AppConfig): ArtifactStore {
  const home = resolve(config.BEAMLINE_HOME);
  if (config.BEAMLINE_ARTIFACT_STORE === 'filesystem') {
    return new FilesystemArtifactStore(resolve(config.BEAMLINE_ARTIFACT_DIR ?? join(home, 'artifacts')));
  }
  const problems: string[] = [];
  if (!config.BEAMLINE_S3_BUCKET) problems.push('BEAMLINE_S3_BUCKET: required when BEAMLINE_ARTIFACT_STORE=s3');
  let connection: S3Connection | undefined;
  try {
    connection = s3Connection(config);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  if (problems.length > 0 || !connection) throw new ConfigError(problems);
  return new S3ArtifactStore({ ...connection, bucket: config.BEAMLINE_S3_BUCKET!, prefix: config.BEAMLINE_S3_PREFIX, stagingDir: join(home, 'staging') });
}

export const artifactStoreProvider: FactoryProvider<ArtifactStore> = {
  provide: ARTIFACT_STORE,
  inject: [APP_CONFIG],
  useFactory: createArtifactStore,
};
