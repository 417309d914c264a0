import type { TrainingJob, TrainingJobEvent } from '../generated/prisma/client.js';
import { jobClaimName, type VolumeSpec } from './training-volumes.js';

/** The public JSON shape of a training job (the API's contract, not the table's). */
export function toJobView(job: TrainingJob, projectName: string) {
  return {
    id: job.id,
    project: projectName,
    name: job.name,
    image: job.image,
    command: job.command,
    args: job.args,
    env: job.env,
    workingDir: job.workingDir,
    resources: job.resources,
    workers: job.workers,
    priority: job.priority,
    queue: job.queue,
    maxRetries: job.maxRetries,
    attempt: job.attempt,
    timeoutSeconds: job.timeoutSeconds,
    startTimeoutSeconds: job.startTimeoutSeconds,
    // With restartPolicy Never the kubelet never restarts a worker: restarts are new
    // attempts (retries and node-loss requeues) plus container restarts, if any.
    restarts: job.attempt + job.containerRestarts,
    containerRestarts: job.containerRestarts,
    excludedNodes: job.excludedNodes,
    outputModel: job.outputModel,
    /** The principal (token or user name) that submitted it; null for jobs from before it was recorded. */
    submittedBy: job.submittedBy,
    volumes: volumesView(job.id, job.volumes as unknown as VolumeSpec[]),
    status: job.status,
    statusReason: job.statusReason,
    pendingReason: job.status === 'Queued' ? job.pendingReason : null,
    unschedulable: job.status === 'Queued' && job.unschedulableSince !== null,
    unschedulableSince: job.status === 'Queued' ? (job.unschedulableSince?.toISOString() ?? null) : null,
    preemptedBy: job.preemptedBy,
    placement: job.placement,
    policy: job.policy,
    scheduledAt: job.scheduledAt?.toISOString() ?? null,
    notBefore: job.notBefore?.toISOString() ?? null,
    createdAt: job.createdAt.toISOString(),
    updatedAt: job.updatedAt.toISOString(),
    startedAt: job.startedAt?.toISOString() ?? null,
    finishedAt: job.finishedAt?.toISOString() ?? null,
  };
}
export type TrainingJobView = ReturnType<typeof toJobView>;

/** A new claim shows its name: a retained one is mounted by later jobs as `claim: <claimName>`. */
function volumesView(jobId: string, volumes: VolumeSpec[]): VolumeView[] {
  return volumes.map(({ newClaim, ...v }) => (newClaim ? { ...v, newClaim: { ...newClaim, claimName: jobClaimName(jobId, v.name) } } : v));
}
type VolumeView = Omit<VolumeSpec, 'newClaim'> & { newClaim?: NonNullable<VolumeSpec['newClaim']> & { claimName: string } };

export function toEventView(event: TrainingJobEvent) {
  return {
    id: event.id.toString(),
    from: event.fromStatus,
    to: event.toStatus,
    reason: event.reason,
    message: event.message,
    at: event.createdAt.toISOString(),
  };
}

/** Opaque keyset cursor: base64url of the last item's (createdAt, id). */
export function encodeCursor(job: TrainingJob): string {
  return Buffer.from(JSON.stringify([job.createdAt.toISOString(), job.id])).toString('base64url');
}

export function decodeCursor(cursor: string): { createdAt: Date; id: string } | undefined {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    const createdAt = new Date(at);
    if (Number.isNaN(createdAt.getTime()) || !UUID.test(id)) return undefined;
    return { createdAt, id };
  } catch {
    return undefined;
  }
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
