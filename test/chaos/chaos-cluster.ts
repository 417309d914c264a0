import { chmod, mkdtemp, realpath, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { startEmbeddedPostgres, type RunningPostgres } from '../../src/common/embedded/embedded-postgres.js';
import { ensureRedisServer, startEmbeddedRedis, type RunningRedis } from '../../src/common/embedded/embedded-redis.js';
import { adminToken, killPlatform, startPlatform, type Platform } from '../helpers/platform-process.js';
import { TcpProxy } from './tcp-proxy.js';

export type Role = 'api' | 'controller';

/** One platform process of the cluster; `proxy` stands between it and PostgreSQL. */
export interface Member {
  name: string;
  role: Role;
  proxy: TcpProxy;
  platform?: Platform;
  /** Every platform this member ran, killed ones included (their output holds the leader lines). */
  history: Platform[];
}

/**
 * Two api and two controller processes (`node dist/src/main.js --role X`, BEAMLINE_EMBEDDED=off)
 * on one real PostgreSQL and one real redis-server that this class starts, restarts and
 * flushes. Each process reaches PostgreSQL through its own TcpProxy, so one controller can
 * be partitioned, and a restarted PostgreSQL (new port) is followed without a new URL.
 * Redis comes back on the same port with the same password.
 */
export class ChaosCluster {
  readonly token = adminToken();
  readonly members: Member[] = [];
  home = '';
  private pgHome = '';
  private postgres?: RunningPostgres;
  private pgUrl?: URL;
  private redis?: RunningRedis;
  private redisBinary = '';
  private queuePrefix = `chaos-${Date.now().toString(36)}`;

  constructor(
    private readonly log: (line: string) => void,
    /** Other members than two apis and two controllers; env overrides per member (another cluster driver). */
    private readonly options: { members?: readonly (readonly [string, Role])[]; env?: (member: Member) => Record<string, string> } = {},
  ) {}

  async start(): Promise<void> {
    // The local driver runs workers as the unprivileged job user, who must reach <home>/jobs.
    this.home = await realpath(await mkdtemp(join(tmpdir(), 'chaos-home-')));
    await chmod(this.home, 0o755);
    this.pgHome = await mkdtemp(join(tmpdir(), 'chaos-pg-'));
    this.postgres = await startEmbeddedPostgres(this.pgHome, this.log);
    this.pgUrl = new URL(this.postgres.url);
    this.redisBinary = ensureRedisServer(this.log);
    this.redis = await startEmbeddedRedis(this.redisBinary);
    for (const [name, role] of this.options.members ?? [
      ['api-1', 'api'],
      ['api-2', 'api'],
      ['controller-1', 'controller'],
      ['controller-2', 'controller'],
    ] as const) {
      const proxy = new TcpProxy(Number(this.pgUrl.port));
      await proxy.start();
      this.members.push({ name, role, proxy, history: [] });
    }
    // One at a time: both would run the migrations and the bootstrap at once otherwise (safe, but slower on 2 cores).
    for (const member of this.members) await this.launch(member);
  }

  env(member: Member): Record<string, string> {
    const db = new URL(this.pgUrl!.href);
    db.port = String(member.proxy.port);
    return {
      BEAMLINE_EMBEDDED: 'off',
      DATABASE_URL: db.href,
      REDIS_URL: this.redis!.url,
      BEAMLINE_HOME: this.home,
      BEAMLINE_ADMIN_TOKEN: this.token,
      BEAMLINE_QUEUE_PREFIX: this.queuePrefix,
      BEAMLINE_CLUSTER_DRIVER: 'local',
      BEAMLINE_SCHEDULER_INTERVAL_MS: '500',
      BEAMLINE_RECONCILE_INTERVAL_MS: '2000',
      BEAMLINE_RATE_SUBMIT_PER_TOKEN: '100000/min',
      BEAMLINE_RATE_SUBMIT_PER_PROJECT: '100000/min',
      // The controllers log at info: "this process now leads the controller loop" times the failover.
      BEAMLINE_LOG_LEVEL: member.role === 'controller' ? 'info' : 'warn',
      ...this.options.env?.(member),
    };
  }

  async launch(member: Member): Promise<void> {
    const platform = await startPlatform({ ...this.env(member), BEAMLINE_ROLE: member.role });
    member.platform = platform;
    member.history.push(platform);
  }

  /** kill -9 of one member; `restart` brings a new process up in its place. */
  async kill(member: Member): Promise<number> {
    const at = Date.now();
    if (member.platform) await killPlatform(member.platform);
    member.platform = undefined;
    return at;
  }

  apis(): Platform[] {
    return this.members.filter((m) => m.role === 'api' && m.platform).map((m) => m.platform!);
  }

  controllers(): Member[] {
    return this.members.filter((m) => m.role === 'controller');
  }

  /** The controller whose latest leader line is newer than its latest loss, among live ones. */
  leader(): Member | undefined {
    return this.controllers().find((m) => m.platform && leadsNow(m.platform.output()));
  }

  async restartPostgres(): Promise<void> {
    await this.postgres!.stop();
    for (const m of this.members) m.proxy.dropAll();
    this.postgres = await startEmbeddedPostgres(this.pgHome, this.log);
    const url = new URL(this.postgres.url);
    for (const m of this.members) m.proxy.retarget(Number(url.port));
    this.pgUrl = url;
  }

  async restartRedis(): Promise<void> {
    const { port, password } = this.redis!;
    await this.redis!.stop();
    this.redis = await startEmbeddedRedis(this.redisBinary, port, password);
  }

  async flushRedis(): Promise<void> {
    const redis = new Redis(this.redis!.url, { maxRetriesPerRequest: 1 });
    try {
      await redis.flushall();
    } finally {
      redis.disconnect();
    }
  }

  /** A direct connection (not through a proxy) for the checker. */
  async database(): Promise<Client> {
    const db = new Client({ connectionString: this.pgUrl!.href });
    await db.connect();
    return db;
  }

  /** The temporary directories it made: the shared home and PostgreSQL's. */
  dirs(): string[] {
    return [this.home, this.pgHome].filter(Boolean);
  }

  /** Writes every process's output (killed ones included) to <dir>/<member>-<n>.log, for a failed run's reader. */
  async saveLogs(dir: string): Promise<void> {
    for (const m of this.members) for (const [n, p] of m.history.entries()) await writeFile(join(dir, `${m.name}-${n}.log`), p.output());
  }

  async stop(): Promise<void> {
    for (const m of this.members) {
      if (m.platform) await killPlatform(m.platform);
      m.platform = undefined;
      await m.proxy.stop();
    }
    await this.redis?.stop();
    await this.postgres?.stop();
  }
}

/** Leader lines of the controller loop in a process's JSON log, with their times. */
export function leaderLines(output: string): { at: number; leads: boolean }[] {
  const lines: { at: number; leads: boolean }[] = [];
  for (const line of output.split('\n')) {
    // The endpoint controller's election logs "... the endpoint controller loop/leader lock": not this one.
    const leads = line.includes('now leads the controller loop');
    if (!leads && !line.includes('lost the controller leader lock')) continue;
    try {
      const entry = JSON.parse(line) as { time: string; context?: string; msg?: string };
      lines.push({ at: Date.parse(entry.time), leads });
    } catch {
      /* not a JSON line */
    }
  }
  return lines;
}

function leadsNow(output: string): boolean {
  const lines = leaderLines(output);
  return lines.length > 0 && lines[lines.length - 1].leads;
}
