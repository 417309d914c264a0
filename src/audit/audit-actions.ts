/**
 * The one table that names what an HTTP change means in the audit log, keyed by
 * `METHOD routePath` exactly as Express registered the route (`ALL` for @All routes).
 * A non-GET route missing here is still recorded, as `http.<method>` (see auditActionFor), and
 * the integration test test/integration/audit.test.ts fails until it is added.
 */
export interface AuditAction {
  /** `<resource>.<verb>`, e.g. `endpoint.rollback`; filters match it exactly or by prefix (`endpoint.`). */
  action: string;
  resource: string;
  /** Route params that name the resource, joined with '/', e.g. ['name', 'alias'] → 'resnet/prod'. */
  idParams?: readonly string[];
  /**
   * Read from a successful response body: `id`, the field naming what was created (appended to
   * idParams), and `details`, the fields copied into the event. Whitelisted on purpose: a new
   * token's answer carries its secret, and bodies are never stored whole.
   */
  fromResponse?: { id?: string; details?: readonly string[] };
  /**
   * Inference is not audited when it succeeds: it is data-plane traffic (thousands a second),
   * changes nothing, and has its own metrics. Its denials (401/403) are still recorded.
   */
  deniedOnly?: true;
}

/** What a new token's answer may give the log: everything but `token`, the secret. */
const TOKEN_DETAILS = ['id', 'name', 'role', 'project', 'scopes', 'expiresAt'] as const;
/** A rotation answers with the new token; `replaces` is the old one and when it stops working. */
const ROTATED_DETAILS = [...TOKEN_DETAILS, 'replaces'] as const;
const P = '/v1/projects/:project';

export const AUDIT_ACTIONS: Readonly<Record<string, AuditAction>> = {
  // Sign-in and platform administration
  'POST /v1/auth/login': { action: 'auth.login', resource: 'user', fromResponse: { id: 'id', details: ['kind', 'platformAdmin'] } },
  'POST /v1/projects': { action: 'project.create', resource: 'project', fromResponse: { id: 'name' } },
  'POST /v1/tokens': { action: 'token.create', resource: 'token', fromResponse: { id: 'id', details: TOKEN_DETAILS } },
  'DELETE /v1/tokens/:id': { action: 'token.revoke', resource: 'token', idParams: ['id'] },
  'POST /v1/tokens/:id/rotate': { action: 'token.rotate', resource: 'token', idParams: ['id'], fromResponse: { details: ROTATED_DETAILS } },

  // Queues and quotas (issue 14)
  'POST /v1/cluster-queues': { action: 'cluster-queue.create', resource: 'cluster-queue', fromResponse: { id: 'name', details: ['cohort', 'version'] } },
  'PATCH /v1/cluster-queues/:name': { action: 'cluster-queue.update', resource: 'cluster-queue', idParams: ['name'], fromResponse: { details: ['version'] } },
  'DELETE /v1/cluster-queues/:name': { action: 'cluster-queue.delete', resource: 'cluster-queue', idParams: ['name'], fromResponse: { details: ['cancelledJobs'] } },
  [`POST ${P}/queues`]: { action: 'queue.create', resource: 'queue', fromResponse: { id: 'name', details: ['clusterQueue'] } },
  [`PATCH ${P}/queues/:name`]: { action: 'queue.update', resource: 'queue', idParams: ['name'], fromResponse: { details: ['clusterQueue', 'version'] } },
  [`DELETE ${P}/queues/:name`]: { action: 'queue.delete', resource: 'queue', idParams: ['name'] },

  // Project tokens and roles
  [`POST ${P}/tokens`]: { action: 'token.create', resource: 'token', fromResponse: { id: 'id', details: TOKEN_DETAILS } },
  [`DELETE ${P}/tokens/:id`]: { action: 'token.revoke', resource: 'token', idParams: ['id'] },
  [`POST ${P}/tokens/:id/rotate`]: { action: 'token.rotate', resource: 'token', idParams: ['id'], fromResponse: { details: ROTATED_DETAILS } },
  [`PUT ${P}/groups/:group`]: { action: 'group-binding.set', resource: 'group-binding', idParams: ['group'], fromResponse: { details: ['role'] } },
  [`DELETE ${P}/groups/:group`]: { action: 'group-binding.delete', resource: 'group-binding', idParams: ['group'] },

  // Training
  [`POST ${P}/training-jobs`]: { action: 'training-job.create', resource: 'training-job', fromResponse: { id: 'id', details: ['name', 'queue'] } },
  [`POST ${P}/training-jobs/:id/cancel`]: { action: 'training-job.cancel', resource: 'training-job', idParams: ['id'] },
  [`POST ${P}/training-jobs/:id/resume`]: { action: 'training-job.resume', resource: 'training-job', idParams: ['id'] },
  [`POST ${P}/training-jobs/:id/checkpoints`]: { action: 'training-job.checkpoint', resource: 'training-job', idParams: ['id'], fromResponse: { details: ['step', 'name'] } },

  // Model registry
  [`POST ${P}/models`]: { action: 'model.create', resource: 'model', fromResponse: { id: 'name' } },
  [`PATCH ${P}/models/:name`]: { action: 'model.update', resource: 'model', idParams: ['name'] },
  [`PUT ${P}/models/:name/aliases/:alias`]: { action: 'model-alias.set', resource: 'model-alias', idParams: ['name', 'alias'], fromResponse: { details: ['version', 'protected'] } },
  [`DELETE ${P}/models/:name/aliases/:alias`]: { action: 'model-alias.delete', resource: 'model-alias', idParams: ['name', 'alias'] },
  [`POST ${P}/models/:name/versions`]: { action: 'model-version.create', resource: 'model-version', idParams: ['name'], fromResponse: { id: 'version', details: ['status'] } },
  [`PATCH ${P}/models/:name/versions/:version`]: { action: 'model-version.update', resource: 'model-version', idParams: ['name', 'version'] },
  [`DELETE ${P}/models/:name/versions/:version`]: { action: 'model-version.delete', resource: 'model-version', idParams: ['name', 'version'] },
  [`PUT ${P}/models/:name/versions/:version/artifact`]: { action: 'model-version.upload', resource: 'model-version', idParams: ['name', 'version'], fromResponse: { details: ['sha256'] } },

  // Datasets (issue 15)
  [`POST ${P}/datasets`]: { action: 'dataset.create', resource: 'dataset', fromResponse: { id: 'name' } },
  [`POST ${P}/datasets/:name/versions`]: { action: 'dataset-version.create', resource: 'dataset-version', idParams: ['name'], fromResponse: { id: 'version', details: ['kind', 'uri', 'digest'] } },
  [`DELETE ${P}/datasets/:name/versions/:version`]: { action: 'dataset-version.delete', resource: 'dataset-version', idParams: ['name', 'version'] },

  // Serving: every change below is a rollout (a new revision); rollback re-applies an old one.
  [`POST ${P}/endpoints`]: { action: 'endpoint.create', resource: 'endpoint', fromResponse: { id: 'name', details: ['modelVersion', 'desiredRevision'] } },
  [`PATCH ${P}/endpoints/:name`]: { action: 'endpoint.update', resource: 'endpoint', idParams: ['name'], fromResponse: { details: ['modelVersion', 'desiredRevision'] } },
  [`POST ${P}/endpoints/:name/scale`]: { action: 'endpoint.scale', resource: 'endpoint', idParams: ['name'], fromResponse: { details: ['replicas', 'desiredRevision'] } },
  [`POST ${P}/endpoints/:name/rollback`]: { action: 'endpoint.rollback', resource: 'endpoint', idParams: ['name'], fromResponse: { details: ['modelVersion', 'desiredRevision'] } },
  [`POST ${P}/endpoints/:name/canary/promote`]: { action: 'endpoint.canary-promote', resource: 'endpoint', idParams: ['name'], fromResponse: { details: ['modelVersion', 'desiredRevision'] } },
  [`POST ${P}/endpoints/:name/canary/rollback`]: { action: 'endpoint.canary-rollback', resource: 'endpoint', idParams: ['name'], fromResponse: { details: ['modelVersion', 'desiredRevision'] } },
  [`DELETE ${P}/endpoints/:name`]: { action: 'endpoint.delete', resource: 'endpoint', idParams: ['name'] },
  [`POST ${P}/endpoints/:name/infer`]: { action: 'endpoint.infer', resource: 'endpoint', idParams: ['name'], deniedOnly: true },
  [`ALL ${P}/endpoints/:name/v2/*path`]: { action: 'endpoint.infer', resource: 'endpoint', idParams: ['name'], deniedOnly: true },
};

/** Methods that read: never audited (GET /v1/audit itself included, or reading the log would grow it). */
export const READ_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The table entry for a request, or the fallback for a route nobody added yet (or no route at
 * all, an unknown path): still recorded, as `http.<method>`, so nothing escapes the log.
 */
export function auditActionFor(method: string, routePath: string | undefined): AuditAction {
  const m = method.toUpperCase();
  if (routePath) {
    const hit = AUDIT_ACTIONS[`${m} ${routePath}`] ?? AUDIT_ACTIONS[`ALL ${routePath}`];
    if (hit) return hit;
  }
  return { action: `http.${m.toLowerCase()}`, resource: routePath ?? 'unmatched' };
}

/** Success for 2xx (and 3xx), denied for 401/403, failed for every other status. */
export function outcomeOf(status: number): 'success' | 'denied' | 'failed' {
  if (status === 401 || status === 403) return 'denied';
  return status < 400 ? 'success' : 'failed';
}
