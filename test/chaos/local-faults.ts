import { existsSync, mkdirSync, watch } from 'node:fs';
import { join } from 'node:path';
import type { ChaosCluster } from './chaos-cluster.js';
import { FaultInjector, type FaultKind, type FaultResult, type Random } from './fault-injector.js';

export type LocalFaultKind = FaultKind | 'kill-leader-create';

export interface LocalFaultResult extends Omit<FaultResult, 'kind'> {
  kind: LocalFaultKind;
  /** kill-leader-create: the job whose workload was being made, whether its worker had been spawned (its pid file), its status read right after the kill. */
  job?: string;
  spawnedAtKill?: boolean;
  statusAtKill?: string;
  /** kill-leader-create: ms from the kill until that job's record had moved past Scheduled (absent: not within 60 s, or not Scheduled at the kill). */
  recordedAfterMs?: number;
}

/**
 * The local driver's kill at a chosen point: kill -9 of the leading controller the moment its
 * driver writes a workload's spec.json (<home>/jobs/<job>/a<attempt>/), which it does in the
 * middle of createWorkload, before it spawns the workers and before the controller records
 * the job past Scheduled: the local driver's "between pod create and bind". The next leader
 * must finish or redo that attempt, neither run it twice nor lose it: the checker's "no job
 * ran twice at once" and "every job terminal with its worker's outcome" hold it to that. The
 * other kinds are FaultInjector's.
 */
export class LocalFaultInjector extends FaultInjector {
  constructor(
    cluster: ChaosCluster,
    random: Random,
    private readonly say: (line: string) => void,
    /** The platform's home (BEAMLINE_HOME), where the local driver keeps its workloads. */
    private readonly home: string,
  ) {
    super(cluster, random, say);
  }

  async inject(kind: LocalFaultKind): Promise<LocalFaultResult> {
    if (kind !== 'kill-leader-create') return this.apply(kind);
    const started = Date.now();
    const result = await this.killInCreate();
    if (this.starting.length === 0) await this.recovered();
    result.recoveredMs = this.starting.length === 0 ? Date.now() - started : undefined;
    this.say(`fault ${JSON.stringify(result)}`);
    return result;
  }

  private async killInCreate(): Promise<LocalFaultResult> {
    await this.settled();
    const leader = await this.leader();
    const jobs = join(this.home, 'jobs');
    mkdirSync(jobs, { recursive: true });
    let killedAt = Date.now();
    // <home>/jobs/<jobId>/a<attempt>/spec.json: written by the driver's create, before the workers are spawned.
    const found = await new Promise<{ jobId: string; dir: string } | undefined>((resolve) => {
      const watcher = watch(jobs, { recursive: true }, (_event, name) => {
        const match = name ? /^([^/]+)\/a(\d+)\/spec\.json$/.exec(name) : null;
        if (!match) return;
        leader.platform?.child.kill('SIGKILL'); // now: every await here is time for the spawn and the record
        killedAt = Date.now();
        clearTimeout(timer);
        watcher.close();
        resolve({ jobId: match[1], dir: join(jobs, match[1], `a${match[2]}`) });
      });
      const timer = setTimeout(() => (watcher.close(), resolve(undefined)), 60_000);
    });
    await this.cluster.kill(leader); // kill -9 when no create came; otherwise waits for the exit only
    const at = found ? killedAt : Date.now();
    const spawnedAtKill = found ? existsSync(join(found.dir, 'worker-0.pid')) : undefined;
    const after = await this.afterKill(leader, at, found?.jobId);
    return { kind: 'kill-leader-create', at, target: found ? leader.name : `${leader.name} (no create within 60 s)`, job: found?.jobId, spawnedAtKill, ...after };
  }
}

/** FaultInjector's plan with `createKills` kills in a workload's create put in at seeded places. */
export function withCreateKills<T extends { kind: string; pauseS: number }>(schedule: T[], random: Random, createKills: number): { kind: LocalFaultKind; pauseS: number }[] {
  const out: { kind: LocalFaultKind; pauseS: number }[] = schedule.map((f) => ({ kind: f.kind as LocalFaultKind, pauseS: f.pauseS }));
  for (let i = 0; i < createKills; i++) out.splice(Math.floor(random() * (out.length + 1)), 0, { kind: 'kill-leader-create', pauseS: 3 + Math.round(random() * 5) });
  return out;
}
