import { SERVER_KEEPALIVE } from '../../src/common/leader/leader-lock.js';
import { leaderLines, type ChaosCluster, type Member } from './chaos-cluster.js';
import { PROJECT_PATH, type InFlight } from './load-generator.js';

export type Random = () => number;

/** mulberry32: a small seeded generator, so a seed replays the same schedule and load choices. */
export function seeded(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type FaultKind = 'kill-leader' | 'kill-api' | 'restart-postgres' | 'restart-redis' | 'flush-redis' | 'partition-leader' | 'silence-leader';

/**
 * silence-leader: when the server side ends the silent member's sessions. PostgreSQL's TCP
 * keepalives give up on the lock session then (src/common/leader/leader-lock.ts); the proxy
 * plays it, for every session of the member, because the real server's probes would be
 * answered by the proxy's own TCP stack.
 */
export const SERVER_GIVES_UP_MS = (SERVER_KEEPALIVE.idle + SERVER_KEEPALIVE.count * SERVER_KEEPALIVE.interval) * 1000;

export interface PlannedFault {
  kind: FaultKind;
  /** Seconds of normal load before this fault. */
  pauseS: number;
}

export interface FaultResult {
  kind: FaultKind;
  /** When it was injected (epoch ms). */
  at: number;
  target: string;
  /** kill-leader, partition-leader: ms from the fault to another controller's leader line. */
  failoverMs?: number;
  /** ms until every member was up again and one controller led; absent while a killed process was still restarting. */
  recoveredMs?: number;
  /** silence-leader: ms from the silence to the cut leader's own line saying it stopped leading (its heartbeat failed). */
  stoodDownMs?: number;
  /** silence-leader: another controller's leader line came before the cut one had stopped: two leaders at once. */
  twoLeaders?: boolean;
  /** kill-api with the load's in-flight requests known: what was in flight on the victim at the kill ("POST /v1/... (chaos-1-7) 12 ms"). */
  inFlight?: string[];
}

/** The run's faults in a seeded order: every kind at least once, `leaderKills` leader kills. */
export function plan(random: Random, leaderKills: number): PlannedFault[] {
  const kinds: FaultKind[] = ['kill-api', 'restart-postgres', 'restart-redis', 'flush-redis', 'partition-leader'];
  for (let i = 0; i < leaderKills; i++) kinds.push('kill-leader');
  for (let i = kinds.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [kinds[i], kinds[j]] = [kinds[j], kinds[i]];
  }
  return kinds.map((kind) => ({ kind, pauseS: 3 + Math.round(random() * 5) }));
}

/** Applies one fault to the cluster, waits for it to recover, and says what happened. */
export class FaultInjector {
  constructor(
    protected readonly cluster: ChaosCluster,
    private readonly random: Random,
    private readonly log: (line: string) => void,
    /** The load's requests in flight: given, kill-api waits for a submission in flight on its victim (see killApiMidRequest). */
    private readonly load?: { inFlight: ReadonlySet<InFlight> },
  ) {}

  /** Replacements of killed processes still starting: the next fault that needs them waits. */
  protected starting: Promise<void>[] = [];

  async apply(kind: FaultKind): Promise<FaultResult> {
    // A fault on processes waits until the cluster is whole again; one on PostgreSQL or Redis
    // goes on while a killed process restarts (a restart takes long on a loaded machine).
    if (['kill-leader', 'kill-api', 'partition-leader', 'silence-leader'].includes(kind)) await this.settled();
    const started = Date.now();
    let target = '';
    let failoverMs: number | undefined;
    let inFlight: string[] | undefined;
    let stoodDownMs: number | undefined;
    let twoLeaders: boolean | undefined;
    let at = started;
    switch (kind) {
      case 'kill-leader': {
        const leader = await this.leader();
        target = leader.name;
        const at = await this.cluster.kill(leader);
        failoverMs = await this.failover(leader, at);
        this.starting.push(this.cluster.launch(leader));
        break;
      }
      case 'kill-api': {
        const apis = this.cluster.members.filter((m) => m.role === 'api');
        const victim = apis[Math.floor(this.random() * apis.length)];
        target = victim.name;
        if (this.load) ({ at, inFlight } = await this.killApiMidRequest(victim, this.load.inFlight));
        await this.cluster.kill(victim); // without `load`: the load generator has requests in flight on both apis at most times
        this.starting.push(this.cluster.launch(victim));
        break;
      }
      case 'partition-leader': {
        const leader = await this.leader();
        target = leader.name;
        const at = Date.now();
        leader.proxy.cut();
        failoverMs = await this.failover(leader, at);
        await sleep(3000); // the cut controller retries against a database it cannot reach
        leader.proxy.heal();
        break;
      }
      case 'silence-leader': {
        // Packets dropped, nothing reset: the cut leader must stop on its own (its heartbeat)
        // before the server frees its lock, so that nobody else leads while it might still act.
        const leader = await this.leader();
        target = leader.name;
        leader.proxy.silence();
        const serverGivesUp = setTimeout(() => leader.proxy.endUpstream(), SERVER_GIVES_UP_MS);
        try {
          const stood = await waitFor(async () => leader.platform && leaderLines(leader.platform.output()).find((l) => !l.leads && l.at >= started - 5), SERVER_GIVES_UP_MS + 30_000, `${leader.name} to stop leading on its own`);
          stoodDownMs = Math.max(0, stood.at - started);
          failoverMs = await this.failover(leader, started);
          twoLeaders = failoverMs < stoodDownMs;
        } finally {
          clearTimeout(serverGivesUp);
          leader.proxy.endUpstream(); // (a no-op when the timer has run) the server has ended them by now in any case
        }
        await sleep(3000);
        leader.proxy.heal();
        break;
      }
      case 'restart-postgres':
        target = 'postgresql';
        await this.cluster.restartPostgres();
        break;
      case 'restart-redis':
        target = 'redis';
        await this.cluster.restartRedis();
        break;
      case 'flush-redis':
        target = 'redis';
        await this.cluster.flushRedis();
        break;
    }
    if (this.starting.length === 0) await this.recovered();
    const result = { kind, at, target, failoverMs, ...(stoodDownMs !== undefined ? { stoodDownMs, twoLeaders } : {}), ...(inFlight ? { inFlight } : {}), ...(this.starting.length === 0 ? { recoveredMs: Date.now() - started } : {}) };
    this.log(`fault ${JSON.stringify(result)}`);
    return result;
  }

  /**
   * kill -9 of an api while a submission sent to it is unanswered: it waits (at most 10 s,
   * then any request will do) until one has been in flight for a seeded 0 to 20 ms, long
   * enough to have reached the process, and kills from the poll at once. Such a submission
   * may or may not be committed; the load retries it with the same Idempotency-Key on the
   * other api, and the checker holds it to exactly once. Answers the moment of the kill and what was in flight.
   */
  private async killApiMidRequest(victim: Member, requests: ReadonlySet<InFlight>): Promise<{ at: number; inFlight: string[] }> {
    const base = victim.platform?.url;
    const age = Math.round(this.random() * 20);
    const armed = Date.now();
    const on = () => [...requests].filter((r) => r.base === base);
    for (;;) {
      const now = Date.now();
      const submitting = on().some((r) => r.method === 'POST' && r.path === PROJECT_PATH && now - r.since >= age);
      if (submitting || (now - armed > 10_000 && on().length > 0) || now - armed > 20_000) break;
      await sleep(1);
    }
    victim.platform?.child.kill('SIGKILL'); // now: cluster.kill() awaits, and each await lets a request finish
    const at = Date.now();
    return { at, inFlight: on().map((r) => `${r.method} ${r.path}${r.key ? ` (${r.key})` : ''} ${at - r.since} ms`) };
  }

  /** Every replacement started, every member ready and one controller leading. */
  async settled(): Promise<void> {
    await Promise.all(this.starting.splice(0));
    await this.recovered();
  }

  protected async leader(): Promise<Member> {
    return waitFor(async () => this.cluster.leader(), 60_000, 'a leading controller');
  }

  /** Time from `at` to the first leader line of another live controller after it. */
  protected async failover(from: Member, at: number): Promise<number> {
    const other = this.cluster.controllers().find((m) => m !== from)!;
    const line = await waitFor(
      async () => other.platform && leaderLines(other.platform.output()).find((l) => l.leads && l.at >= at - 5),
      60_000,
      `${other.name} to lead after ${from.name} went`,
    );
    return Math.max(0, line.at - at);
  }

  /**
   * After a kill at a chosen point: the job's status right after the kill (Scheduled means the
   * window was hit), the failover, the victim started again, and the ms from the kill until
   * the job's record moved past Scheduled (absent: not within 60 s, or not Scheduled at the kill).
   */
  protected async afterKill(victim: Member, at: number, jobId: string | undefined): Promise<{ statusAtKill?: string; failoverMs: number; recordedAfterMs?: number }> {
    const db = await this.cluster.database();
    const status = async () => (jobId ? ((await db.query<{ status: string }>('SELECT status::text AS status FROM training_jobs WHERE id = $1', [jobId])).rows[0]?.status ?? 'missing') : undefined);
    try {
      const statusAtKill = await status().catch(() => 'unread');
      const failoverMs = await this.failover(victim, at);
      this.starting.push(this.cluster.launch(victim));
      let recordedAfterMs: number | undefined;
      const until = Date.now() + 60_000;
      while (statusAtKill === 'Scheduled' && Date.now() < until) {
        if ((await status().catch(() => 'Scheduled')) !== 'Scheduled') {
          recordedAfterMs = Date.now() - at;
          break;
        }
        await sleep(100);
      }
      return { statusAtKill, failoverMs, recordedAfterMs };
    } finally {
      await db.end().catch(() => undefined);
    }
  }

  /** Every member up (ready) and one controller leading. */
  protected async recovered(): Promise<void> {
    await waitFor(
      async () => {
        for (const m of this.cluster.members) {
          if (!m.platform) return false;
          const res = await fetch(`${m.platform.url}/readyz`).catch(() => undefined);
          if (res?.status !== 200) return false;
        }
        return this.cluster.leader() !== undefined;
      },
      90_000,
      'the cluster to recover',
    );
  }
}

export async function waitFor<T>(check: () => Promise<T>, timeoutMs: number, what: string): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    await sleep(50);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
