import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EndpointTemplate } from '../../serving-driver.js';
import { isAlive } from '../worker-process.js';
import { exitFile, type EndpointState, type ReplicaRecord } from './endpoint-files.js';
import { LocalEndpoint } from './local-endpoint.js';

const template: EndpointTemplate = {
  model: { name: 'm', version: 1, sha256: 'x', url: 'http://r/m' },
  resources: { cpuMilli: 100, memoryMiB: 128, gpuCount: 0 },
  runtime: { batching: false, maxBatchSize: 1, maxQueueDelayMicros: 0, env: {} },
};
let dir: string;
const started: number[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'local-endpoint-spec-'));
});
afterAll(async () => {
  for (const pid of started) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

/** A stand-in supervisor: a process group leader with the replica's exit file in its argv. */
function supervisor(id: string): number {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', exitFile(dir, id)], { stdio: 'ignore', detached: true });
  child.unref();
  started.push(child.pid!);
  return child.pid!;
}

const record = (id: string, pid?: number): ReplicaRecord => ({ id, revision: 1, templateHash: 'h', template, port: 1, logFile: join(dir, `${id}.log`), restarts: 0, ...(pid ? { pid } : {}) });

describe('LocalEndpoint.adopt after the controller died mid-spawn', () => {
  it('stops the supervisor a record without a pid left running, and keeps the one its record names', async () => {
    const stray = supervisor('aaa'); // spawned, then the controller died before saving the pid
    const kept = supervisor('bbb');
    const state: EndpointState = {
      deployment: { endpointId: 'e1', project: 'p', name: 'n', revision: 1, template, replicas: 2, maxSurge: 1, progressDeadlineSeconds: 60, drainSeconds: 1, replicaToken: 't' },
      progressStartedAt: 0,
      complete: false,
    };
    const ctx = { runtime: { command: '/bin/false', args: [] }, cacheDir: dir, restartBackoffMs: 1000, crashLoopAfter: 3, event: () => {} };
    const endpoint = await LocalEndpoint.adopt(dir, state, [record('aaa'), record('bbb', kept)], ctx);
    for (let i = 0; i < 100 && isAlive(stray); i++) await new Promise((r) => setTimeout(r, 20)); // SIGKILL is sent; wait for the reap
    expect(isAlive(stray)).toBe(false);
    expect(isAlive(kept)).toBe(true);
    expect(endpoint.observation().restarts).toBe(0);
  });
});
