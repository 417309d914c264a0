import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../../generated/prisma/client.js';
import { APP_CONFIG } from '../config/config.js';
import type { AppConfig } from '../config/config.schema.js';

/** The one Prisma client of the process. Only repositories inject it. */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleDestroy {
  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    if (!config.DATABASE_URL) throw new Error('DATABASE_URL must be resolved before the app starts');
    // Generous transaction waits: a loaded 2-core machine must slow down, not fail requests.
    super({
      adapter: new PrismaPg({ connectionString: config.DATABASE_URL, max: 10 }),
      transactionOptions: { maxWait: 10_000, timeout: 20_000 },
    });
  }

  async isHealthy(): Promise<boolean> {
    try {
      await this.$queryRawUnsafe('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
  }
}
