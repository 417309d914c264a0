import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linearModel } from '../helpers/onnx.js';
import { registry } from '../helpers/onnx-registry.js';
import { buildPlatform } from '../helpers/platform-process.js';
import { ChaosCluster } from './chaos-cluster.js';
import { checkEndpoint, type FinalState } from './endpoint-checker.js';
import { EndpointFaultInjector, planEndpointFaults, replicaProcesses, type EndpointFaultResult } from './endpoint-faults.js';
import { EndpointLoad, type EndpointView } from './endpoint-load.js';
import { endpointSummary } from './endpoint-summary.js';
import { seeded, sleep, waitFor } from './fault-injector.js';

/**
 * Issue 19 item 1, endpoints: the same two apis and two controllers on a real PostgreSQL
 * and Redis (ChaosCluster), the local serving driver with real `beamline runtime` replicas.
 * Model `gain` version v computes y = v·x. An endpoint serves version 1 on 2 replicas; while
 * inference loops and a status sampler run, a seeded order of faults: kill -9 of the
 * endpoint controller's leader, kill -9 of an api, PostgreSQL restart, Redis restart, and a
 * rollout to version 2 with a controller killed right after the PATCH. The checker then asks:
 * no 500, only v1 or v2 outputs, Complete on version 2 with 2 ready replicas, never fewer
 * ready replicas than the rollout allows (maxUnavailable 0) outside a dependency restart,
 * and no replica process left after the endpoint is deleted.
 *
 * Replay: CHAOS_SEED=<seed printed below> npx vitest run --project chaos test/chaos/endpoints-chaos.test.ts
 */
const seed = Number(process.env.CHAOS_SEED ?? Math.floor(Math.random() * 1e9));
const log = (line: string) => process.stdout.write(`[endpoint chaos seed=${seed}] ${line}\n`);
const REPLICAS = 2;
const models = '/v1/projects/default/models';
const endpoints = '/v1/projects/default/endpoints';
const path = `${endpoints}/gain`;

let cluster: ChaosCluster;
let passed = false;

beforeAll(async () => {
  buildPlatform();
  cluster = new ChaosCluster(log);
  await cluster.start();
}, 600_000);

afterAll(async () => {
  if (cluster && !passed) {
    await cluster.saveLogs(cluster.home);
    log(`process logs kept in ${cluster.home} (replica logs under endpoints/)`);
  }
  await cluster?.stop();
  // Replicas outlive the platform by design: a failed run must not leave them running in CI.
  if (cluster?.home) for (const p of replicaProcesses(cluster.home)) killGroup(p.pid);
  if (passed) for (const dir of cluster.dirs()) await rm(dir, { recursive: true, force: true });
});

function killGroup(pid: number): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, 'SIGKILL');
    } catch {
      /* gone, or not a group leader */
    }
  }
}

/** Polls the endpoint through the load's reader until `ok`, up to `timeoutMs`; the last view read either way. */
async function until(load: EndpointLoad, ok: (e: EndpointView) => boolean, timeoutMs: number): Promise<EndpointView | undefined> {
  const deadline = Date.now() + timeoutMs;
  let last: EndpointView | undefined;
  while (Date.now() < deadline) {
    last = (await load.read()) ?? last;
    if (last && ok(last)) return last;
    await sleep(500);
  }
  return last;
}

const converged = (version: number) => (e: EndpointView) =>
  e.phase === 'Complete' && e.modelVersion === version && e.goodRevision === e.desiredRevision && e.observed.revision === e.desiredRevision && e.observed.rollout === 'Complete' && e.observed.readyReplicas === REPLICAS;

describe('chaos: an endpoint under faults', () => {
  it('serves only v1 or v2, never 500, keeps its ready replicas, rolls out to v2, leaves no replica behind', async () => {
    const started = Date.now();
    const api = () => cluster.apis()[0].url;
    const auth = { authorization: `Bearer ${cluster.token}`, 'content-type': 'application/json' };
    const load = new EndpointLoad(() => cluster.apis().map((p) => p.url), cluster.token, path, seeded(seed + 2), log);

    // 1. Model `gain`, versions 1 and 2 of one signature; an endpoint on version 1, 2 replicas.
    expect((await fetch(`${api()}${models}`, { method: 'POST', headers: auth, body: JSON.stringify({ name: 'gain' }) })).status).toBe(201);
    const reg = registry(api(), cluster.token);
    for (const v of [1, 2]) expect((await reg.multipart(`${models}/gain/versions`, linearModel([[v]], [0]))).status).toBe(201);
    const body = { name: 'gain', model: 'gain', version: 1, replicas: REPLICAS, progressDeadlineSeconds: 180 };
    expect((await fetch(`${api()}${endpoints}`, { method: 'POST', headers: auth, body: JSON.stringify(body) })).status).toBe(201);
    const first = await until(load, converged(1), 120_000);
    expect(first, `version 1 Complete on ${REPLICAS} replicas; last seen ${JSON.stringify(first)}`).toSatisfy(converged(1));
    // The expectation, checked by a direct call before any fault: version 1 answers x.
    const direct = await load.call('POST', `${path}/infer`, { inputs: [{ name: 'x', shape: [2, 1], datatype: 'FP32', data: [3, 7] }] }, false);
    expect(direct?.body).toMatchObject({ outputs: [{ data: [3, 7] }] });
    log(`version 1 Complete after ${((Date.now() - started) / 1000).toFixed(0)} s`);

    // 2. Load and faults.
    const running = load.run(3);
    const rollout = async () => {
      await waitFor(async () => ((await load.call('PATCH', path, { version: 2 }, false))?.status === 200 ? true : (await sleep(250), false)), 60_000, 'the PATCH to version 2');
    };
    const injector = new EndpointFaultInjector(cluster, seeded(seed + 3), log, rollout);
    const schedule = planEndpointFaults(seeded(seed));
    log(`schedule ${JSON.stringify(schedule)}`);
    const faults: EndpointFaultResult[] = [];
    let final: FinalState | undefined;
    try {
      for (const fault of schedule) {
        await sleep(fault.pauseS * 1000);
        faults.push(await injector.apply(fault.kind));
      }
      await injector.settled();
      // 3. Converged on version 2 within a bounded time, the load still running.
      final = await until(load, converged(2), 150_000);
      await sleep(3000); // a few more samples of the settled endpoint
    } finally {
      load.stop();
      await running;
    }

    // 4. Delete; no replica process may outlive the endpoint (each drains 2 s, is SIGKILLed after 35 s more).
    // 404: an earlier try was carried out although its answer was lost (a network error).
    await waitFor(async () => [202, 404].includes((await load.call('DELETE', path, undefined, false))?.status ?? 0) || (await sleep(250), false), 60_000, 'the DELETE');
    await waitFor(async () => (await load.call('GET', path, undefined, false))?.status === 404 || (await sleep(500), false), 90_000, 'the endpoint gone');
    const leftovers = await waitFor(async () => (replicaProcesses(cluster.home).length === 0 ? [] : (await sleep(500), undefined)), 45_000, 'no replica process').catch(() => replicaProcesses(cluster.home));

    const anomalies = checkEndpoint({ infer: load.record, samples: load.samples, windows: injector.windows, budget: REPLICAS, target: { version: 2, replicas: REPLICAS }, final, leftovers });
    log(endpointSummary({ seed, record: load.record, samples: load.samples, faults, windows: injector.windows, anomalies, durationS: (Date.now() - started) / 1000 }));
    expect(anomalies).toEqual([]);
    expect(load.record.byVersion.v1).toBeGreaterThan(0);
    passed = true;
  }, 600_000);
});
