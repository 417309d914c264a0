import type { ForeignAllocation } from '../../cluster/cluster-driver.js';
import type { ClusterSnapshot, Job, NodeSpec, RunningJob, WorkerPlacement, WorkerRequest } from '../../gpu-scheduler/engine/model.js';
import type { WorkerResources } from '../training.dto.js';
import { FOREIGN_QUEUE } from './queue-specs.js';

/** The fields of a training-job row the scheduler needs. */
export interface SchedulableJob {
  id: string;
  projectId: string;
  queue: string;
  priority: number;
  workers: number;
  resources: WorkerResources;
  createdAt: Date;
  scheduledAt?: Date | null;
  placement?: WorkerPlacement[] | null;
  excludedNodes?: string[];
}

/** Translates a stored per-worker request into the engine's vocabulary. */
export function toWorkerRequest(resources: WorkerResources): WorkerRequest {
  const gpu = resources.gpu;
  const request: WorkerRequest = {
    cpuMilli: resources.cpuMilli,
    memoryMiB: resources.memoryMiB,
    gpu: !gpu
      ? { kind: 'none' }
      : gpu.count !== undefined
        ? { kind: 'whole', count: gpu.count }
        : gpu.milli !== undefined
          ? { kind: 'share', milli: gpu.milli }
          : gpu.migProfile !== undefined
            ? { kind: 'mig', profile: gpu.migProfile }
            : { kind: 'none' },
    // Beamline's workers tolerate the GPU taint, as the pods it creates do.
    tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists' }],
  };
  if (gpu?.products) request.products = gpu.products;
  if (gpu?.minMemoryMiB) request.minGpuMemoryMiB = gpu.minMemoryMiB;
  return request;
}

export function toEngineJob(job: SchedulableJob): Job {
  const request = toWorkerRequest(job.resources);
  if (job.excludedNodes?.length) request.excludedNodes = job.excludedNodes;
  return {
    id: job.id,
    workers: job.workers,
    request,
    ...(job.resources.topology ? { topology: job.resources.topology } : {}),
    priority: job.priority,
    queue: job.queue,
    project: job.projectId,
    submittedAt: job.createdAt.getTime(),
  };
}

/**
 * The immutable input of one cycle: nodes from the driver's cache, Beamline's own
 * allocations from PostgreSQL (the record, so a job recorded Scheduled whose pods are
 * not created yet still holds its GPUs), and foreign pods from the driver.
 */
export function buildSnapshot(nodes: NodeSpec[], foreign: ForeignAllocation[], active: SchedulableJob[]): ClusterSnapshot {
  const names = new Set(nodes.map((n) => n.name));
  const running: RunningJob[] = [];
  for (const job of active) {
    const placement = job.placement ?? [];
    if (placement.length === 0 || placement.some((p) => !names.has(p.node))) continue;
    running.push({
      job: toEngineJob(job),
      workers: placement,
      startedAt: (job.scheduledAt ?? job.createdAt).getTime(),
      borrowing: false,
      flavor: flavorOf(nodes, placement[0]),
    });
  }
  for (const f of foreign) {
    if (!names.has(f.placement.node)) continue;
    const milli = f.placement.gpuMilli;
    running.push({
      job: {
        id: `foreign:${f.owner}`,
        workers: 1,
        request: {
          cpuMilli: f.cpuMilli,
          memoryMiB: f.memoryMiB,
          gpu: milli !== undefined ? { kind: 'share', milli } : { kind: 'whole', count: f.placement.gpuIndexes.length },
        },
        priority: Number.MAX_SAFE_INTEGER, // never a preemption victim: Beamline does not own it
        queue: FOREIGN_QUEUE,
        project: FOREIGN_QUEUE,
        submittedAt: 0,
      },
      workers: [f.placement],
      startedAt: 0,
      borrowing: false,
      flavor: flavorOf(nodes, f.placement),
    });
  }
  return { nodes, running };
}

function flavorOf(nodes: NodeSpec[], placement: WorkerPlacement): string | undefined {
  const node = nodes.find((n) => n.name === placement.node);
  const index = placement.gpuIndexes[0];
  return index === undefined ? undefined : node?.gpus.find((g) => g.index === index)?.product;
}
