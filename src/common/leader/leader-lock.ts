import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Client } from 'pg';
import { APP_CONFIG } from '../config/config.js';
import type { AppConfig } from '../config/config.schema.js';

/** Arbitrary but fixed: the advisory lock id of "the active controller". */
const CONTROLLER_LOCK = 0x6265616d; // 'beam'

/**
 * The lock session's server-side TCP keepalives: PostgreSQL ends a session whose peer went
 * silent (a partition that drops packets, no reset) after IDLE + COUNT x INTERVAL = 25 s,
 * which releases the lock. With the server's defaults (the kernel's: 2 h idle) a silently
 * cut leader kept the lock, and so the controller, for hours.
 */
export const SERVER_KEEPALIVE = { idle: 10, interval: 5, count: 3 } as const;
/**
 * While leading, the lock session is pinged this often, and a ping that fails or takes
 * longer than HEARTBEAT_TIMEOUT_MS ends leadership: a leader cut off silently stops within
 * 2 + 5 = 7 s, well before the server lets another replica take the lock (25 s above).
 */
export const HEARTBEAT_MS = 2000;
export const HEARTBEAT_TIMEOUT_MS = 5000;

/**
 * At most one active controller per database: a session-level PostgreSQL advisory lock
 * held on a dedicated connection. If the connection dies, PostgreSQL releases the lock
 * and this process stops leading at once (another replica may take over), so two
 * schedulers never place onto the same GPUs from different snapshots. A connection that
 * goes silent instead of dying is caught by the heartbeat on this side and by TCP
 * keepalives on the server's, in that order (constants above; docs/reliability.md).
 */
@Injectable()
export class LeaderLock implements OnApplicationShutdown {
  private readonly logger = new Logger(LeaderLock.name);
  private client?: Client;
  private timer?: NodeJS.Timeout;
  private leading = false;
  private stopped = false;

  /** Which advisory lock this elects: each controller loop (training, endpoints) has its own. */
  protected readonly lockId: number = CONTROLLER_LOCK;
  protected readonly lockName: string = 'controller';

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  get isLeader(): boolean {
    return this.leading;
  }

  /** Tries now and then every `retryMs` until it leads; `onChange` hears every gain and loss. */
  run(onChange: (leading: boolean) => void, retryMs = 2000): void {
    let trying = false;
    const attempt = async () => {
      // One attempt at a time: under load a query can outlast retryMs, and pg's client must not run two at once.
      if (this.stopped || this.leading || trying) return;
      trying = true;
      try {
        if (await this.tryAcquire()) {
          this.leading = true;
          this.logger.log(`this process now leads the ${this.lockName} loop`);
          onChange(true);
          this.heartbeat();
        }
      } catch (error) {
        this.logger.warn({ err: (error as Error).message }, 'leader election attempt failed');
      } finally {
        trying = false;
      }
    };
    this.timer = setInterval(() => void attempt(), retryMs);
    void attempt();
    this.lost = () => {
      if (!this.leading) return;
      this.leading = false;
      this.logger.warn(`lost the ${this.lockName} leader lock (database connection ended); stopping its work`);
      onChange(false);
    };
  }

  private lost: () => void = () => undefined;

  private async tryAcquire(): Promise<boolean> {
    if (!this.client) {
      // Bounded waits: behind a silent partition a connect or a query would otherwise wait for
      // the kernel (minutes), and no new attempt starts while one is under way.
      const client = new Client({
        connectionString: this.config.DATABASE_URL,
        application_name: 'beamline-controller-leader',
        connectionTimeoutMillis: 10_000,
        query_timeout: 10_000,
      });
      client.on('error', () => this.drop(client));
      client.on('end', () => this.drop(client));
      await client.connect();
      const { idle, interval, count } = SERVER_KEEPALIVE;
      await client.query(`SET tcp_keepalives_idle = ${idle}; SET tcp_keepalives_interval = ${interval}; SET tcp_keepalives_count = ${count}`);
      this.client = client;
    }
    const result = await this.client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [this.lockId]);
    return result.rows[0].locked;
  }

  private drop(client: Client): void {
    if (this.client !== client) return; // an older session ending late
    this.client = undefined;
    clearTimeout(this.beat);
    this.lost();
  }

  private beat?: NodeJS.Timeout;

  /** While leading: a ping every HEARTBEAT_MS; a silent or failed session ends leadership. */
  private heartbeat(): void {
    const client = this.client;
    this.beat = setTimeout(async () => {
      if (!this.leading || this.client !== client || !client) return;
      let timer: NodeJS.Timeout | undefined;
      const silent = new Promise<'silent'>((resolve) => (timer = setTimeout(() => resolve('silent'), HEARTBEAT_TIMEOUT_MS)));
      const outcome = await Promise.race([client.query('SELECT 1').then(() => 'ok' as const, () => 'failed' as const), silent]);
      clearTimeout(timer);
      if (outcome === 'ok') return this.heartbeat();
      this.logger.warn(`the ${this.lockName} leader lock's session ${outcome === 'silent' ? `did not answer within ${HEARTBEAT_TIMEOUT_MS} ms` : 'failed'}; giving up the lock`);
      this.drop(client);
      // The session may still be open on the server: end it from here too (its lock goes with it).
      (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
    }, HEARTBEAT_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    clearTimeout(this.beat);
    const client = this.client;
    this.client = undefined;
    this.leading = false;
    await client?.end().catch(() => undefined);
  }
}

/** The endpoint controller's own election, so it can lead in a different replica than the scheduler. */
@Injectable()
export class EndpointLeaderLock extends LeaderLock {
  protected override readonly lockId = 0x62656570; // 'beep'
  protected override readonly lockName = 'endpoint controller';
}
