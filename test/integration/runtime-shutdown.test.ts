import { afterAll, describe, expect, it } from 'vitest';
import { convNetModel, weights } from '../helpers/onnx-conv.js';
import { spawnRuntime, v2, writeModel, type ChildRuntime, type V2Response } from '../helpers/runtime.js';

/**
 * A rolling update sends SIGTERM to a replica under load. Every request a client sent
 * before the signal must be answered 200; the process reports not-ready, drains and
 * exits 0. The runtime is a real child process (`beamline runtime`).
 */
let child: ChildRuntime | undefined;
afterAll(() => {
  if (child && child.proc.exitCode === null) child.proc.kill('SIGKILL');
});

describe('SIGTERM under load', () => {
  it('answers every request sent before the signal, goes not-ready, then exits 0', async () => {
    const path = await writeModel(convNetModel(), 'conv');
    child = await spawnRuntime(['--model', path, '--drain-seconds', '0.5', '--grace-seconds', '20', '--log-level', 'info']);
    const { url } = child;
    const body = JSON.stringify({ inputs: [{ name: 'image', datatype: 'FP32', shape: [2, 3, 32, 32], data: Array.from(weights(2 * 3 * 32 * 32, 3, 1)) }] });
    let stop = false;
    let completed = 0;
    const results: Array<V2Response | Error> = [];
    let signalled!: () => void;
    const enough = new Promise<void>((r) => (signalled = r));
    // 16 clients in a loop; none starts a request once the signal has been sent.
    const clients = Array.from({ length: 16 }, async () => {
      while (!stop) {
        const res = await v2(url).post('/v2/models/conv/infer', body).catch((e: Error) => e);
        results.push(res);
        if (++completed === 64) signalled();
      }
    });
    await enough;
    child.proc.kill('SIGTERM');
    stop = true;
    // Asked once the runtime has handled the signal (its log says so): a request sent right
    // after kill() could reach it before the signal did, which made this check flaky on a busy machine.
    const deadline = Date.now() + 5000;
    while (!child.logs.some((line) => line.includes('"msg":"shutting down"')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    const readiness = await v2(url).get('/v2/health/ready').catch((e: Error) => e);
    await Promise.all(clients);
    const code = await child.exited;

    const failures = results.filter((r) => r instanceof Error || r.status !== 200);
    expect(failures.map((f) => (f instanceof Error ? f.message : `${f.status} ${f.bytes}`))).toEqual([]);
    expect(results.length).toBeGreaterThanOrEqual(64);
    // Asked after the signal was handled: not ready (or already gone once drained).
    if (!(readiness instanceof Error)) expect(readiness.status).toBe(503);
    expect(code).toBe(0);
    const logs = child.logs.join('\n');
    expect(logs).toMatch(/"msg":"shutting down"/);
    expect(logs).toMatch(/"msg":"stopped"/);
  });
});
