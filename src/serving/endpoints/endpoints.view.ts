import type { EndpointEvent, EndpointRevision } from '../../generated/prisma/client.js';
import type { RevisionTemplate } from './endpoints.dto.js';
import { modelSetView } from './model-set.js';
import type { EndpointRow } from './endpoints.repository.js';
import type { CanaryState, ShadowState } from './traffic-split.js';

/** What the controller stores from the driver's observation (no upstream URLs shown). */
export interface ObservedState {
  revision?: number;
  replicas?: number;
  readyReplicas?: number;
  updatedReplicas?: number;
  availableReplicas?: number;
  restarts?: number;
  rollout?: string;
  reason?: string;
  message?: string;
  upstreams?: string[];
  /** The canary's and the shadow's own replicas (sub-deployments.ts), while they run. */
  canary?: SubObserved;
  shadow?: SubObserved;
  at?: string;
}

export interface SubObserved {
  revision: number;
  replicas: number;
  readyReplicas: number;
  restarts: number;
  rollout: string;
  reason?: string;
  message?: string;
  upstreams?: string[];
}

/** The public JSON of an endpoint (the API's contract, not the table's). */
export function toEndpointView(row: EndpointRow, template: RevisionTemplate, projectName: string) {
  const observed = (row.observed ?? {}) as ObservedState;
  const { upstreams, canary, shadow, ...shown } = observed;
  const hide = (o: SubObserved | undefined) => {
    if (!o) return {};
    const { upstreams: _u, ...rest } = o;
    return rest;
  };
  return {
    id: row.id,
    project: projectName,
    name: row.name,
    // A list's first model can change with a PATCH; the row keeps the one it was created with.
    model: template.modelSet ? template.model.name : row.model.name,
    follows: row.alias ? `@${row.alias}` : null,
    modelVersion: template.model.version,
    replicas: row.replicas,
    resources: template.resources,
    batching: template.batching,
    runtime: { executionProvider: template.runtime?.executionProvider ?? 'cpu' },
    env: template.env,
    ...modelSetView(template.modelSet),
    maxSurge: row.maxSurge,
    progressDeadlineSeconds: row.progressDeadlineSeconds,
    autoscaling: template.autoscaling ?? null,
    canary: (row.canary as CanaryState | null) ?? null,
    shadow: (row.shadow as ShadowState | null) ?? null,
    desiredRevision: row.desiredRevision,
    goodRevision: row.goodRevision,
    phase: row.phase,
    reason: row.reason,
    message: row.message,
    observed: { ...shown, ...(canary ? { canary: hide(canary) as Omit<SubObserved, 'upstreams'> } : {}), ...(shadow ? { shadow: hide(shadow) as Omit<SubObserved, 'upstreams'> } : {}) },
    // A Deleting endpoint gets no route (endpoint-router.ts) even while its replicas drain.
    // Scaled to zero (minReplicas 0) is ready too: the proxy holds a request while a replica starts.
    ready: row.phase !== 'Deleting' && (((observed.availableReplicas ?? 0) > 0 && (upstreams?.length ?? 0) > 0) || scaledToZero(row, template)),
    // Many models: the V2 route names the model (a template for the caller to fill in).
    inferUrl: `/v1/projects/${projectName}/endpoints/${row.name}${template.modelSet ? '/v2/models/{model}/infer' : '/infer'}`,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
export type EndpointView = ReturnType<typeof toEndpointView>;

/** Complete at zero replicas by the autoscaler's choice, not by failure. */
export function scaledToZero(row: EndpointRow, template: RevisionTemplate): boolean {
  return row.phase === 'Complete' && row.replicas === 0 && template.autoscaling?.minReplicas === 0;
}

export function toRevisionView(row: EndpointRevision) {
  const template = row.template as unknown as RevisionTemplate;
  return {
    revision: row.revision,
    modelVersion: row.modelVersion,
    cause: row.cause,
    message: row.message,
    sourceRevision: row.sourceRevision,
    status: row.status,
    replicas: template.replicas,
    autoscaling: template.autoscaling ?? null,
    resources: template.resources,
    batching: template.batching,
    runtime: { executionProvider: template.runtime?.executionProvider ?? 'cpu' },
    env: template.env,
    ...modelSetView(template.modelSet),
    createdAt: row.createdAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}

export function toEventView(row: EndpointEvent) {
  return { id: row.id.toString(), revision: row.revision, type: row.type, reason: row.reason, message: row.message, createdAt: row.createdAt.toISOString() };
}
