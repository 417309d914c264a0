import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { lstat, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, hostname, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { NodeSpec } from '../../gpu-scheduler/engine/model.js';
import { checkpointEnv, hostDeviceEnv, LogSourceGone, workerEnv, type ClusterDriver, type ClusterInventory, type JobClaim, type WorkerStatus, type WorkloadSpec, type WorkloadStatus } from '../cluster-driver.js';
import { localGpus } from './gpu-inventory.js';
import { followFile } from './log-follow.js';
import { datasetsRoot, localJobClaims, localVolumes } from './local-volumes.js';
import { jobEnv, ownedDir, privatizeHome, resolveCommand, resolveWorkingDir, unreachableBy } from './job-sandbox.js';
import { DEFAULT_JOB_USER, resolveJobIdentity, type JobIdentity } from './job-user.js';
import { isAlive, killGroup, signalGroup, spawnWorker } from './worker-process.js';
import { readSpec, startedOnDisk, supervisorOf, writeSpec } from './workload-disk.js';
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
  /** Set by stopWorkload: SIGKILL for whatever still runs at the deadline. */
  killTimer?: NodeJS.Timeout;
}

/**
 * The embedded driver: this machine is the one node, each worker a real process.
 * Everything a workload needs to survive a controller restart lives on disk under
 * <home>/jobs/<jobId>/a<attempt>/: spec.json, worker-N.log, worker-N.pid, worker-N.exit;
 * checkpoints, shared by the attempts, in <home>/jobs/<jobId>/checkpoints/.
 * The container image is not used: commands run on the host, in the job's own directory,
 * as the unprivileged job user when the platform is root (job-sandbox.ts has the layout
 * and permissions, job-user.ts the account).
 */
export class LocalDriver implements ClusterDriver {
  readonly kind = 'local' as const;
  private readonly root: string;
  private readonly loads = new Map<string, LocalWorkload>();
  private readonly listeners = new Listeners();
  private node!: NodeSpec;
  private timer?: NodeJS.Timeout;
  private identity?: JobIdentity;
  private adopted = false;
  private started = false;

  constructor(
    private readonly home: string,
    private readonly options: { graceMs?: number; gpus?: () => NodeSpec['gpus']; jobUser?: string; log?: (level: 'log' | 'warn' | 'error', line: string) => void } = {},
  ) {
    this.root = resolve(home, 'jobs');
  }

  async start(): Promise<void> {
    if (!this.started) {
      // What was read while not leading is a snapshot of then: after stop(), a reader such as
      // the log archiver's tailers can still ask workloads(), which adopts the disk as it was,
      // and another leader may create workloads afterwards. The chaos suite in CI saw a
      // re-elected controller fail 8 jobs as WorkersLost that way (their workers had exited 0).
      this.forget();
      this.started = true;
    }
    this.adoptFromDisk();
    this.identity = resolveJobIdentity(this.options.jobUser ?? DEFAULT_JOB_USER, this.options.log ?? (() => undefined));
    await ownedDir(this.root, 0o711);
    await this.protectHome();
    this.node = {
      name: LOCAL_NODE,
      labels: { 'kubernetes.io/hostname': hostname(), 'beamline.dev/driver': 'local' },
      taints: [],
      cpuMilli: cpus().length * 1000,
      memoryMiB: Math.floor(totalmem() / 1024 ** 2),
      gpus: (this.options.gpus ?? localGpus)(),
    };
    // Adopted workers (started before a restart) are not our children: check them each second.
    if (this.timer) clearInterval(this.timer); // started twice: one timer, not two
    this.timer = setInterval(() => void this.checkAdopted(), 1000);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.listeners.clear();
    // A controller that stops leading may lead again after another replica created and
    // finished workloads on this machine: what it holds in memory is stale then, so the next
    // start() reads the disk again. Without this, the chaos suite (issue 19) saw a re-elected
    // controller fail a job as WorkersLost whose worker had exited 0 under the other leader.
    this.forget();
    this.started = false;
  }

  /** Drops every workload held in memory (and its kill timer); the next read adopts the disk afresh. */
  private forget(): void {
    for (const load of this.loads.values()) clearTimeout(load.killTimer);
    this.loads.clear();
    this.adopted = false;
  }

  inventory(): ClusterInventory {
    return { nodes: [this.node], foreign: [] };
  }

  workloads(): WorkloadStatus[] {
    this.adoptFromDisk();
    return [...this.loads.values()].map((w) => ({
      jobId: w.spec.jobId,
      attempt: w.spec.attempt,
      workers: w.workers.map(({ index, node, phase, exitCode, restarts, message, terminating }) => ({ index, node, phase, exitCode, restarts, message, ...(terminating ? { terminating } : {}) })),
    }));
  }

  onChange(listener: () => void): () => void {
    return this.listeners.add(listener);
  }

  async createWorkload(spec: WorkloadSpec): Promise<void> {
    this.adoptFromDisk(); // an attempt made before a restart is adopted, never made twice
    const key = keyOf(spec.jobId, spec.attempt);
    if (this.loads.has(key)) return; // idempotent
    const dir = join(this.root, spec.jobId, `a${spec.attempt}`);
    // Started before (running, finished or deleted): never twice. A spec whose workers never
    // started (a controller killed in between) is made again, as if it had never been.
    if (existsSync(join(dir, 'deleted')) || (readSpec(dir) && startedOnDisk(dir, spec.workers.length))) return;
    const identity = this.identity ?? { mode: 'refused', reason: 'the local driver was not started' };
    const owner = identity.mode === 'isolated' ? identity : undefined;
    await this.protectHome();
    await ownedDir(dirname(dir), 0o711);
    await ownedDir(dir, 0o711);
    const workDir = join(dir, 'work');
    await ownedDir(workDir, 0o700, owner);
    await ownedDir(join(dir, 'output'), 0o700, owner);
    // Per job, not per attempt: what one attempt checkpointed, the next resumes from (issue 15).
    const checkpoints = this.checkpointPath(spec.jobId);
    if (spec.checkpoint) await ownedDir(checkpoints, 0o700, owner);
    // The job's own claims are made before spec.json: a failure up to there removes those
    // this call made, and the next reconcile pass tries the attempt afresh.
    const made: string[] = [];
    let volumes: Record<string, string>;
    try {
      volumes = await localVolumes(spec, this.home, dir, owner, made);
      // The job token reaches the worker through its env only: spec.json (kept for adoption) leaves it out.
      const { secretEnv: _secret, ...stored } = spec;
      await writeSpec(dir, stored);
    } catch (error) {
      await Promise.all(made.map((path) => rm(path, { recursive: true, force: true })));
      throw error;
    }
    const load: LocalWorkload = { spec, dir, workers: [] };
    this.loads.set(key, load);
    // Every directory is made before any worker runs: a running worker could otherwise
    // plant a symlink where the next worker's directory is created (and chowned, as root).
    const plans = [];
    const levels = new Set<string>();
    for (let index = 0; index < spec.workers.length; index++) {
      const worker: LocalWorker = { index, node: LOCAL_NODE, phase: 'Pending', restarts: 0, exitFile: join(dir, `worker-${index}.exit`) };
      load.workers.push(worker);
      const cwd = resolveWorkingDir(workDir, spec.workingDir, index);
      const problem = 'error' in cwd ? cwd.error : this.refusal(identity, spec.command);
      if (problem !== undefined || 'error' in cwd) {
        Object.assign(worker, { phase: 'Failed', exitCode: 126, message: problem });
        await writeFile(worker.exitFile, JSON.stringify({ code: 126, error: problem }), { mode: 0o600 }); // the same answer after a restart
        continue;
      }
      if (spec.command.length === 0) {
        Object.assign(worker, { phase: 'Failed', exitCode: 127, message: 'the local driver needs a command (it does not run images)' });
        continue;
      }
      // Each level of a nested workingDir (a/b) belongs to the job, not only the last.
      for (let level = cwd.dir; level !== workDir; level = dirname(level)) levels.add(level);
      plans.push({ worker, cwd: cwd.dir });
    }
    for (const level of [...levels].sort((a, b) => a.length - b.length)) await ownedDir(level, 0o700, owner);
    for (const { worker, cwd } of plans) {
      const [command, ...rest] = spec.command;
      const child = spawnWorker({
        command: [resolveCommand(command, process.env.PATH), ...rest, ...spec.args],
        cwd,
        env: jobEnv(cwd, { ...workerEnv(spec, worker.index, '127.0.0.1'), ...hostDeviceEnv(spec.workers[worker.index]), ...checkpointEnv(spec, checkpoints), ...volumes }, join(dir, 'output')),
        logFile: logPath(dir, worker.index),
        exitFile: worker.exitFile,
        ids: owner,
      });
      worker.pid = child.pid;
      worker.phase = 'Running';
      // At once, before anything can yield: a controller killed here leaves a running worker
      // with no pid file (adoption then finds its supervisor by its exit file, supervisorOf).
      writeFileSync(join(dir, `worker-${worker.index}.pid`), String(child.pid), { mode: 0o600 });
      child.onExit(() => void this.collectExit(worker));
    }
    this.emit();
  }

  async deleteWorkload(jobId: string, attempt?: number): Promise<void> {
    const targets = [...this.loads.entries()].filter(([, w]) => w.spec.jobId === jobId && (attempt === undefined || w.spec.attempt === attempt));
    for (const [key, load] of targets) {
      this.loads.delete(key);
      clearTimeout(load.killTimer);
      await Promise.all(load.workers.map((w) => (w.pid && w.phase === 'Running' ? killGroup(w.pid, this.options.graceMs ?? 5000) : undefined)));
      await writeFile(join(load.dir, 'deleted'), new Date().toISOString());
    }
    if (targets.length > 0) this.emit();
  }

  /**
   * SIGTERM to each running worker's process group, SIGKILL at the deadline. The deadline is
   * kept in <attempt>/stopping, written after the signal: a restarted controller finds it,
   * sends no second SIGTERM and keeps the deadline (a crash between the two sends SIGTERM again,
   * which is better than none).
   */
  async stopWorkload(jobId: string, attempt: number, deadline: Date): Promise<void> {
    this.adoptFromDisk();
    const load = this.loads.get(keyOf(jobId, attempt));
    if (!load) return;
    const stopping = join(load.dir, 'stopping');
    const recorded = readStopping(stopping);
    const running = load.workers.filter((w) => w.phase === 'Running' && w.pid);
    if (recorded === undefined) for (const w of running) signalGroup(w.pid!, 'SIGTERM');
    for (const w of running) w.terminating = true;
    const at = recorded ?? deadline.getTime();
    if (recorded === undefined) await writeFile(stopping, JSON.stringify({ deadline: new Date(at).toISOString() }), { mode: 0o600 });
    this.armKill(load, at);
    this.emit();
  }

  private armKill(load: LocalWorkload, deadline: number): void {
    if (load.killTimer) return;
    load.killTimer = setTimeout(() => {
      for (const w of load.workers) if (w.phase === 'Running' && w.pid && isAlive(w.pid)) signalGroup(w.pid, 'SIGKILL');
    }, Math.max(0, deadline - Date.now()));
    load.killTimer.unref();
  }

  async *logs(jobId: string, attempt: number, worker: number, options: { follow: boolean; signal?: AbortSignal }): AsyncIterable<string> {
    const dir = join(this.root, jobId, `a${attempt}`);
    // Read from disk, not memory: the API role serves logs without running the driver.
    const running = () => existsSync(join(dir, `worker-${worker}.pid`)) && !existsSync(join(dir, `worker-${worker}.exit`)) && !existsSync(join(dir, 'deleted'));
    // Removed (purge, a cleaned-up home) or never made on this machine: the archive has it.
    if (!existsSync(logPath(dir, worker)) && !running()) throw new LogSourceGone(`worker ${worker} of ${jobId} attempt ${attempt}`);
    yield* followFile(logPath(dir, worker), { follow: options.follow, signal: options.signal, stillWriting: running });
  }

  outputPath(jobId: string, attempt: number): string {
    return join(this.root, jobId, `a${attempt}`, 'output');
  }

  /** A claim is a directory under <home>/volumes that an operator made; never a symlink. */
  async claimExists(name: string): Promise<boolean> {
    const st = await lstat(join(this.volumesRoot(), name)).catch(() => undefined);
    return st?.isDirectory() ?? false;
  }

  /** Removes job claim directories; only names of this job's claims (bl-<jobId>-v-...), never a path. */
  async deleteJobClaims(jobId: string, claims: string[]): Promise<void> {
    for (const claim of claims) {
      if (localJobClaims([claim])[0]?.jobId !== jobId) throw new Error(`${claim} is not a claim of job ${jobId}`);
      await rm(join(this.volumesRoot(), claim), { recursive: true, force: true });
    }
  }

  listJobClaims(): JobClaim[] {
    return localJobClaims(listDir(this.volumesRoot()));
  }

  private volumesRoot(): string {
    return resolve(this.home, 'volumes');
  }

  checkpointPath(jobId: string): string {
    return join(this.root, jobId, 'checkpoints');
  }

  /** Removes the files of finished attempts (logs included). */
  async purge(jobId: string): Promise<void> {
    await rm(join(this.root, jobId), { recursive: true, force: true });
  }

  /** Why no worker of this job may start, in words for the job's status; undefined when it may. */
  private refusal(identity: JobIdentity, command: string[]): string | undefined {
    if (identity.mode === 'refused') return identity.reason;
    if (identity.mode !== 'isolated' || command.length === 0) return undefined;
    const user = `the job user ${identity.user}`;
    const blockedHome = unreachableBy(join(this.root, 'x'), identity);
    if (blockedHome) return `${user} cannot enter ${blockedHome} on the way to its directory: allow it (chmod o+x ${blockedHome}) or move BEAMLINE_HOME`;
    const resolved = resolveCommand(command[0], process.env.PATH);
    const blocked = unreachableBy(resolved, identity);
    if (blocked) return `${user} cannot reach ${resolved}: ${blocked} is not searchable by others (chmod o+x ${blocked}, or install it elsewhere)`;
    return undefined;
  }

  /** Only as root with a separate job user: otherwise the job is the platform's user anyway. */
  private async protectHome(): Promise<void> {
    if (this.identity?.mode === 'isolated' && this.identity.uid !== 0) await privatizeHome(resolve(this.home), [this.root, this.volumesRoot(), datasetsRoot(this.home)]);
  }

  private async collectExit(worker: LocalWorker): Promise<void> {
    if (worker.phase !== 'Running') return;
    settle(worker, await readExit(worker.exitFile));
    this.emit();
  }

  private async checkAdopted(): Promise<void> {
    for (const load of this.loads.values()) {
      for (const worker of load.workers) {
        if (worker.phase === 'Running' && worker.pid && !isAlive(worker.pid)) await this.collectExit(worker);
      }
    }
  }

  /**
   * After a restart: every attempt that was not deleted is known again, running or finished,
   * with the exit code its supervisor wrote while nobody watched. Synchronous and done once,
   * before anything reads `workloads()`: a controller cycle that ran while start() was still
   * awaiting saw no workload at all and failed every Running job as "disappeared from the
   * cluster", though their workers had finished (issue 19: 6 jobs after a kill -9).
   */
  private adoptFromDisk(): void {
    if (this.adopted) return;
    this.adopted = true;
    for (const jobId of listDir(this.root)) {
      for (const attemptDir of listDir(join(this.root, jobId))) {
        const dir = join(this.root, jobId, attemptDir);
        // An unreadable spec, or one whose workers never started: not made (createWorkload makes it again).
        const spec = readSpec(dir);
        if (!spec || existsSync(join(dir, 'deleted')) || !startedOnDisk(dir, spec.workers.length)) continue;
        const key = keyOf(spec.jobId, spec.attempt);
        if (this.loads.has(key)) continue; // created by this process
        const workers: LocalWorker[] = [];
        // A graceful stop in flight before the restart goes on: still terminating, same deadline.
        const stopping = readStopping(join(dir, 'stopping'));
        for (let index = 0; index < spec.workers.length; index++) {
          const exitFile = join(dir, `worker-${index}.exit`);
          const pid = Number(readText(join(dir, `worker-${index}.pid`)) ?? '0') || supervisorOf(exitFile);
          const worker: LocalWorker = { index, node: LOCAL_NODE, phase: 'Running', restarts: 0, exitFile, pid };
          // The exit record is the supervisor's last act, so it counts even while the supervisor
          // is still exiting (alive, or a zombie not yet reaped): a busy machine showed that window.
          const exit = parseExit(readText(exitFile));
          if (exit || !pid || !isAlive(pid)) settle(worker, exit);
          else if (stopping !== undefined) worker.terminating = true;
          workers.push(worker);
        }
        const load: LocalWorkload = { spec, dir, workers };
        this.loads.set(key, load);
        if (stopping !== undefined) this.armKill(load, stopping);
      }
    }
  }

  private emit(): void {
    this.listeners.emit();
  }
}

const keyOf = (jobId: string, attempt: number) => `${jobId}/${attempt}`;
const logPath = (dir: string, index: number) => join(dir, `worker-${index}.log`);

type ExitRecord = { code: number; signal?: string; error?: string; stoppedBy?: string | null };

/** A worker's end as its supervisor recorded it; no record means the supervisor itself was lost. */
function settle(worker: LocalWorker, exit: ExitRecord | undefined): void {
  worker.exitCode = exit?.code ?? 137;
  worker.phase = worker.exitCode === 0 ? 'Succeeded' : 'Failed';
  worker.message =
    exit?.error ??
    (exit?.stoppedBy ? `stopped on request (${exit.stoppedBy}), exit ${exit.signal ?? exit.code}` : undefined) ??
    (exit?.signal ? `killed by ${exit.signal}` : exit ? undefined : worker.terminating ? 'ended while being stopped, with no exit record (SIGKILL after the grace period, or SIGTERM before its supervisor was ready)' : 'the worker vanished without an exit code');
}

async function readExit(file: string): Promise<ExitRecord | undefined> {
  return parseExit(await readFile(file, 'utf8').catch(() => undefined));
}

function parseExit(text: string | undefined): ExitRecord | undefined {
  try {
    return text === undefined ? undefined : (JSON.parse(text) as ExitRecord);
  } catch {
    return undefined; // written in part (the machine stopped mid-write): as good as none
  }
}

/** The deadline (epoch ms) of a graceful stop in flight, from <attempt>/stopping. */
function readStopping(file: string): number | undefined {
  const text = readText(file);
  if (text === undefined) return undefined;
  try {
    const at = Date.parse((JSON.parse(text) as { deadline: string }).deadline);
    return Number.isFinite(at) ? at : Date.now();
  } catch {
    return Date.now(); // written in part: the stop was asked for, the deadline is unknown; end it now
  }
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
