import { z } from 'zod';
import { DEFAULT_POLICY, POLICY_NAMES } from '../../gpu-scheduler/engine/policies/index.js';
import { rateSetting } from '../rate-limit/rate.js';
import { PLATFORM_IMAGE } from '../version.js';

/** Roles a process can take; `all` runs api + controller in one process. */
export const ROLES = ['api', 'controller', 'all'] as const;
export type Role = (typeof ROLES)[number];

const port = z.coerce.number().int().min(0).max(65535);
const byteSize = z
  .string()
  .regex(/^\d+(b|kb|mb)?$/i, 'expected a size such as 1mb, 512kb or 1048576')
  .transform((value) => parseByteSize(value));

/**
 * BEAMLINE_* variables that belong to the clients, not the server: the SDKs and CLI read
 * the first four (docs/sdk.md, docs/cli.md tell users to export them), and training
 * workers get the others too (the SDK's `beamline.pod` reads the three after them,
 * `beamline.checkpoint` the last two). A shell that
 * exports them may also start the server, so the server ignores exactly these names and
 * still refuses any other unknown BEAMLINE_* variable. Kept in step with the SDK sources
 * by config.spec.ts; documented in docs/configuration.md ("Client variables").
 */
export const CLIENT_VARIABLES: readonly string[] = [
  'BEAMLINE_URL',
  'BEAMLINE_TOKEN',
  'BEAMLINE_PROJECT',
  'BEAMLINE_CONFIG_DIR',
  'BEAMLINE_TRAINING_JOB',
  'BEAMLINE_ATTEMPT',
  'BEAMLINE_OUTPUT_DIR',
  'BEAMLINE_CHECKPOINT_DIR',
  'BEAMLINE_RESUME_FROM',
];

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
    /**
     * The first platform-admin token, chosen by the installer (a Kubernetes Secret): created
     * at boot if missing, never printed. Without it the first start makes a random one.
     */
    BEAMLINE_ADMIN_TOKEN: z
      .string()
      .regex(/^bl_[A-Za-z0-9_-]{43}$/, "expected 'bl_' and 43 url-safe base64 characters (see docs/install.md)")
      .optional(),
    /**
     * `off` refuses to start embedded PostgreSQL/Redis when DATABASE_URL/REDIS_URL are missing
     * (the container image sets it: it ships neither, and a missing Secret must be named, not worked around).
     */
    BEAMLINE_EMBEDDED: z.enum(['auto', 'off']).default('auto'),
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
    /** The account the local driver runs training jobs as when the platform is root (created if it is this default and missing). */
    BEAMLINE_LOCAL_JOB_USER: z
      .string()
      .regex(/^[a-z_][a-z0-9_-]*\$?$/, 'expected a user name')
      .max(32)
      .default('beamline-job'),
    BEAMLINE_RETRY_BACKOFF_MS: z.coerce.number().int().min(0).max(3_600_000).default(10_000),
    /** A preempted job's workers get SIGTERM, and SIGKILL this many seconds later if still running. */
    BEAMLINE_PREEMPTION_GRACE_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
    /** A Queued job no node can ever run (docs/queues.md) fails as Unschedulable after this long; 0 keeps it Queued. */
    BEAMLINE_UNSCHEDULABLE_TIMEOUT_SECONDS: z.coerce.number().int().min(0).max(30 * 86_400).default(900),
    /** Complete checkpoints a training job keeps: the SDK deletes older files, the platform their records (issue 15). */
    /** Largest dataset archive upload, and the most its files may add up to once unpacked (issue 15). */
    BEAMLINE_DATASET_MAX_BYTES: byteSize.default(2048 * 1024 * 1024),
    /** Kubernetes: the image of the init container that fetches an uploaded dataset archive (needs sh, curl, tar). */
    BEAMLINE_DATASET_FETCH_IMAGE: z.string().min(1).max(512).default('curlimages/curl:8.11.1'),
    BEAMLINE_CHECKPOINT_KEEP: z.coerce.number().int().min(1).max(100).default(3),
    /** Kubernetes: the StorageClass of each training job's checkpoint PVC; empty, an emptyDir that no later attempt sees. */
    BEAMLINE_CHECKPOINT_STORAGE_CLASS: z.string().regex(/^([a-z0-9]([-a-z0-9.]*[a-z0-9])?)?$/, 'expected a StorageClass name').max(253).default(''),
    /** Kubernetes: the size each checkpoint PVC asks for. */
    BEAMLINE_CHECKPOINT_SIZE: z.string().regex(/^[1-9]\d*(Mi|Gi|Ti)$/, "expected a quantity such as '10Gi'").default('10Gi'),
    /** Training logs go to the artifact store in chunks of at most this many KiB (issue 15, docs/checkpoints.md "Logs"). */
    BEAMLINE_JOB_LOG_CHUNK_KIB: z.coerce.number().int().min(1).max(65_536).default(256),
    /** ...and a chunk is cut when its oldest byte is this old, which bounds what a lost pod can take with it. */
    BEAMLINE_JOB_LOG_FLUSH_SECONDS: z.coerce.number().int().min(1).max(3600).default(10),
    /** Archived logs of jobs that ended this many days ago are deleted; 0 keeps them as long as the job record. */
    BEAMLINE_JOB_LOG_RETENTION_DAYS: z.coerce.number().int().min(0).max(36_500).default(0),
    BEAMLINE_K8S_NAMESPACE: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/).default('beamline-jobs'),
    /** In a pod: the service-account token and CA (default: the kubelet's mount, /var/run/secrets/kubernetes.io/serviceaccount). */
    BEAMLINE_K8S_SERVICE_ACCOUNT_DIR: z.string().min(1).optional(),
    /** How the infer proxy reaches replicas on Kubernetes: auto = direct in the cluster, the API server's service proxy outside. */
    BEAMLINE_K8S_REPLICA_ACCESS: z.enum(['auto', 'direct', 'api-proxy']).default('auto'),
    /**
     * How pods (and the SDK's in-pod helpers) reach this API; defaults to http://127.0.0.1:<PORT>,
     * which only the local driver can use (see publicUrlProblem).
     */
    BEAMLINE_PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
    /** Key of the per-endpoint replica tokens (src/serving/endpoints/replica-tokens.ts); default: <HOME>/replica-secret. */
    BEAMLINE_REPLICA_SECRET: z.string().min(32, 'at least 32 characters').optional(),
    /** Autoscaled endpoints at zero replicas (docs/endpoints.md, "Autoscaling"): requests one API instance holds per endpoint while a replica starts; more get 503. */
    BEAMLINE_ENDPOINT_HOLD_QUEUE: z.coerce.number().int().min(0).max(100_000).default(256),
    /** …and how long each waits for a ready replica before 503 with Retry-After. */
    BEAMLINE_ENDPOINT_HOLD_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
    /** The image of endpoint replicas on Kubernetes: it must have `beamline` on its PATH. deploy/ sets the platform's own. */
    BEAMLINE_RUNTIME_IMAGE: z.string().min(1).regex(/^\S+$/).default(PLATFORM_IMAGE),
    // Single sign-on (src/auth, docs/configuration.md): no issuer = SSO off, API tokens only.
    BEAMLINE_OIDC_ISSUER: z
      .url({ protocol: /^https?$/ })
      .refine((v) => v.startsWith('https:') || /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(`${v}/`), 'must be https (http only on loopback)')
      .optional(),
    BEAMLINE_OIDC_AUDIENCE: z.string().min(1).optional(),
    BEAMLINE_OIDC_CLIENT_ID: z.string().min(1).optional(),
    /** The public browser client of the web console (docs/console.md): unset, the console offers no SSO. */
    BEAMLINE_OIDC_CONSOLE_CLIENT_ID: z.string().min(1).regex(/^\S+$/, 'no spaces').optional(),
    BEAMLINE_OIDC_GROUPS_CLAIM: z.string().min(1).default('groups'),
    BEAMLINE_OIDC_ADMIN_GROUPS: z.string().default('').transform((v) => v.split(',').map((g) => g.trim()).filter(Boolean)),
    BEAMLINE_OIDC_SCOPES: z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]+( [\x21\x23-\x5b\x5d-\x7e]+)*$/, 'space-separated scopes').default('openid profile email offline_access'),
    // Rate limits (src/common/rate-limit, docs/configuration.md "Rate limits"): '<count>/<period>' or 'off'.
    // High enough for a lab's normal use (sweeps, batch scoring); low enough to stop a runaway loop.
    BEAMLINE_RATE_SUBMIT_PER_TOKEN: rateSetting('60/min'),
    BEAMLINE_RATE_SUBMIT_PER_PROJECT: rateSetting('600/min'),
    BEAMLINE_RATE_INFER_PER_TOKEN: rateSetting('1000/s'),
    BEAMLINE_RATE_INFER_PER_PROJECT: rateSetting('5000/s'),
    DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
    REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
    /** Set by the kubelet in every pod: the API runs inside the cluster. */
    KUBERNETES_SERVICE_HOST: z.string().optional(),
  })
  .loose()
  .superRefine((config, ctx) => {
    const problem = publicUrlProblem(config);
    if (problem) ctx.addIssue({ code: 'custom', path: ['BEAMLINE_PUBLIC_URL'], message: problem });
    if (config.BEAMLINE_OIDC_CONSOLE_CLIENT_ID && !config.BEAMLINE_OIDC_ISSUER) {
      ctx.addIssue({ code: 'custom', path: ['BEAMLINE_OIDC_CONSOLE_CLIENT_ID'], message: 'needs BEAMLINE_OIDC_ISSUER (the provider the client belongs to)' });
    }
  });

const LOOPBACK_HOST = /^(localhost|127(\.\d{1,3}){3}|\[::1?\]|0\.0\.0\.0)$/i;

/**
 * With the Kubernetes driver, training pods (BEAMLINE_URL) and endpoint replicas (model
 * downloads) reach the API at BEAMLINE_PUBLIC_URL. Its default, and any loopback address,
 * is the pod's own loopback, so every job and replica would fail long after boot: refuse
 * it at boot instead. In the cluster (KUBERNETES_SERVICE_HOST) a missing value is left to
 * the deployment, as issue 20 asks; a loopback one is wrong there too and still refused.
 */
export function publicUrlProblem(config: { BEAMLINE_CLUSTER_DRIVER?: string; BEAMLINE_PUBLIC_URL?: string; KUBERNETES_SERVICE_HOST?: string }): string | undefined {
  if (config.BEAMLINE_CLUSTER_DRIVER !== 'kubernetes') return undefined;
  const url = config.BEAMLINE_PUBLIC_URL;
  const hint = 'pods must reach the API: set it to an address they can resolve, e.g. the API Service http://beamline-api.beamline.svc:8080 or an ingress URL';
  if (!url) return config.KUBERNETES_SERVICE_HOST ? undefined : `required with BEAMLINE_CLUSTER_DRIVER=kubernetes outside the cluster; ${hint}`;
  if (LOOPBACK_HOST.test(new URL(url).hostname)) return `a loopback address is the pod's own with BEAMLINE_CLUSTER_DRIVER=kubernetes; ${hint}`;
  return undefined;
}

export type AppConfig = z.output<typeof configSchema> & { BEAMLINE_BODY_LIMIT: number };

function parseByteSize(value: string): number {
  const match = /^(\d+)(b|kb|mb)?$/i.exec(value)!;
  const unit = (match[2] ?? 'b').toLowerCase();
  const factor = unit === 'mb' ? 1024 * 1024 : unit === 'kb' ? 1024 : 1;
  return Number(match[1]) * factor;
}
