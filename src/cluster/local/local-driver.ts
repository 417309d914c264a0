import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, hostname, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import type { NodeSpec } from '../../gpu-scheduler/engine/model.js';
import { workerEnv, type ClusterDriver, type ClusterInventory, type WorkerStatus, type WorkloadSpec, type WorkloadStatus } from '../cluster-driver.js';
import { localGpus } from './gpu-inventory.js';
import { followFile } from './log-follow.js';
import { isAlive, killGroup, spawnWorker } from './worker-process.js';
import { Listeners } from '../listeners.js';


export const LOCAL_NODE = 'local';

interface LocalWorker extends WorkerStatus {
  pid?: number;
  exitFile: string;
}
interface LocalWorkload {
  spec: WorkloadSpec;
  dir: string;
  workers: LocalWorker[];
}

/**
 * The embedded driver: this machine is the one node, each worker a real process.
 * Everything a workload needs to survive a controller restart lives on disk under
 * <home>/jobs/<jobId>/a<attempt>/: spec.json, worker-N.log, worker-N.pid, worker-N.exit.
 * The container image is not used: commands run on the host, in the job's directory.
 */
export class LocalDriver implements ClusterDriver {
  readonly kind = 'local' as const;
  private readonly root: string;
  private readonly loads = new Map<string, LocalWorkload>();
  private readonly listeners = new Listeners();
  private node!: NodeSpec;
  private timer?: NodeJS.Timeout;

  constructor(home: string, private readonly options: { graceMs?: number; gpus?: () => NodeSpec['gpus'] } = {}) {
    this.root = resolve(home, 'jobs');
  }

  async start(): Promise<void> {
    await mkdir(this.root, { recursive: true });
    this.node = {
      name: LOCAL_NODE,
      labels: { 'kubernetes.io/hostname': hostname(), 'beamline.dev/driver': 'local' },
      taints: [],
      cpuMilli: cpus().length * 1000,
      memoryMiB: Math.floor(totalmem() / 1024 ** 2),
      gpus: (this.options.gpus ?? localGpus)(),
    };
    await this.adoptFromDisk();
    // Adopted workers (started before a restart) are not our children: check them each second.
    this.timer = setInterval(() => void this.checkAdopted(), 1000);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.listeners.clear();
  }

  inventory(): ClusterInventory {
    return { nodes: [this.node], foreign: [] };
  }

  workloads(): WorkloadStatus[] {
    return [...this.loads.values()].map((w) => ({
      jobId: w.spec.jobId,
      attempt: w.spec.attempt,
      workers: w.workers.map(({ index, node, phase, exitCode, restarts, message }) => ({ index, node, phase, exitCode, restarts, message })),
    }));
  }

  onChange(listener: () => void): () => void {
    return this.listeners.add(listener);
  }

  async createWorkload(spec: WorkloadSpec): Promise<void> {
    const key = keyOf(spec.jobId, spec.attempt);
    if (this.loads.has(key)) return; // idempotent
    const dir = join(this.root, spec.jobId, `a${spec.attempt}`);
    if (existsSync(join(dir, 'spec.json'))) return; // started before, already finished or deleted
    await mkdir(join(dir, 'output'), { recursive: true });
    await writeFile(join(dir, 'spec.json'), JSON.stringify(spec));
    const load: LocalWorkload = { spec, dir, workers: [] };
    this.loads.set(key, load);
    for (let index = 0; index < spec.workers.length; index++) {
      const cwd = spec.workingDir ?? join(dir, `worker-${index}`);
      await mkdir(cwd, { recursive: true });
      const worker: LocalWorker = { index, node: LOCAL_NODE, phase: 'Pending', restarts: 0, exitFile: join(dir, `worker-${index}.exit`) };
      load.workers.push(worker);
      if (spec.command.length === 0) {
        Object.assign(worker, { phase: 'Failed', exitCode: 127, message: 'the local driver needs a command (it does not run images)' });
        continue;
      }
      const env = {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: process.env.HOME ?? cwd,
        ...workerEnv(spec, index, '127.0.0.1'),
        BEAMLINE_OUTPUT_DIR: join(dir, 'output'),
      };
      const child = spawnWorker({ command: [...spec.command, ...spec.args], cwd, env, logFile: logPath(dir, index), exitFile: worker.exitFile });
      worker.pid = child.pid;
      worker.phase = 'Running';
      await writeFile(join(dir, `worker-${index}.pid`), String(child.pid));
      child.onExit(() => void this.collectExit(worker));
    }
    this.emit();
  }

  async deleteWorkload(jobId: string, attempt?: number): Promise<void> {
    const targets = [...this.loads.entries()].filter(([, w]) => w.spec.jobId === jobId && (attempt === undefined || w.spec.attempt === attempt));
    for (const [key, load] of targets) {
      this.loads.delete(key);
      await Promise.all(load.workers.map((w) => (w.pid && w.phase === 'Running' ? killGroup(w.pid, this.options.graceMs ?? 5000) : undefined)));
      await writeFile(join(load.dir, 'deleted'), new Date().toISOString());
    }
    if (targets.length > 0) this.emit();
  }

  async *logs(jobId: string, attempt: number, worker: number, options: { follow: boolean; signal?: AbortSignal }): AsyncIterable<string> {
    const dir = join(this.root, jobId, `a${attempt}`);
    // Read from disk, not memory: the API role serves logs without running the driver.
    const running = () => existsSync(join(dir, `worker-${worker}.pid`)) && !existsSync(join(dir, `worker-${worker}.exit`)) && !existsSync(join(dir, 'deleted'));
    yield* followFile(logPath(dir, worker), { follow: options.follow, signal: options.signal, stillWriting: running });
  }

  outputPath(jobId: string, attempt: number): string {
    return join(this.root, jobId, `a${attempt}`, 'output');
  }

  /** Removes the files of finished attempts (logs included). */
  async purge(jobId: string): Promise<void> {
    await rm(join(this.root, jobId), { recursive: true, force: true });
  }

  private async collectExit(worker: LocalWorker): Promise<void> {
    if (worker.phase !== 'Running') return;
    const exit = await readExit(worker.exitFile);
    worker.exitCode = exit?.code ?? 137;
    worker.phase = worker.exitCode === 0 ? 'Succeeded' : 'Failed';
    worker.message = exit?.error ?? (exit?.signal ? `killed by ${exit.signal}` : exit ? undefined : 'the worker vanished without an exit code');
    this.emit();
  }

  private async checkAdopted(): Promise<void> {
    for (const load of this.loads.values()) {
      for (const worker of load.workers) {
        if (worker.phase === 'Running' && worker.pid && !isAlive(worker.pid)) await this.collectExit(worker);
      }
    }
  }

  /** After a restart: every attempt that was not deleted is known again, running or finished. */
  private async adoptFromDisk(): Promise<void> {
    for (const jobId of await readdir(this.root).catch(() => [] as string[])) {
      for (const attemptDir of await readdir(join(this.root, jobId)).catch(() => [] as string[])) {
        const dir = join(this.root, jobId, attemptDir);
        if (!existsSync(join(dir, 'spec.json')) || existsSync(join(dir, 'deleted'))) continue;
        const spec = JSON.parse(await readFile(join(dir, 'spec.json'), 'utf8')) as WorkloadSpec;
        const workers: LocalWorker[] = [];
        for (let index = 0; index < spec.workers.length; index++) {
          const exitFile = join(dir, `worker-${index}.exit`);
          const pid = Number(await readFile(join(dir, `worker-${index}.pid`), 'utf8').catch(() => '0')) || undefined;
          const worker: LocalWorker = { index, node: LOCAL_NODE, phase: 'Running', restarts: 0, exitFile, pid };
          if (!pid || !isAlive(pid)) await this.collectExit(worker);
          workers.push(worker);
        }
        this.loads.set(keyOf(spec.jobId, spec.attempt), { spec, dir, workers });
      }
    }
  }

  private emit(): void {
    this.listeners.emit();
  }
}

const keyOf = (jobId: string, attempt: number) => `${jobId}/${attempt}`;
const logPath = (dir: string, index: number) => join(dir, `worker-${index}.log`);

async function readExit(file: string): Promise<{ code: number; signal?: string; error?: string } | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as { code: number; signal?: string; error?: string };
  } catch {
    return undefined;
  }
}
