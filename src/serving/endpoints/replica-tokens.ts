import { createHmac, randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../../common/config/config.js';
import type { AppConfig } from '../../common/config/config.schema.js';

/** Under BEAMLINE_HOME, 0600: the key every replica token is derived from. */
export const REPLICA_SECRET_FILE = 'replica-secret';

/**
 * Per-endpoint replica tokens: what a replica requires on its V2 routes and the infer
 * proxy sends. Derived, not stored: HMAC-SHA256(platform secret, endpoint id), so the
 * controller (which starts replicas with it) and every API process (which proxies) agree
 * without a database column or a Secret the API would need to read.
 *
 * The platform secret is BEAMLINE_REPLICA_SECRET when set (API and controller in separate
 * pods: give both the same one), else <BEAMLINE_HOME>/replica-secret, made on first use.
 * Changing it changes every token: local replicas roll to the new one on their next apply;
 * on Kubernetes delete the `-replica` Secrets so the controller writes new ones.
 */
@Injectable()
export class ReplicaTokens {
  private key?: Promise<Buffer>;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async forEndpoint(endpointId: string): Promise<string> {
    this.key ??= this.loadKey().catch((error: Error) => {
      this.key = undefined; // a failed read (disk full, permissions) is retried next time
      throw error;
    });
    return createHmac('sha256', await this.key).update(`beamline-replica:${endpointId}`).digest('base64url');
  }

  private async loadKey(): Promise<Buffer> {
    const given = this.config.BEAMLINE_REPLICA_SECRET;
    if (given) return Buffer.from(given, 'utf8');
    const home = resolve(this.config.BEAMLINE_HOME);
    const file = join(home, REPLICA_SECRET_FILE);
    const existing = await readSecret(file);
    if (existing) return existing;
    // Written whole to a private temporary file, then linked into place: link() fails if
    // another process got there first, so every process ends up with the same secret.
    await mkdir(home, { recursive: true });
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    await writeFile(tmp, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600 });
    try {
      await link(tmp, file).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw error;
      });
    } finally {
      await rm(tmp, { force: true });
    }
    const made = await readSecret(file);
    if (!made) throw new Error(`${file} is empty`);
    return made;
  }
}

async function readSecret(file: string): Promise<Buffer | undefined> {
  try {
    const text = (await readFile(file, 'utf8')).trim();
    return text ? Buffer.from(text, 'utf8') : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
