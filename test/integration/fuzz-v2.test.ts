import { readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { elementSize, isV2Datatype } from '../../src/serving/runtime/datatypes.js';
import { datatypesModel, mlpModel } from '../helpers/onnx-conv.js';
import { spawnRuntime, v2Call, writeModel, type ChildRuntime } from '../helpers/runtime.js';
import { binaryCases, jsonCases, v2Case, type TensorInfo, type V2Case } from '../helpers/v2-arbitraries.js';

/**
 * Issue 19 item 2: the V2 inference endpoint of a real runtime process (`beamline runtime`,
 * real ONNX models) fuzzed with fast-check: JSON and binary-extension bodies with wrong
 * names, datatypes and shapes, shape products that overflow, NaN/Infinity and strings in
 * numeric tensors, nested junk, truncated bodies, binary sizes and header lengths that lie.
 * Every answer must be a 200 or a 4xx with an error message; the process must stay up and
 * its peak memory bounded. Fixed seed (FUZZ_V2_SEED) and runs (FUZZ_V2_RUNS): a failure
 * prints the counterexample and replays.
 */
const SEED = Number(process.env.FUZZ_V2_SEED ?? 19);
const RUNS = Number(process.env.FUZZ_V2_RUNS ?? 400);
const MAX_BODY = 1 << 20;
/** Peak RSS growth allowed over the whole fuzz: bodies are capped at 1 MiB, so this is generous. */
const PEAK_GROWTH_LIMIT = 256 * 1024 * 1024;
const ALLOWED = new Set([200, 400, 404, 405, 413]);

interface Target {
  runtime: ChildRuntime;
  model: string;
  inputs: TensorInfo[];
  outputs: string[];
}
const targets: Target[] = [];
const tally = new Map<string, Map<number, number>>();

async function start(model: string, onnx: Buffer): Promise<Target> {
  const runtime = await spawnRuntime(['--model', await writeModel(onnx, model), '--max-body-bytes', String(MAX_BODY)]);
  const meta = (await v2Call(runtime.url, 'GET', `/v2/models/${model}`)).body as { inputs: TensorInfo[]; outputs: TensorInfo[] };
  return { runtime, model, inputs: meta.inputs, outputs: meta.outputs.map((o) => o.name) };
}

beforeAll(async () => {
  targets.push(await start('types', datatypesModel(['BOOL', 'UINT8', 'INT64', 'FP16', 'FP32', 'BYTES'])), await start('mlp', mlpModel()));
});
afterAll(async () => {
  for (const t of targets) {
    t.runtime.proc.kill('SIGTERM');
    await t.runtime.exited;
  }
});

/** Peak and current resident memory of a process, from /proc (Linux). */
async function memory(pid: number): Promise<{ peak: number; rss: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { peak: kib('VmHWM'), rss: kib('VmRSS') };
}

/** One request; the answer must be 200 or a 4xx carrying an error message. */
async function check(t: Target, c: V2Case): Promise<void> {
  const res = await v2Call(t.runtime.url, 'POST', `/v2/models/${t.model}/infer`, c.body, { 'content-type': 'application/json', ...c.headers });
  const kind = `${t.model}: ${c.kind}`;
  const counts = tally.get(kind) ?? new Map<number, number>();
  counts.set(res.status, (counts.get(res.status) ?? 0) + 1);
  tally.set(kind, counts);
  const what = `${res.status} ${res.bytes.subarray(0, 300).toString('utf8')}`;
  if (!ALLOWED.has(res.status)) throw new Error(`answered ${what}`);
  if (res.status === 200) {
    if (!Array.isArray(res.body?.outputs)) throw new Error(`200 without outputs: ${what}`);
  } else if (typeof res.body?.error !== 'string' || res.body.error === '') {
    throw new Error(`${res.status} without an error message: ${what}`);
  }
}

const settings = (offset: number) => ({ seed: SEED + offset, numRuns: RUNS, endOnFailure: true });
const bytesOf = (t: TensorInfo) => (isV2Datatype(t.datatype) ? elementSize(t.datatype) : 1);

describe('V2 inference fuzzing (fast-check, real runtime processes)', () => {
  let before: Array<{ peak: number; rss: number }>;
  beforeAll(async () => {
    before = await Promise.all(targets.map((t) => memory(t.runtime.proc.pid!)));
  });

  it.each([0, 1])('JSON bodies: 200 or 4xx, never 5xx (target %i)', async (i) => {
    const t = targets[i];
    await fc.assert(fc.asyncProperty(jsonCases(t.inputs, t.outputs), (c) => check(t, c)), settings(i));
  });

  it.each([0, 1])('binary tensor extension: 200 or 4xx, never 5xx (target %i)', async (i) => {
    const t = targets[i];
    await fc.assert(fc.asyncProperty(binaryCases(t.inputs, (d) => bytesOf({ name: '', datatype: d, shape: [] })), (c) => check(t, c)), settings(10 + i));
  });

  it('arbitrary bytes, with and without a header length: 4xx', async () => {
    const t = targets[0];
    const junk = fc.record({ body: fc.oneof(fc.uint8Array({ maxLength: 512 }), fc.string({ maxLength: 256 }).map((s) => new TextEncoder().encode(s))), header: fc.option(fc.nat({ max: 600 }).map(String), { nil: undefined }) });
    await fc.assert(
      fc.asyncProperty(junk, ({ body, header }) => check(t, v2Case('arbitrary bytes', Buffer.from(body), header === undefined ? {} : { 'inference-header-content-length': header }))),
      settings(20),
    );
  });

  it('refuses a body declared larger than the limit before reading it (413), without allocating it', async () => {
    const t = targets[1];
    const { port } = new URL(t.runtime.url);
    for (const declared of [MAX_BODY + 1, 8 * 1024 ** 3, 2 ** 53]) {
      const head = await rawRequest(Number(port), `POST /v2/models/${t.model}/infer HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${declared}\r\n\r\n{"inputs":[`);
      expect(head, `declared ${declared}`).toMatch(/^HTTP\/1\.1 413 /);
    }
    const after = await memory(t.runtime.proc.pid!);
    expect(after.peak - before[1].peak, 'peak RSS growth in bytes').toBeLessThan(64 * 1024 * 1024);
  });

  it('leaves every runtime up, ready and within its memory bound', async () => {
    const lines: string[] = [];
    for (const [i, t] of targets.entries()) {
      expect(t.runtime.proc.exitCode, `${t.model} exited`).toBeNull();
      expect((await v2Call(t.runtime.url, 'GET', '/v2/health/ready')).status).toBe(200);
      const after = await memory(t.runtime.proc.pid!);
      lines.push(`${t.model}: peak RSS ${mib(before[i].peak)} -> ${mib(after.peak)} MiB, RSS now ${mib(after.rss)} MiB`);
      expect(after.peak - before[i].peak, `${t.model}: peak RSS growth in bytes`).toBeLessThan(PEAK_GROWTH_LIMIT);
    }
    const rows = [...tally].map(([kind, counts]) => `  ${String([...counts.values()].reduce((a, b) => a + b, 0)).padStart(5)}  ${kind.padEnd(28)} ${JSON.stringify(Object.fromEntries(counts))}`);
    const total = [...tally.values()].flatMap((c) => [...c.values()]).reduce((a, b) => a + b, 0);
    console.log(`V2 fuzz (seed ${SEED}, ${RUNS} runs per property): ${total} requests, 0 answers outside 200/4xx\n${rows.join('\n')}\n${lines.join('\n')}`);
  });
});

const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);

/** Sends a raw request head (and the start of a body) and resolves with the first response line. */
function rawRequest(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    let got = '';
    socket.on('data', (d: Buffer) => {
      got += d.toString('latin1');
      if (got.includes('\r\n')) {
        socket.destroy();
        resolve(got.slice(0, got.indexOf('\r\n')));
      }
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(got));
  });
}
