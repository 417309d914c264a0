import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { aJob } from '../engine/testing/builders.js';
import { allocationAt, arrivalOrder } from './protocol.js';
import { replay } from './replay.js';
import { GPU_NODE_FILE, loadNodes, loadPods, parsePods, TracePod } from './trace.js';

const pod = (name: string, milli: number, count = 1): TracePod => ({
  name,
  request: milli === 0 ? aJob(name).request() : aJob(name).whole(count).request(),
  milliPerGpu: milli,
  totalMilli: milli * count,
});

describe('arrival order', () => {
  const pods = [pod('p3', 1000), pod('p1', 1000, 2), pod('p2', 0), pod('p4', 1000)];

  it('keeps every original pod and inflates GPU demand to just under 1.3 x capacity', () => {
    const order = arrivalOrder(pods, 10_000, 42);
    for (const p of pods) expect(order.some((o) => o.name === p.name)).toBe(true);
    const total = order.reduce((t, p) => t + p.totalMilli, 0);
    expect(total).toBeLessThanOrEqual(13_000 + 1000);
    expect(total).toBeGreaterThan(13_000 - 2000);
    // Copies come after the originals.
    expect(order.slice(0, 4).map((p) => p.name).sort()).toEqual(['p1', 'p2', 'p3', 'p4']);
    expect(order.slice(4).every((p) => p.name.includes('-tuned-'))).toBe(true);
  });

  it('is a function of the seed', () => {
    const names = (seed: number) => arrivalOrder(pods, 10_000, seed).map((p) => p.name);
    expect(names(7)).toEqual(names(7));
    expect(names(7)).not.toEqual(names(8));
  });

  it('drops random pods when the trace asks for more than the target', () => {
    const order = arrivalOrder(pods, 2_000, 1);
    expect(order.reduce((t, p) => t + p.totalMilli, 0)).toBeLessThanOrEqual(2_600);
  });
});

describe('allocationAt', () => {
  it('averages the samples whose arrived ratio rounds to the percent, else widens by one', () => {
    const samples = [
      { arrivedMilli: 990, allocatedMilli: 900 },
      { arrivedMilli: 1004, allocatedMilli: 950 },
      { arrivedMilli: 1280, allocatedMilli: 960 },
    ];
    // 990 arrived rounds to 99 %, 1004 to 100 %.
    expect(allocationAt(samples, 1000, 99)).toBeCloseTo(90);
    expect(allocationAt(samples, 1000, 100)).toBeCloseTo(95);
    expect(allocationAt(samples, 1000, 129)).toBeCloseTo(96);
    expect(allocationAt(samples, 1000, 50)).toBeNaN();
  });
});

describe('trace parsing', () => {
  it('reads shares, whole GPUs, CPU-only pods and product lists', () => {
    const csv = [
      'name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time',
      'a,6000,12288,1,460,,LS,Running,0,1,0',
      'b,12000,24576,2,1000,V100M16|V100M32,LS,Running,0,1,0',
      'c,4000,8192,0,0,,BE,Running,0,1,0',
    ].join('\n');
    expect(parsePods(csv).map((p) => [p.request.gpu, p.request.products, p.totalMilli])).toEqual([
      [{ kind: 'share', milli: 460 }, undefined, 460],
      [{ kind: 'whole', count: 2 }, ['V100M16', 'V100M32'], 2000],
      [{ kind: 'none' }, undefined, 0],
    ]);
  });
});

// The real trace lives outside the repository (../shared/data/alibaba-gpu-v2023 by default).
const traceDir = process.env.BEAMLINE_TRACE_DIR ?? resolve(process.cwd(), '../shared/data/alibaba-gpu-v2023');
const haveTrace = existsSync(join(traceDir, GPU_NODE_FILE));
if (!haveTrace) console.warn(`skipping the trace replay test: no ${GPU_NODE_FILE} in ${traceDir} (set BEAMLINE_TRACE_DIR)`);

describe.skipIf(!haveTrace)('replay on a slice of the Alibaba trace', () => {
  it('inflates to 130 %, never over-commits a device, and reports both sample points', () => {
    // 200 nodes and the first 1,500 pods of the default trace keep this under a second.
    const nodes = loadNodes(traceDir).slice(0, 200);
    const pods = loadPods(traceDir, 'default').slice(0, 1500);
    const capacity = nodes.reduce((t, n) => t + n.gpus.length * 1000, 0);
    const order = arrivalOrder(pods, capacity, 42);
    const demand = order.reduce((t, p) => t + p.totalMilli, 0);
    expect(demand / capacity).toBeGreaterThan(1.28);
    expect(demand / capacity).toBeLessThanOrEqual(1.3 + 8000 / capacity);
    const r = replay(nodes, pods, 'fgd', 42);
    expect(r.overcommitted).toBe(false);
    expect(r.finalAllocPercent).toBeLessThanOrEqual(100);
    expect(r.allocAt100).toBeGreaterThan(50);
    expect(r.allocAt130).toBeGreaterThanOrEqual(r.allocAt100 - 1);
  });
});
