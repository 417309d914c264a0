import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import { inject } from 'vitest';
import { createApp } from '../../src/app.factory.js';
import { newToken } from '../../src/common/auth/token.js';
import { loadConfig } from '../../src/common/config/config.js';
import type { Role } from '../../src/common/config/config.schema.js';
import { migrate } from '../../src/common/database/migrator.js';
import { SERVING_DRIVER } from '../../src/cluster/serving-driver.js';
import { PrismaService } from '../../src/common/database/prisma.service.js';
import { JsonLogger } from '../../src/common/logging/json-logger.js';

/** A fresh, migrated database on the shared test PostgreSQL. */
export async function freshDatabase(): Promise<string> {
  const admin = new URL(inject('postgresUrl'));
  const name = `t_${randomBytes(6).toString('hex')}`;
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  admin.pathname = `/${name}`;
  return admin.toString();
}

export async function migratedDatabase(): Promise<string> {
  const url = await freshDatabase();
  await migrate(url, resolve('prisma/migrations'));
  return url;
}

export interface TestApp {
  app: NestExpressApplication;
  url: string;
  databaseUrl: string;
  close(): Promise<void>;
}

export interface TestAppOptions {
  role?: Role;
  databaseUrl?: string;
  redisUrl?: string;
  queuePrefix?: string;
  env?: Record<string, string>;
  home?: string;
  /** 0 (the default): a free port. */
  port?: number;
}

/** The real app (same factory as main.ts) listening on a free loopback port. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const databaseUrl = options.databaseUrl ?? (await migratedDatabase());
  const config = loadConfig({
    BEAMLINE_ROLE: options.role ?? 'all',
    DATABASE_URL: databaseUrl,
    REDIS_URL: options.redisUrl ?? inject('redisUrl'),
    BEAMLINE_QUEUE_PREFIX: options.queuePrefix ?? `t-${randomBytes(4).toString('hex')}`,
    BEAMLINE_BOOTSTRAP: 'off',
    BEAMLINE_RECONCILE_INTERVAL_MS: '300',
    BEAMLINE_LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    // No cluster unless a test asks for one: jobs stop at Queued, as before the scheduler.
    BEAMLINE_CLUSTER_DRIVER: 'none',
    BEAMLINE_HOME: options.home ?? (await mkdtemp(join(tmpdir(), 'beamline-home-'))),
    ...options.env,
  });
  const app = await createApp(config, new JsonLogger(config.BEAMLINE_LOG_LEVEL));
  await app.listen(options.port ?? 0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return { app, url: `http://127.0.0.1:${address.port}`, databaseUrl, close: () => app.close() };
}

/**
 * Closes the app and stops the local endpoint replicas it started: they outlive the app on
 * purpose (a platform restart must not take endpoints down), which a test does not want.
 */
export async function closeApp(t: TestApp | undefined): Promise<void> {
  if (!t) return;
  let driver: { stopAll?: () => Promise<void> } | undefined;
  try {
    driver = t.app.get(SERVING_DRIVER, { strict: false });
  } catch {
    driver = undefined; // BEAMLINE_CLUSTER_DRIVER=none
  }
  await driver?.stopAll?.().catch(() => undefined);
  await t.close();
}

/**
 * Creates a project (if missing) and a token for it, straight in the database. An ADMIN
 * token with no project is a platform admin (as the bootstrap token is); with projects it
 * is an admin of those projects only.
 */
export async function seedToken(
  app: NestExpressApplication,
  role: 'ADMIN' | 'MEMBER' | 'VIEWER',
  projects: string[] = [],
  options: { scopes?: string[]; expiresAt?: Date } = {},
): Promise<string> {
  const prisma = app.get(PrismaService);
  const ids: string[] = [];
  for (const name of projects) {
    const project = await prisma.project.upsert({ where: { name }, create: { name }, update: {} });
    ids.push(project.id);
  }
  const { token, hash, prefix } = newToken();
  await prisma.apiToken.create({
    data: {
      name: `test-${role}`,
      tokenHash: hash,
      prefix,
      role,
      platformAdmin: role === 'ADMIN' && ids.length === 0,
      ...(options.scopes ? { scopes: options.scopes } : {}),
      ...(options.expiresAt ? { expiresAt: options.expiresAt } : {}),
      projects: { create: ids.map((projectId) => ({ projectId })) },
    },
  });
  return token;
}

/** Minimal HTTP client over fetch: real requests against the listening app. */
export function client(baseUrl: string, token?: string) {
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const init: RequestInit = { method, headers: { ...headers } };
    if (token) (init.headers as Record<string, string>).authorization = `Bearer ${token}`;
    if (body !== undefined) {
      (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
    }
    const res = await fetch(`${baseUrl}${path}`, init);
    const text = await res.text();
    let json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, body: json, text };
  };
  return {
    send: call,
    get: (path: string, headers?: Record<string, string>) => call('GET', path, undefined, headers),
    post: (path: string, body?: unknown, headers?: Record<string, string>) => call('POST', path, body, headers),
    put: (path: string, body?: unknown, headers?: Record<string, string>) => call('PUT', path, body, headers),
    patch: (path: string, body?: unknown, headers?: Record<string, string>) => call('PATCH', path, body, headers),
    delete: (path: string, headers?: Record<string, string>) => call('DELETE', path, undefined, headers),
  };
}

/** Polls until `check` returns a truthy value (or fails with the last value seen). */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 10_000, what = "condition"): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await check();
    if (last) return last as NonNullable<T>;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last)}`);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function jobBody(overrides: Record<string, unknown> = {}) {
  return {
    name: 'train-mnist',
    image: 'python:3.11-slim',
    command: ['python', 'train.py'],
    args: ['--epochs', '3'],
    env: { SEED: '42' },
    resources: { cpu: '2', memory: '4Gi', gpu: { count: 1, product: 'NVIDIA-A100-SXM4-80GB' } },
    ...overrides,
  };
}
