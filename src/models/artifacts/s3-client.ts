import { S3Client } from '@aws-sdk/client-s3';
import { ConfigError } from '../../common/config/config.js';
import type { AppConfig } from '../../common/config/config.schema.js';

/** Where and as whom the platform talks S3: BEAMLINE_S3_* (the artifact store and s3:// datasets share it). */
export interface S3Connection {
  region: string;
  endpoint?: string;
  forcePathStyle: boolean;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/** The platform's S3 connection from config; the keys come in pairs (neither: the AWS default credential chain). */
export function s3Connection(config: AppConfig): S3Connection {
  const keyId = config.BEAMLINE_S3_ACCESS_KEY_ID;
  const secret = config.BEAMLINE_S3_SECRET_ACCESS_KEY;
  if ((keyId === undefined) !== (secret === undefined)) {
    throw new ConfigError(['BEAMLINE_S3_ACCESS_KEY_ID and BEAMLINE_S3_SECRET_ACCESS_KEY: set both or neither (neither: the AWS default credential chain)']);
  }
  return {
    region: config.BEAMLINE_S3_REGION,
    endpoint: config.BEAMLINE_S3_ENDPOINT,
    forcePathStyle: config.BEAMLINE_S3_FORCE_PATH_STYLE,
    credentials: keyId && secret ? { accessKeyId: keyId, secretAccessKey: secret } : undefined,
  };
}

export function newS3Client(connection: S3Connection): S3Client {
  return new S3Client({
    ...connection,
    // Flexible checksums would send streaming bodies aws-chunked with trailers, which
    // S3-compatible servers often refuse; Beamline verifies digests itself.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}
