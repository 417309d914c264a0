import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { freePort } from '../../src/common/embedded/free-port.js';
import { isAlive } from '../../src/common/process-alive.js';
import { eventually, migratedDatabase } from '../helpers/test-app.js';

/**
 * Issue 13, item 4: an upgrade rolls the api Deployment one pod at a time, so the proof is
 * local: two `api` processes of the built platform (`node dist/src/main.js --role api`,
 * what the image runs) behind one PostgreSQL and Redis; A gets SIGTERM (what the kubelet
 * sends) while B is asked continuously. B never answers anything but 200, A finishes the
 * request it was receiving and exits 0 within the pod's grace period.
 */
const REPO_ROOT = resolve(import.meta.dirname, '../..');
const GRACE_MS = 30_000; // terminationGracePeriodSeconds' default
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Api {
  name: string;
  url: string;
  port: number;
  home: string;
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}


const shared: Record<string, string> = {};
const started: Api[] = [];

async function startApi(name: string): Promise<Api> {
  const [port, home] = [await freePort(), await mkdtemp(join(tmpdir(), `rolling-${name}-`))];
  const env = { ...process.env, ...shared, BEAMLINE_PORT: String(port), BEAMLINE_HOME: home };
  const child = spawn(process.execPath, ['dist/src/main.js', '--role', 'api'], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((r) => child.once('exit', (code, signal) => r({ code, signal, at: Date.now() })));
  const api: Api = { name, url: `http://127.0.0.1:${port}`, port, home, child, output: () => out, exited };
  started.push(api);
  await eventually(
    async () => {
      if (child.exitCode !== null) throw new Error(`api ${name} exited with ${child.exitCode}:\n${out}`);
      return (await get(api, '/readyz').catch(() => undefined))?.status === 200;
    },
    90_000,
    `api ${name} ready`,
  );
  return api;
}

/** One request on a fresh connection (no keep-alive: a poll must not ride a socket the server is closing). */
function get(api: Api, path: string, token?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${api.url}${path}`, { agent: false, headers: token ? { authorization: `Bearer ${token}` } : {}, timeout: 10_000 }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${path} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  // The image runs the built tree: build it (incremental; a no-op when dist/ is current).
  const built = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit'], timeout: 540_000 });
  if (built.status !== 0) throw new Error(`scripts/build.mjs failed with ${built.status ?? built.signal}`);
  Object.assign(shared, {
    DATABASE_URL: await migratedDatabase(),
    REDIS_URL: inject('redisUrl'),
    BEAMLINE_QUEUE_PREFIX: `rolling-${randomBytes(3).toString('hex')}`,
    BEAMLINE_REPLICA_SECRET: randomBytes(32).toString('hex'),
    BEAMLINE_CLUSTER_DRIVER: 'none',
    BEAMLINE_BOOTSTRAP: 'auto',
    BEAMLINE_LOG_LEVEL: 'info',
    BEAMLINE_HOST: '127.0.0.1',
  });
}, 600_000);

afterAll(async () => {
  for (const api of started) if (api.child.pid && isAlive(api.child.pid)) api.child.kill('SIGKILL');
});

describe('rolling the api: one replica stops, the other keeps answering', () => {
  it('B answers 200 throughout; A finishes its in-flight request and exits 0 within the grace period', async () => {
    // 1. A starts first (it creates the admin token on the empty database), then B.
    const a = await startApi('a');
    const token = (await readFile(join(a.home, 'admin-token'), 'utf8')).trim();
    const b = await startApi('b');
    expect((await get(b, '/v1/projects', token)).status).toBe(200);

    // 2. Ask B continuously: readiness and an authenticated read, each on its own connection.
    const failures: string[] = [];
    let answered = 0;
    let polling = true;
    const poll = (async () => {
      while (polling) {
        for (const path of ['/readyz', '/v1/projects']) {
          const got = await get(b, path, path === '/readyz' ? undefined : token).catch((e: Error) => ({ status: 0, body: e.message }));
          if (got.status === 200) answered++;
          else failures.push(`${path}: ${got.status} ${got.body.slice(0, 200)}`);
        }
        await sleep(10);
      }
    })();

    // 3. A request in flight on A: headers and half the body now, the rest after SIGTERM.
    let killedAt = 0;
    const body = JSON.stringify({ name: `rolling-${randomBytes(3).toString('hex')}`, description: 'created while its api was stopping' });
    const inFlight = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${a.url}/v1/projects`, {
        method: 'POST',
        agent: false,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      });
      req.on('response', (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on('error', reject);
      req.write(body.slice(0, 10));
      setTimeout(() => {
        // 4. SIGTERM while A is receiving; the rest of the body once A has begun to stop.
        killedAt = Date.now();
        a.child.kill('SIGTERM');
        void eventually(async () => a.output().includes('SIGTERM'), 10_000, 'A handling SIGTERM').then(() => req.end(body.slice(10)), reject);
      }, 300);
    });

    const finished = await inFlight;
    expect(finished.status, `the in-flight request on A: ${finished.body}\n--- A's output:\n${a.output().slice(-3000)}`).toBe(201);

    // 5. A exits 0 within the grace period; B was never anything but ready.
    const exit = await a.exited;
    expect({ code: exit.code, signal: exit.signal }, a.output().slice(-3000)).toEqual({ code: 0, signal: null });
    expect(exit.at - killedAt).toBeLessThan(GRACE_MS);
    await sleep(500); // B keeps answering after A is gone
    polling = false;
    await poll;
    expect(failures).toEqual([]);
    expect(answered).toBeGreaterThan(20);

    // The project A created while stopping is there for B.
    const listed = await get(b, '/v1/projects', token);
    expect(listed.body).toContain(JSON.parse(body).name);
    b.child.kill('SIGTERM');
    expect((await b.exited).code).toBe(0);
  }, 180_000);
});
