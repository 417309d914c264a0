import { readdirSync, readFileSync } from 'node:fs';
import type { ChaosCluster, Member } from './chaos-cluster.js';
import type { Window } from './endpoint-checker.js';
import { sleep, type Random } from './fault-injector.js';

export type EndpointFaultKind = 'kill-endpoint-leader' | 'kill-api' | 'restart-postgres' | 'restart-redis' | 'rollout-then-kill';

export interface EndpointFault {
  kind: EndpointFaultKind;
  /** Seconds of normal load before it. */
  pauseS: number;
}

export interface EndpointFaultResult {
  kind: EndpointFaultKind;
  at: number;
  /** The process killed (for a rollout, the controller killed right after the PATCH). */
  target: string;
  /** Whether the killed controller was the endpoint controller's leader by its own log, or picked at random. */
  leader?: boolean;
}

/** Every kind once, in a seeded order, with seeded pauses of 3 to 6 s. */
export function planEndpointFaults(random: Random): EndpointFault[] {
  const kinds: EndpointFaultKind[] = ['kill-endpoint-leader', 'kill-api', 'restart-postgres', 'restart-redis', 'rollout-then-kill'];
  for (let i = kinds.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [kinds[i], kinds[j]] = [kinds[j], kinds[i]];
  }
  return kinds.map((kind) => ({ kind, pauseS: 3 + Math.round(random() * 3) }));
}

/** How long after a PostgreSQL or Redis restart the endpoint's status may still lag. */
export const RESTART_GRACE_MS = 20_000;

/**
 * Applies the endpoint faults to a ChaosCluster. A killed process is started again in the
 * background; the next fault first waits for it (two faults on processes at once would
 * leave no api for the load, or no controller, for as long as a start takes here).
 */
export class EndpointFaultInjector {
  readonly windows: Window[] = [];
  private starting: Promise<void>[] = [];

  constructor(
    private readonly cluster: ChaosCluster,
    private readonly random: Random,
    private readonly log: (line: string) => void,
    /** The rollout: a PATCH to version 2 through an api, resolved once acknowledged. */
    private readonly rollout: () => Promise<void>,
  ) {}

  async apply(kind: EndpointFaultKind): Promise<EndpointFaultResult> {
    await this.settled();
    const at = Date.now();
    let result: EndpointFaultResult;
    switch (kind) {
      case 'kill-endpoint-leader':
        result = { kind, at, ...(await this.killController(true)) };
        break;
      case 'rollout-then-kill':
        await this.rollout();
        // 0 to 2 s after the acknowledgement: the leader is applying revision 2, or its first
        // replica is starting (a runtime takes 2 to 4 s to be ready here): mid-rollout.
        await sleep(this.random() * 2000);
        result = { kind, at, ...(await this.killController(false)) };
        break;
      case 'kill-api': {
        const apis = this.cluster.members.filter((m) => m.role === 'api');
        const victim = apis[Math.floor(this.random() * apis.length)];
        await this.cluster.kill(victim); // inference calls are in flight on both apis at all times
        this.starting.push(this.cluster.launch(victim));
        result = { kind, at, target: victim.name };
        break;
      }
      case 'restart-postgres':
        await this.cluster.restartPostgres();
        this.windows.push({ kind, from: at, to: Date.now() + RESTART_GRACE_MS });
        result = { kind, at, target: 'postgresql' };
        break;
      case 'restart-redis':
        await this.cluster.restartRedis();
        this.windows.push({ kind, from: at, to: Date.now() + RESTART_GRACE_MS });
        result = { kind, at, target: 'redis' };
        break;
    }
    this.log(`fault ${JSON.stringify(result)}`);
    return result;
  }

  /** Every killed process started again (and ready). */
  async settled(): Promise<void> {
    await Promise.all(this.starting.splice(0));
  }

  /**
   * kill -9 of the controller that leads the endpoint controller (its own log says so);
   * when none says so yet (an election under way), `wait` waits up to 30 s for one, else a
   * random live controller is killed.
   */
  private async killController(wait: boolean): Promise<{ target: string; leader: boolean }> {
    const deadline = Date.now() + (wait ? 30_000 : 0);
    let victim = endpointLeader(this.cluster);
    while (!victim && Date.now() < deadline) {
      await sleep(200);
      victim = endpointLeader(this.cluster);
    }
    const leader = victim !== undefined;
    if (!victim) {
      const live = this.cluster.controllers().filter((m) => m.platform);
      victim = live[Math.floor(this.random() * live.length)];
    }
    await this.cluster.kill(victim);
    this.starting.push(this.cluster.launch(victim));
    return { target: victim.name, leader };
  }
}

/** The live controller whose latest endpoint-election line says it leads. */
export function endpointLeader(cluster: ChaosCluster): Member | undefined {
  return cluster.controllers().find((m) => {
    if (!m.platform) return false;
    let leads = false;
    for (const line of m.platform.output().split('\n')) {
      if (line.includes('now leads the endpoint controller loop')) leads = true;
      else if (line.includes('lost the endpoint controller leader lock')) leads = false;
    }
    return leads;
  });
}

/** Processes of this run's replicas: supervisors (their exit file) and runtimes (their cache dir) name the home on their command line. */
export function replicaProcesses(home: string): { pid: number; command: string }[] {
  const found: { pid: number; command: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ');
      if (!command.includes(`${home}/`)) continue;
      if (readFileSync(`/proc/${entry}/stat`, 'utf8').includes(') Z ')) continue; // a zombie has ended
      found.push({ pid: Number(entry), command });
    } catch {
      /* gone meanwhile */
    }
  }
  return found;
}
