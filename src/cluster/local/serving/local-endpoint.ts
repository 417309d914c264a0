import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { freePort } from '../../../common/embedded/free-port.js';
import type { EndpointObservation, EndpointRef, RolloutEvent } from '../../serving-driver.js';
import { exitFile, logFile, recordOf, removeReplicaFiles, saveReplica, saveState, replicaHash, type EndpointState, type ReplicaRecord, type StoredDeployment } from './endpoint-files.js';
import { askToStop, exitReason, isAlive, killReplica, lastLogLine, ownsPid, probe, runtimeArgs, runtimeEnv, spawnReplica, waitGone, writeModelList, type RuntimeCommand } from './replica-process.js';
import { crashLooping, observationOf, planRollout, readyUpstreams, restartDelay, rolloutDone, type Replica } from './rollout.js';
import { supervisorsCarrying } from './stray-replicas.js';

export interface EndpointContext {
  runtime: RuntimeCommand;
  cacheDir: string;
  restartBackoffMs: number;
  crashLoopAfter: number;
  event(ref: EndpointRef, event: RolloutEvent): void;
}

/** Time a stopping replica gets beyond its drain before SIGKILL (the runtime's own grace is 30 s). */
const STOP_GRACE_MS = 35_000;
/** Failed readiness probes in a row before a ready replica leaves the upstreams. */
const PROBE_FAILURES = 3;

/**
 * One endpoint's replicas and rollout. Level-triggered: every pass looks at the replicas
 * as they are (probes, exits, backoffs), asks planRollout what to start and stop, and
 * settles the rollout state. Passes, applies and the delete run one at a time.
 */
export class LocalEndpoint {
  private target: string;
  private chain: Promise<void> = Promise.resolve();
  private queued = false;
  private closed = false;

  constructor(readonly dir: string, private state: EndpointState, private replicas: Replica[], private readonly ctx: EndpointContext) {
    this.target = replicaHash(state.deployment);
  }

  /** After a controller restart: replicas whose supervisor still runs are kept, ready or not. */
  static async adopt(dir: string, state: EndpointState, records: ReplicaRecord[], ctx: EndpointContext): Promise<LocalEndpoint> {
    const replicas = await Promise.all(
      records.map(async (record): Promise<Replica> => {
        const r: Replica = { ...record, phase: record.stopping ? 'Stopping' : 'Starting', neverReadyExits: 0, exitTimes: [], probeFailures: 0, readyOnce: false };
        if (record.pid !== undefined && !(await ownsPid(record.pid, exitFile(dir, record.id)))) r.pid = undefined;
        if (r.stopping) r.stopDeadline = Date.now() + STOP_GRACE_MS;
        else if (r.crashLoop) Object.assign(r, { phase: 'CrashLoop', pid: undefined });
        else if (r.pid !== undefined && (await probe(r.port, '/v2/health/ready'))) Object.assign(r, { phase: 'Ready', readyOnce: true });
        return r;
      }),
    );
    // A replica spawned just before the controller died has no pid in its record (spawn()
    // saves the record first): its supervisor, found by its exit file, is stopped, and the
    // replica starts again like any lost one instead of running on, unwatched, forever.
    const lost = replicas.filter((r) => r.pid === undefined && !r.crashLoop);
    for (const [, pids] of await supervisorsCarrying(lost.map((r) => exitFile(dir, r.id)))) for (const pid of pids) killReplica(pid);
    return new LocalEndpoint(dir, state, replicas, ctx);
  }

  observation(): EndpointObservation {
    return observationOf(this.state, this.target, this.replicas);
  }

  /** observation().upstreams alone (the infer proxy's per-request question). */
  upstreams(): string[] {
    return readyUpstreams(this.replicas);
  }

  apply(d: StoredDeployment): Promise<void> {
    const applied = this.exclusive(async () => {
      const s = this.state;
      const hash = replicaHash(d);
      if (d.revision === s.deployment.revision && hash === this.target) {
        if (d.replicas === s.deployment.replicas) return;
        s.deployment = { ...s.deployment, replicas: d.replicas };
      } else {
        s.deployment = d;
        this.target = hash;
        s.failed = undefined;
        // Replicas that already run this template are this revision now: no restart.
        for (const r of this.replicas.filter((x) => x.templateHash === hash && x.phase !== 'Stopping')) {
          r.revision = d.revision;
          if (r.phase === 'CrashLoop') Object.assign(r, { phase: 'Backoff', crashLoop: false, nextStartAt: 0, neverReadyExits: 0, exitTimes: [] });
          await saveReplica(this.dir, recordOf(r));
        }
      }
      s.complete = false;
      s.progressStartedAt = Date.now();
      await saveState(this.dir, s);
    });
    return applied.then(() => this.reconcile());
  }

  /** Runs a pass, unless one is already waiting its turn (it will see the latest state). */
  reconcile(): Promise<void> {
    if (this.queued) return this.chain;
    this.queued = true;
    return this.exclusive(async () => {
      this.queued = false;
      await this.pass();
    });
  }

  /** Stops watching; the replicas keep running. */
  close(): void {
    this.closed = true;
  }

  /** Drains and stops every replica, then removes the endpoint's folder. */
  remove(): Promise<void> {
    return this.exclusive(async () => {
      this.closed = true;
      const live = this.replicas.filter((r) => r.pid !== undefined);
      for (const r of live) if (r.phase !== 'Stopping') askToStop(r.pid!);
      const grace = this.state.deployment.drainSeconds * 1000 + STOP_GRACE_MS;
      await Promise.all(live.map((r) => waitGone(r.pid!, grace)));
      this.replicas = [];
      await rm(this.dir, { recursive: true, force: true });
    });
  }

  private exclusive(fn: () => Promise<void>): Promise<void> {
    const run = this.chain.then(fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async pass(): Promise<void> {
    if (this.closed) return;
    const now = Date.now();
    await Promise.all(this.replicas.map((r) => this.watch(r, now)));
    for (const r of this.replicas) if (r.phase === 'Backoff' && (r.nextStartAt ?? 0) <= now) await this.restart(r);
    const crashLoop = this.replicas.some((r) => r.phase === 'CrashLoop' && r.templateHash === this.target);
    const plan = planRollout(this.state.deployment, this.target, this.replicas, !crashLoop);
    for (const r of plan.stop) await this.stopReplica(r);
    for (let i = 0; i < plan.start; i++) await this.startReplica();
    await this.settleRollout(now);
  }

  /** Notices exits, readiness and overdue stops. */
  private async watch(r: Replica, now: number): Promise<void> {
    if (r.phase === 'Backoff' || r.phase === 'CrashLoop') return;
    if (r.pid === undefined || !isAlive(r.pid)) return this.exited(r, now);
    if (r.phase === 'Stopping') {
      if (now > (r.stopDeadline ?? 0)) killReplica(r.pid);
      return;
    }
    if (await probe(r.port, '/v2/health/ready')) {
      if (r.phase === 'Starting') Object.assign(r, { phase: 'Ready', readyOnce: true, neverReadyExits: 0 });
      r.probeFailures = 0;
    } else if (r.phase === 'Ready' && ++r.probeFailures >= PROBE_FAILURES) r.phase = 'Starting';
  }

  private async exited(r: Replica, now: number): Promise<void> {
    if (r.phase === 'Stopping') {
      this.replicas = this.replicas.filter((x) => x !== r);
      await removeReplicaFiles(this.dir, r.id);
      return;
    }
    r.lastExit = await exitReason(exitFile(this.dir, r.id));
    r.pid = undefined;
    r.neverReadyExits = r.readyOnce ? 0 : r.neverReadyExits + 1;
    r.exitTimes = [...r.exitTimes, now].slice(-10);
    const d = this.state.deployment;
    // Only a revision still rolling out can crash-loop: once it was complete, a crash is restarted forever.
    if (r.templateHash === this.target && !this.state.complete && crashLooping(r, now, this.ctx.crashLoopAfter)) {
      Object.assign(r, { phase: 'CrashLoop', crashLoop: true });
      await saveReplica(this.dir, recordOf(r));
      const message = `replica ${r.id} of revision ${r.revision} keeps exiting before it is ready (${r.lastExit}): ${(await lastLogLine(r.logFile)) ?? 'its log is empty'}`;
      this.state.failed ??= { reason: 'CrashLoop', message };
      await saveState(this.dir, this.state);
      this.ctx.event(refOf(d), { type: 'Warning', reason: 'CrashLoop', message, revision: r.revision });
      return;
    }
    r.phase = 'Backoff';
    r.nextStartAt = now + restartDelay(this.ctx.restartBackoffMs, r, now);
  }

  private async restart(r: Replica): Promise<void> {
    r.restarts++;
    const message = `replica ${r.id} of revision ${r.revision} exited (${r.lastExit ?? 'while the controller was down'}); restart ${r.restarts}`;
    this.ctx.event(refOf(this.state.deployment), { type: 'Warning', reason: 'ReplicaRestarted', message, revision: r.revision });
    await this.spawn(r);
  }

  private async startReplica(): Promise<void> {
    const d = this.state.deployment;
    const id = randomBytes(3).toString('hex');
    const r: Replica = {
      ...{ id, revision: d.revision, templateHash: this.target, template: d.template, port: 0, logFile: logFile(this.dir, d.revision, id), restarts: 0 },
      ...{ phase: 'Starting', neverReadyExits: 0, exitTimes: [], probeFailures: 0, readyOnce: false },
    };
    this.replicas.push(r);
    await this.spawn(r);
  }

  private async spawn(r: Replica): Promise<void> {
    Object.assign(r, { phase: 'Starting', readyOnce: false, probeFailures: 0, pid: undefined, port: await freePort() });
    await rm(exitFile(this.dir, r.id), { force: true });
    // Saved before the spawn: a controller that dies in between leaves a record (no pid) whose
    // exit file lets the next one find and stop the supervisor (adopt()).
    await saveReplica(this.dir, recordOf(r));
    try {
      const modelsFile = r.template.modelSet ? await writeModelList(this.dir, r.template) : undefined;
      const flags = runtimeArgs(r.template, r.port, this.state.deployment.drainSeconds, this.ctx.cacheDir, modelsFile);
      const env = runtimeEnv(r.template.runtime.env, this.state.deployment.replicaToken);
      const child = spawnReplica({ runtime: this.ctx.runtime, flags, env, cwd: this.dir, logFile: r.logFile, exitFile: exitFile(this.dir, r.id) });
      r.pid = child.pid;
      child.onExit(() => void this.reconcile().catch(() => undefined));
    } catch (error) {
      r.lastExit = (error as Error).message; // no pid: the next pass counts it as an exit
    }
    await saveReplica(this.dir, recordOf(r));
  }

  private async stopReplica(r: Replica): Promise<void> {
    if (r.pid === undefined) {
      this.replicas = this.replicas.filter((x) => x !== r);
      await removeReplicaFiles(this.dir, r.id);
      return;
    }
    Object.assign(r, { phase: 'Stopping', stopping: true, stopDeadline: Date.now() + this.state.deployment.drainSeconds * 1000 + STOP_GRACE_MS });
    askToStop(r.pid);
    await saveReplica(this.dir, recordOf(r));
  }

  private async settleRollout(now: number): Promise<void> {
    const s = this.state;
    const d = s.deployment;
    if (s.complete) return;
    if (rolloutDone(d, this.target, this.replicas)) Object.assign(s, { complete: true, failed: undefined });
    else if (!s.failed && now - s.progressStartedAt > d.progressDeadlineSeconds * 1000) {
      const ready = this.observation().readyReplicas;
      s.failed = { reason: 'ProgressDeadlineExceeded', message: `revision ${d.revision} was not available within ${d.progressDeadlineSeconds} s (${ready} of ${d.replicas} replicas ready)` };
    } else return;
    await saveState(this.dir, s);
  }
}

const refOf = ({ endpointId, project, name }: EndpointRef): EndpointRef => ({ endpointId, project, name });
