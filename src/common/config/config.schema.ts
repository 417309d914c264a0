import { z } from 'zod';
import { DEFAULT_POLICY, POLICY_NAMES } from '../../gpu-scheduler/engine/policies/index.js';

/** Roles a process can take; `all` runs api + controller in one process. */
export const ROLES = ['api', 'controller', 'all'] as const;
export type Role = (typeof ROLES)[number];

const port = z.coerce.number().int().min(0).max(65535);
const byteSize = z
  .string()
  .regex(/^\d+(b|kb|mb)?$/i, 'expected a size such as 1mb, 512kb or 1048576')
  .transform((value) => parseByteSize(value));

/**
 * Every environment variable Beamline reads. Unknown BEAMLINE_* variables are refused
 * at boot (a typo must not silently fall back to a default).
 */
export const configSchema = z
  .object({
    BEAMLINE_ROLE: z.enum(ROLES).default('all'),
    BEAMLINE_HOST: z.string().min(1).default('127.0.0.1'),
    BEAMLINE_PORT: port.default(8080),
    BEAMLINE_HOME: z.string().min(1).default('.beamline'),
    BEAMLINE_BODY_LIMIT: byteSize.default(1024 * 1024),
    BEAMLINE_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    BEAMLINE_QUEUE_PREFIX: z.string().regex(/^[a-z0-9-]+$/).default('beamline'),
    BEAMLINE_RECONCILE_INTERVAL_MS: z.coerce.number().int().min(100).max(3_600_000).default(10_000),
    BEAMLINE_BOOTSTRAP: z.enum(['auto', 'off']).default('auto'),
    // Model registry artifacts (src/models): where blobs live and the largest upload.
    BEAMLINE_ARTIFACT_STORE: z.enum(['filesystem', 's3']).default('filesystem'),
    BEAMLINE_ARTIFACT_DIR: z.string().min(1).optional(),
    BEAMLINE_ARTIFACT_MAX_BYTES: byteSize.default(2048 * 1024 * 1024),
    BEAMLINE_S3_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
    BEAMLINE_S3_BUCKET: z.string().min(3).max(63).optional(),
    BEAMLINE_S3_REGION: z.string().min(1).default('us-east-1'),
    BEAMLINE_S3_PREFIX: z.string().default('beamline/artifacts/'),
    BEAMLINE_S3_FORCE_PATH_STYLE: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
    BEAMLINE_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
    BEAMLINE_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
    BEAMLINE_CLUSTER_DRIVER: z.enum(['local', 'kubernetes', 'none']).default('local'),
    BEAMLINE_SCHEDULER_POLICY: z.enum(POLICY_NAMES).default(DEFAULT_POLICY),
    BEAMLINE_SCHEDULER_INTERVAL_MS: z.coerce.number().int().min(50).max(600_000).default(1000),
    /** Development only: GPUs the local driver reports instead of nvidia-smi's, e.g. `NVIDIA-A100-SXM4-80GB:81920x2`. */
    BEAMLINE_LOCAL_GPUS: z
      .string()
      .regex(/^[\w.-]+:\d+x\d+(,[\w.-]+:\d+x\d+)*$/, "expected '<product>:<memoryMiB>x<count>[,...]'")
      .optional(),
    BEAMLINE_RETRY_BACKOFF_MS: z.coerce.number().int().min(0).max(3_600_000).default(10_000),
    BEAMLINE_K8S_NAMESPACE: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/).default('beamline-jobs'),
    /** How pods (and the SDK's in-pod helpers) reach this API; defaults to http://127.0.0.1:<PORT>. */
    BEAMLINE_PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
    /** The image of endpoint replicas on Kubernetes: it must have `beamline` on its PATH. */
    BEAMLINE_RUNTIME_IMAGE: z.string().min(1).regex(/^\S+$/).default('ghcr.io/beamline/beamline:latest'),
    DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
    REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  })
  .loose();

export type AppConfig = z.output<typeof configSchema> & { BEAMLINE_BODY_LIMIT: number };

function parseByteSize(value: string): number {
  const match = /^(\d+)(b|kb|mb)?$/i.exec(value)!;
  const unit = (match[2] ?? 'b').toLowerCase();
  const factor = unit === 'mb' ? 1024 * 1024 : unit === 'kb' ? 1024 : 1;
  return Number(match[1]) * factor;
}
