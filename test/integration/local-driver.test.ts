import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { WorkloadSpec } from '../../src/cluster/cluster-driver.js';
import { LocalDriver } from '../../src/cluster/local/local-driver.js';
import { eventually } from '../helpers/test-app.js';

const drivers: LocalDriver[] = [];
afterEach(async () => {
  for (const d of drivers.splice(0)) await d.stop();
});

async function driver(home?: string): Promise<{ d: LocalDriver; home: string }> {
  const dir = home ?? (await mkdtemp(join(tmpdir(), 'local-driver-')));
  const d = new LocalDriver(dir, { graceMs: 500, gpus: () => [{ index: 0, product: 'Fake-GPU', memoryMiB: 1000 }] });
  await d.start();
  drivers.push(d);
  return { d, home: dir };
}

function spec(script: string, workers = 1, overrides: Partial<WorkloadSpec> = {}): WorkloadSpec {
  return {
    jobId: `job-${Math.random().toString(16).slice(2)}`,
    attempt: 0,
    project: 'p',
    name: 'n',
    image: 'ignored',
    command: [process.execPath, '-e', script],
    args: [],
    env: { GREETING: 'hello' },
    cpuMilli: 100,
    memoryMiB: 64,
    gpuCount: 0,
    workers: Array.from({ length: workers }, () => ({ node: 'local', gpuIndexes: [0], gpuMilli: 500 })),
    ...overrides,
  };
}

const statusOf = (d: LocalDriver, jobId: string) => d.workloads().find((w) => w.jobId === jobId);

describe('local ClusterDriver (real processes)', () => {
  it('reports this machine as one node with its GPUs', async () => {
    const { d } = await driver();
    const [node] = d.inventory().nodes;
    expect(node.name).toBe('local');
    expect(node.cpuMilli).toBeGreaterThan(0);
    expect(node.gpus).toEqual([{ index: 0, product: 'Fake-GPU', memoryMiB: 1000 }]);
  });

  it('runs every worker with the distributed env contract, captures logs and exit codes', async () => {
    const { d } = await driver();
    const s = spec(
      `console.log(process.env.GREETING, 'rank', process.env.RANK, 'of', process.env.WORLD_SIZE, process.env.NVIDIA_VISIBLE_DEVICES, process.env.BEAMLINE_GPU_MILLI); process.exit(Number(process.env.RANK))`,
      2,
    );
    await d.createWorkload(s);
    await d.createWorkload(s); // idempotent
    const done = await eventually(async () => {
      const w = statusOf(d, s.jobId);
      return w && w.workers.every((x) => x.phase !== 'Running') ? w : undefined;
    });
    expect(done.workers.map((w) => [w.phase, w.exitCode])).toEqual([
      ['Succeeded', 0],
      ['Failed', 1],
    ]);
    let log = '';
    for await (const chunk of d.logs(s.jobId, 0, 1, { follow: false })) log += chunk;
    expect(log.trim()).toBe('hello rank 1 of 2 0 500');
  });

  it('follows logs until the worker ends', async () => {
    const { d } = await driver();
    const s = spec(`let i = 0; const t = setInterval(() => { console.log('line', i++); if (i === 5) { clearInterval(t); } }, 50)`);
    await d.createWorkload(s);
    let log = '';
    for await (const chunk of d.logs(s.jobId, 0, 0, { follow: true })) log += chunk;
    expect(log.trim().split('\n')).toEqual(['line 0', 'line 1', 'line 2', 'line 3', 'line 4']);
  });

  it('kills a deleted workload (the whole process group) at once', async () => {
    const { d, home } = await driver();
    const s = spec(`setInterval(() => {}, 1000)`);
    await d.createWorkload(s);
    await d.deleteWorkload(s.jobId);
    expect(statusOf(d, s.jobId)).toBeUndefined();
    // Even a new driver on the same home does not resurrect it.
    const again = await driver(home);
    expect(statusOf(again.d, s.jobId)).toBeUndefined();
  });

  it('adopts workers after a restart and still learns their exit code', async () => {
    const { d, home } = await driver();
    const s = spec(`setTimeout(() => process.exit(4), 1500)`);
    await d.createWorkload(s);
    await d.stop();
    const restarted = await driver(home);
    expect(statusOf(restarted.d, s.jobId)?.workers[0].phase).toBe('Running');
    const done = await eventually(async () => {
      const w = statusOf(restarted.d, s.jobId)?.workers[0];
      return w && w.phase !== 'Running' ? w : undefined;
    });
    expect(done).toMatchObject({ phase: 'Failed', exitCode: 4 });
  });

  // A controller killed -9 in the middle of createWorkload (the chaos suite's chosen-point kill, issue 19).
  it('a spec.json left empty by a kill neither breaks the next driver nor counts as made: the attempt is made again and runs once', async () => {
    const home = await mkdtemp(join(tmpdir(), 'local-driver-'));
    const s = spec(`console.log('ran'); process.exit(0)`);
    const dir = join(home, 'jobs', s.jobId, 'a0');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'spec.json'), ''); // created, never written: the kill came between
    const { d } = await driver(home); // start() used to throw here, and every cycle after it
    expect(statusOf(d, s.jobId)).toBeUndefined(); // not made: the reconciler's verdict is create
    await d.createWorkload(s);
    const done = await eventually(async () => {
      const w = statusOf(d, s.jobId)?.workers[0];
      return w && w.phase !== 'Running' ? w : undefined;
    });
    expect(done).toMatchObject({ phase: 'Succeeded', exitCode: 0 });
    expect(JSON.parse(await readFile(join(dir, 'spec.json'), 'utf8'))).toMatchObject({ jobId: s.jobId });
  });

  it('a whole spec whose worker never started (killed before the spawn) is made again, not failed as lost', async () => {
    const { d, home } = await driver();
    const s = spec(`process.exit(0)`);
    const dir = join(home, 'jobs', s.jobId, 'a0');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'spec.json'), JSON.stringify(s));
    await d.stop();
    const restarted = await driver(home);
    expect(statusOf(restarted.d, s.jobId)).toBeUndefined(); // before: adopted as Failed, exit 137
    await restarted.d.createWorkload(s);
    const done = await eventually(async () => {
      const w = statusOf(restarted.d, s.jobId)?.workers[0];
      return w && w.phase !== 'Running' ? w : undefined;
    });
    expect(done).toMatchObject({ phase: 'Succeeded', exitCode: 0 });
  });

  it('a worker running with no pid file (killed between the spawn and the pid file) is adopted by its supervisor, never started twice', async () => {
    const { d, home } = await driver();
    // Each start appends a line in the attempt's own work directory (the job user may write there).
    const s = spec(`require('node:fs').appendFileSync('starts.txt', 'start\\n'); setTimeout(() => process.exit(5), 1500)`);
    const mark = join(home, 'jobs', s.jobId, 'a0', 'work', 'worker-0', 'starts.txt');
    await d.createWorkload(s);
    await d.stop();
    await rm(join(home, 'jobs', s.jobId, 'a0', 'worker-0.pid')); // as if the controller had died before writing it
    const restarted = await driver(home);
    expect(statusOf(restarted.d, s.jobId)?.workers[0].phase).toBe('Running');
    await restarted.d.createWorkload(s); // the reconciler's create: already made, nothing started
    const done = await eventually(async () => {
      const w = statusOf(restarted.d, s.jobId)?.workers[0];
      return w && w.phase !== 'Running' ? w : undefined;
    });
    expect(done).toMatchObject({ phase: 'Failed', exitCode: 5 });
    expect((await readFile(mark, 'utf8')).trim().split('\n')).toEqual(['start']);
  });

  it('knows workers that ended while no platform watched before start() has finished (issue 19)', async () => {
    const { d, home } = await driver();
    const ok = spec(`process.exit(0)`);
    const bad = spec(`process.exit(3)`);
    await d.createWorkload(ok);
    await d.createWorkload(bad);
    await d.stop();
    // Both end with no driver running (the supervisor records the exit on disk).
    await eventually(async () => [ok, bad].every((s) => existsSync(join(home, 'jobs', s.jobId, 'a0', 'worker-0.exit'))));
    // A controller cycle can run while the new driver's start() is still awaiting: the
    // kill test's jobs were failed as "disappeared" by exactly that read.
    const restarted = new LocalDriver(home, { graceMs: 500 });
    drivers.push(restarted);
    const starting = restarted.start();
    expect(statusOf(restarted, ok.jobId)?.workers[0]).toMatchObject({ phase: 'Succeeded', exitCode: 0 });
    expect(statusOf(restarted, bad.jobId)?.workers[0]).toMatchObject({ phase: 'Failed', exitCode: 3 });
    await starting;
    expect(restarted.workloads().filter((w) => w.jobId === ok.jobId)).toHaveLength(1); // adopted once
  });

  it('a driver that stops and starts again (a controller that led, lost the lock, leads again) sees what another one created meanwhile (issue 19, chaos suite)', async () => {
    const { d: first, home } = await driver();
    await first.stop(); // lost the lock
    const { d: second } = await driver(home); // the other controller leads and starts a job
    const s = spec(`process.exit(0)`);
    await second.createWorkload(s);
    await second.stop();
    await eventually(async () => existsSync(join(home, 'jobs', s.jobId, 'a0', 'worker-0.exit')));
    await first.start(); // leads again
    expect(statusOf(first, s.jobId)?.workers[0]).toMatchObject({ phase: 'Succeeded', exitCode: 0 });
  });

  it('a driver read after it stopped (a log tailer still asking) still sees, once it leads again, what another one created meanwhile (chaos suite in CI)', async () => {
    const { d: first, home } = await driver();
    await first.stop(); // lost the lock
    expect(first.workloads()).toEqual([]); // a reader that has not noticed yet: adopts the disk as it is now
    const { d: second } = await driver(home);
    const s = spec(`process.exit(0)`);
    await second.createWorkload(s);
    await second.stop();
    await eventually(async () => existsSync(join(home, 'jobs', s.jobId, 'a0', 'worker-0.exit')));
    const starting = first.start(); // leads again: read synchronously, before any cycle can ask
    expect(statusOf(first, s.jobId)?.workers[0]).toMatchObject({ phase: 'Succeeded', exitCode: 0 });
    await starting;
  });

  it('fails a worker whose command does not exist with 127', async () => {
    const { d } = await driver();
    const s = spec('', 1, { command: ['/nonexistent/binary'] });
    await d.createWorkload(s);
    const done = await eventually(async () => {
      const w = statusOf(d, s.jobId)?.workers[0];
      return w && w.phase !== 'Running' ? w : undefined;
    });
    expect(done).toMatchObject({ phase: 'Failed', exitCode: 127 });
  });
});
