import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Client } from 'pg';
import { APP_CONFIG } from '../config/config.js';
import type { AppConfig } from '../config/config.schema.js';

/** Arbitrary but fixed: the advisory lock id of "the active controller". */
const CONTROLLER_LOCK = 0x6265616d; // 'beam'

/**
 * At most one active controller per database: a session-level PostgreSQL advisory lock
 * held on a dedicated connection. If the connection dies, PostgreSQL releases the lock
 * and this process stops leading at once (another replica may take over), so two
 * schedulers never place onto the same GPUs from different snapshots.
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
      const client = new Client({ connectionString: this.config.DATABASE_URL, application_name: 'beamline-controller-leader' });
      client.on('error', () => this.drop());
      client.on('end', () => this.drop());
      await client.connect();
      this.client = client;
    }
    const result = await this.client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [this.lockId]);
    return result.rows[0].locked;
  }

  private drop(): void {
    this.client = undefined;
    this.lost();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
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
