import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../src/common/embedded/free-port.js';
import { linearModel } from '../helpers/onnx.js';
import { logsOf, podman, podmanMissing, removeContainers, runDetached, RUN_FLAGS, waitExit } from '../helpers/podman.js';
import { runPython } from '../helpers/python.js';
import { writeModel } from '../helpers/runtime.js';
import { eventually, freshDatabase } from '../helpers/test-app.js';

/**
 * The image that docs/install.md tells a lab to deploy, run as a lab would run it: built by
 * scripts/image-build.sh (npm test's pretest builds it; here it is only checked up to date,
 * which takes seconds when nothing changed), then its roles in podman against the suite's
 * real PostgreSQL and Redis (the containers share the host network).
 */
const exec = promisify(execFile);
const missing = podmanMissing();
if (missing) console.warn(`skipping the container image tests: ${missing}`);

const IMAGE = 'localhost/beamline:dev';
const ADMIN = `bl_${randomBytes(32).toString('base64url')}`;
const run = `c${randomBytes(3).toString('hex')}`;
const containers: string[] = [];
const name = (role: string) => {
  const n = `beamline-test-${run}-${role}`;
  containers.push(n);
  return n;
};

async function oneShot(args: string[], env: Record<string, string> = {}): Promise<{ code: number; output: string }> {
  const flags = Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
  try {
    const { stdout, stderr } = await exec('podman', ['run', '--rm', ...RUN_FLAGS, ...flags, IMAGE, ...args], { timeout: 120_000 });
    return { code: 0, output: `${stdout}${stderr}` };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: err.code ?? -1, output: `${err.stdout ?? ''}${err.stderr ?? ''}` };
  }
}

const ready = (port: number) => async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.ok;

describe.skipIf(missing)('the container image', () => {
  beforeAll(async () => {
    await exec('bash', ['scripts/image-build.sh'], { timeout: 1_500_000, maxBuffer: 16 * 1024 * 1024 });
  }, 1_600_000);

  afterAll(async () => {
    await removeContainers(containers);
  });

  it('is labelled, runs as a non-root user under tini, and stays under 450 MB', async () => {
    const inspect = JSON.parse(await podman(['image', 'inspect', IMAGE]))[0] as {
      Size: number;
      Config: { User: string; Entrypoint: string[]; Labels: Record<string, string> };
    };
    expect(inspect.Config.User).toBe('65532:65532');
    expect(inspect.Config.Entrypoint.slice(0, 2)).toEqual(['/usr/bin/tini', '-g']);
    expect(inspect.Config.Labels).toMatchObject({ 'org.opencontainers.image.title': 'beamline', 'org.opencontainers.image.version': '0.1.0' });
    expect(inspect.Config.Labels['org.opencontainers.image.revision']).toMatch(/^[0-9a-f]{12}$|^unknown$/);
    console.log(`image ${IMAGE}: ${(inspect.Size / 1e6).toFixed(0)} MB uncompressed`);
    expect(inspect.Size).toBeLessThan(450e6);
  });

  it('exits 78 with one line naming the variable for a wrong role, a missing or a malformed setting', async () => {
    const role = await oneShot(['--role', 'scheduler']);
    expect(role.code).toBe(78);
    expect(role.output.trim()).toBe("Invalid configuration: BEAMLINE_ROLE: 'scheduler' is not a role; expected one of api, controller, all, runtime, migrate");
    const fromEnv = await oneShot([], { BEAMLINE_ROLE: 'worker' });
    expect(fromEnv.code).toBe(78);
    expect(fromEnv.output).toMatch(/BEAMLINE_ROLE: 'worker' is not a role/);

    const noDatabase = await oneShot(['--role', 'api'], { REDIS_URL: 'redis://127.0.0.1:1' });
    expect(noDatabase.code).toBe(78);
    expect(noDatabase.output.trim().split('\n')).toEqual(['Invalid configuration: DATABASE_URL: required (BEAMLINE_EMBEDDED=off: nothing embedded is started)']);

    const secret = 'postgres-password-that-must-not-leak';
    const malformed = await oneShot(['--role', 'controller'], { DATABASE_URL: `mysql://beamline:${secret}@db/beamline`, REDIS_URL: 'redis://127.0.0.1:1' });
    expect(malformed.code).toBe(78);
    expect(malformed.output).toMatch(/^Invalid configuration: DATABASE_URL: /);
    expect(malformed.output).not.toContain(secret);

    const token = await oneShot(['--role', 'api'], { DATABASE_URL: 'postgresql://x@127.0.0.1:1/x', REDIS_URL: 'redis://127.0.0.1:1', BEAMLINE_ADMIN_TOKEN: 'changeme' });
    expect(token.code).toBe(78);
    expect(token.output).toMatch(/BEAMLINE_ADMIN_TOKEN: expected 'bl_' and 43 url-safe base64 characters/);

    const runtime = await oneShot(['--role', 'runtime']);
    expect(runtime.code).toBe(78);
    expect(runtime.output.trim().split('\n')).toHaveLength(1);
    expect(runtime.output).toMatch(/--model \(BEAMLINE_RUNTIME_MODEL\)/);
  });

  describe('api and controller on a real PostgreSQL and Redis', () => {
    let database: string;
    let home: string;
    let apiPort: number;
    let controllerPort: number;
    let api: string;
    let controller: string;

    beforeAll(async () => {
      database = await freshDatabase();
      home = await mkdtemp(join(tmpdir(), 'beamline-image-'));
      await chown(home, 65532, 65532).catch(() => undefined); // the image's user must own its home
      [apiPort, controllerPort] = [await freePort(), await freePort()];
      const env = {
        DATABASE_URL: database,
        REDIS_URL: inject('redisUrl'),
        BEAMLINE_ADMIN_TOKEN: ADMIN,
        BEAMLINE_REPLICA_SECRET: randomBytes(24).toString('hex'),
        BEAMLINE_QUEUE_PREFIX: `img-${run}`,
      };
      // Two migrators at once, as two pods' init containers would start: both succeed, one applies.
      const [m1, m2] = await Promise.all([oneShot(['--role', 'migrate'], { DATABASE_URL: database }), oneShot(['--role', 'migrate'], { DATABASE_URL: database })]);
      expect([m1.code, m2.code]).toEqual([0, 0]);
      const applied = [m1, m2].map((m) => (JSON.parse(m.output.trim().split('\n').pop()!) as { applied: string[] }).applied.length);
      expect(Math.min(...applied)).toBe(0);
      expect(Math.max(...applied)).toBeGreaterThan(0);

      const volumes = [`${home}:/var/lib/beamline`];
      api = await runDetached(name('api'), IMAGE, ['--role', 'api'], { env: { ...env, BEAMLINE_PORT: String(apiPort) }, volumes });
      controller = await runDetached(name('controller'), IMAGE, [], { env: { ...env, BEAMLINE_ROLE: 'controller', BEAMLINE_PORT: String(controllerPort) }, volumes });
      try {
        await eventually(ready(apiPort), 90_000, 'the api container /readyz');
        await eventually(ready(controllerPort), 90_000, 'the controller container /readyz');
      } catch (error) {
        throw new Error(`${(error as Error).message}\napi logs:\n${await logsOf(api)}\ncontroller logs:\n${await logsOf(controller)}`);
      }
    }, 240_000);

    afterAll(async () => {
      await rm(home, { recursive: true, force: true }).catch(() => undefined);
    });

    it('runs a CPU training job submitted over REST to Succeeded on the local driver inside the container', async () => {
      const base = `http://127.0.0.1:${apiPort}/v1/projects/default`;
      const headers = { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' };
      const created = await fetch(`${base}/training-jobs`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ name: 'in-container', image: 'unused-by-the-local-driver', command: ['sh', '-c', 'echo trained inside the image; test "$WORLD_SIZE" = 1'], resources: { cpu: '1', memory: '256Mi' } }),
      });
      expect(created.status, await created.clone().text()).toBe(201);
      const { id } = (await created.json()) as { id: string };
      const job = await eventually(async () => {
        const j = (await (await fetch(`${base}/training-jobs/${id}`, { headers })).json()) as { status: string; message?: string };
        return ['Succeeded', 'Failed'].includes(j.status) ? j : undefined;
      }, 90_000, 'the job to finish');
      expect(job.status, JSON.stringify(job)).toBe('Succeeded');
      const logs = await (await fetch(`${base}/training-jobs/${id}/logs`, { headers })).text();
      expect(logs).toContain('trained inside the image');
    });

    it('stops api and controller on SIGTERM with exit 0 within the grace period', async () => {
      await podman(['kill', '--signal', 'TERM', api, controller]);
      const [apiExit, controllerExit] = await Promise.all([waitExit(api, 30_000), waitExit(controller, 30_000)]);
      expect({ api: apiExit, controller: controllerExit }).toEqual({ api: 0, controller: 0 });
      expect(await logsOf(api)).toMatch(/"signal":"SIGTERM"/);
    });
  });

  describe('the runtime role', () => {
    let port: number;
    let runtime: string;
    // y = 2·a − b + 0.5·c + 1 and y2 = a + b + c − 3: exact in float32 for the inputs below.
    const weights = [
      [2, 1],
      [-1, 1],
      [0.5, 1],
    ];
    const bias = [1, -3];

    beforeAll(async () => {
      const file = await writeModel(linearModel(weights, bias), 'linear');
      await chmod(dirname(file), 0o755); // readable by the image's user
      await chmod(file, 0o644);
      port = await freePort();
      // A 400 ms batching window keeps requests inside the server long enough to be in flight when SIGTERM arrives.
      runtime = await runDetached(name('runtime'), IMAGE, ['--role', 'runtime', '--model', `/models/${file.split('/').pop()}`, '--name', 'linear', '--port', String(port), '--max-queue-delay-micros', '400000', '--drain-seconds', '1'], {
        volumes: [`${dirname(file)}:/models:ro`],
      });
      await eventually(async () => (await fetch(`http://127.0.0.1:${port}/v2/health/ready`).catch(() => undefined))?.ok, 60_000, 'the runtime container to be ready').catch(async (e: Error) => {
        throw new Error(`${e.message}\n${await logsOf(runtime)}`);
      });
    }, 120_000);

    it('serves the ONNX model to the Triton Python client with the right numbers', async () => {
      const script = String.raw`
import sys, json
import numpy as np
import tritonclient.http as httpclient
c = httpclient.InferenceServerClient(url=sys.argv[1])
assert c.is_server_ready() and c.is_model_ready('linear')
x = np.array([[1, 2, 3], [0.5, -4, 8]], dtype=np.float32)
i = httpclient.InferInput('x', [2, 3], 'FP32'); i.set_data_from_numpy(x)
print(json.dumps(c.infer('linear', [i]).as_numpy('y').tolist()))
`;
      const result = await runPython(['-c', script, `127.0.0.1:${port}`], {}, 60_000);
      expect(result.code, result.output).toBe(0);
      const y = JSON.parse(result.output.trim().split('\n').pop()!) as number[][];
      expect(y).toEqual([
        [2 * 1 - 2 + 0.5 * 3 + 1, 1 + 2 + 3 - 3],
        [2 * 0.5 + 4 + 0.5 * 8 + 1, 0.5 - 4 + 8 - 3],
      ]);
    });

    it('answers every request in flight when SIGTERM arrives, then exits 0', async () => {
      const infer = (a: number) =>
        fetch(`http://127.0.0.1:${port}/v2/models/linear/infer`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ inputs: [{ name: 'x', shape: [1, 3], datatype: 'FP32', data: [a, 0, 0] }] }),
        }).then(async (r) => ({ status: r.status, y: ((await r.json()) as { outputs: { data: number[] }[] }).outputs?.[0]?.data }));
      const inFlight = Array.from({ length: 8 }, (_, a) => infer(a));
      await new Promise((r) => setTimeout(r, 150)); // accepted and queued, inside the 400 ms window
      await podman(['kill', '--signal', 'TERM', runtime]);
      const answers = await Promise.all(inFlight);
      expect(answers).toEqual(Array.from({ length: 8 }, (_, a) => ({ status: 200, y: [2 * a + 1, a - 3] })));
      expect(await waitExit(runtime, 30_000)).toBe(0);
    });
  });
});
