import { GpuRequest, Job, NodeSpec, RunningJob, Taint, Toleration, TopologySpec, WorkerPlacement, WorkerRequest } from '../model.js';
import { ClusterQueueSpec } from '../quota.js';

// Fluent builders with overridable defaults, in the style of Kueue's testing wrappers.

export class NodeBuilder {
  private readonly spec: NodeSpec;

  constructor(name: string) {
    this.spec = { name, labels: {}, taints: [], cpuMilli: 64_000, memoryMiB: 256 * 1024, gpus: [] };
  }

  gpus(count: number, product = 'A100-80GB', memoryMiB = 81_920): this {
    const start = this.spec.gpus.length;
    for (let i = 0; i < count; i++) this.spec.gpus.push({ index: start + i, product, memoryMiB });
    this.spec.labels['nvidia.com/gpu.product'] ??= product;
    return this;
  }

  /** Every device so far shared the way a device plugin shares them (GpuSharing). */
  sharing(mode: 'none' | 'time-slicing' | 'mps', replicas = 1, resource = 'nvidia.com/gpu'): this {
    for (const g of this.spec.gpus) g.sharing = mode === 'none' ? { mode, replicas: 1 } : { mode, replicas, resource };
    return this;
  }

  migDevice(slices: Record<string, number>, product = 'A100-40GB', memoryMiB = 40_960): this {
    this.spec.gpus.push({ index: this.spec.gpus.length, product, memoryMiB, mig: slices });
    return this;
  }

  cpu(milli: number): this {
    this.spec.cpuMilli = milli;
    return this;
  }

  memory(mib: number): this {
    this.spec.memoryMiB = mib;
    return this;
  }

  label(key: string, value: string): this {
    this.spec.labels[key] = value;
    return this;
  }

  taint(key: string, effect: Taint['effect'] = 'NoSchedule', value?: string): this {
    this.spec.taints.push({ key, effect, value });
    return this;
  }

  build(): NodeSpec {
    return structuredClone(this.spec);
  }
}

export class JobBuilder {
  private readonly job: Job;

  constructor(id: string) {
    this.job = {
      id,
      workers: 1,
      request: { cpuMilli: 1_000, memoryMiB: 1_024, gpu: { kind: 'none' } },
      priority: 0,
      queue: 'team-a',
      project: 'p1',
      submittedAt: 0,
    };
  }

  private gpu(g: GpuRequest): this {
    this.job.request.gpu = g;
    return this;
  }

  whole(count: number): this {
    return this.gpu({ kind: 'whole', count });
  }

  share(milli: number): this {
    return this.gpu({ kind: 'share', milli });
  }

  mig(profile: string): this {
    return this.gpu({ kind: 'mig', profile });
  }

  cpu(milli: number): this {
    this.job.request.cpuMilli = milli;
    return this;
  }

  memory(mib: number): this {
    this.job.request.memoryMiB = mib;
    return this;
  }

  products(...p: string[]): this {
    this.job.request.products = p;
    return this;
  }

  minGpuMemory(mib: number): this {
    this.job.request.minGpuMemoryMiB = mib;
    return this;
  }

  selector(key: string, value: string): this {
    this.job.request.nodeSelector = { ...(this.job.request.nodeSelector ?? {}), [key]: value };
    return this;
  }

  excluding(...nodes: string[]): this {
    this.job.request.excludedNodes = [...(this.job.request.excludedNodes ?? []), ...nodes];
    return this;
  }

  tolerate(t: Toleration): this {
    this.job.request.tolerations = [...(this.job.request.tolerations ?? []), t];
    return this;
  }

  workers(n: number): this {
    this.job.workers = n;
    return this;
  }

  priority(p: number): this {
    this.job.priority = p;
    return this;
  }

  queue(q: string): this {
    this.job.queue = q;
    return this;
  }

  project(p: string): this {
    this.job.project = p;
    return this;
  }

  submittedAt(t: number): this {
    this.job.submittedAt = t;
    return this;
  }

  topology(scope: TopologySpec['scope'], mode: TopologySpec['mode'] = 'required', label?: string): this {
    this.job.topology = { scope, mode, ...(label ? { label } : {}) };
    return this;
  }

  build(): Job {
    return structuredClone(this.job);
  }

  request(): WorkerRequest {
    return this.build().request;
  }
}

export const aNode = (name: string): NodeBuilder => new NodeBuilder(name);
export const aJob = (id: string): JobBuilder => new JobBuilder(id);

export function runningJob(job: Job, workers: WorkerPlacement[], opts: { startedAt?: number; borrowing?: boolean; flavor?: string } = {}): RunningJob {
  return { job, workers, startedAt: opts.startedAt ?? 0, borrowing: opts.borrowing ?? false, flavor: opts.flavor };
}

export function aQueue(name: string, gpu: ClusterQueueSpec['gpu'], extra: Partial<ClusterQueueSpec> = {}): ClusterQueueSpec {
  return { name, gpu, ...extra };
}
