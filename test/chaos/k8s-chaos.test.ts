import { spawnSync } from 'node:child_process';
import { copyFile, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, startK8sCluster, type K8sCluster } from '../helpers/k8s-cluster.js';
import { createTestNamespace } from '../helpers/k8s-namespace.js';
import { createGpuNodes } from '../helpers/k8s-nodes.js';
import { buildPlatform } from '../helpers/platform-process.js';
import { ChaosCluster } from './chaos-cluster.js';
import { check, jobRows, type JobRow } from './checker.js';
import { seeded, sleep } from './fault-injector.js';
import { checkPods } from './k8s-checker.js';
import { checkK8sEndpoint, convergedOn, K8sEndpoint } from './k8s-endpoint.js';
import { K8sFaultInjector, planK8s, type K8sFaultResult } from './k8s-faults.js';
import { PodLedger } from './k8s-pod-ledger.js';
import { k8sSummary } from './k8s-summary.js';
import { LoadGenerator } from './load-generator.js';

/**
 * Issue 19 item 1 on the Kubernetes driver: two api and two controller processes of the
 * built platform (BEAMLINE_CLUSTER_DRIVER=kubernetes) on a real PostgreSQL and Redis and a
 * real kube-apiserver (its own etcd, kube-controller-manager, KWOK playing the kubelets of
 * three 8-GPU nodes), all started here. The load submits GPU training jobs (Idempotency-Key)
 * through both apis, whose pods KWOK runs for 0.5 to 3 s and then ends with exit 0 (stage
 * beamline-pod-run-for), and cancels one in five. Faults, in a seeded order: kill -9 of the
 * leading controller; kill -9 of the leader right after one of its pods is created and before
 * it is bound; kill -9 of the leader right after a binding is stored and before the job is
 * recorded past Scheduled; kill -9 of an api while a submission is in flight on it; an API
 * server restart (same etcd, same port); PostgreSQL and Redis restarts; Redis FLUSHALL; a
 * partition of the leader from PostgreSQL (its TcpProxy), healed after 3 s; a silent one
 * (packets dropped, nothing reset), healed 3 s after another controller leads; a worker whose
 * container exits 1 (its job retries once); kill -9 of the endpoint controller's leader in the
 * middle of a rollout of an endpoint (2 replicas, placed by kube-scheduler, rolled by the
 * deployment controller). Then the checker: every acknowledged job once and terminal, no two
 * attempts of a job running at once, no pod bound twice, no pod left for a terminal job, never
 * two leaders at once; the endpoint Complete on its last version, never fewer Ready pods than
 * its replicas during the run (maxUnavailable 0), nothing of it left after its deletion.
 *
 * Replay: CHAOS_SEED=<seed> npx vitest run --project chaos test/chaos/k8s-chaos.test.ts
 */
const seed = Number(process.env.CHAOS_SEED ?? Math.floor(Math.random() * 1e9));
const leaderKills = Number(process.env.CHAOS_LEADER_KILLS ?? 1);
const unboundKills = Number(process.env.CHAOS_UNBOUND_KILLS ?? 2);
const boundKills = Number(process.env.CHAOS_BOUND_KILLS ?? 1);
const rolloutKills = Number(process.env.CHAOS_ROLLOUT_KILLS ?? 1);
const log = (line: string) => process.stdout.write(`[k8s-chaos seed=${seed}] ${line}\n`);
const PRODUCT = 'CHAOS-GPU';
const NODES = ['chaos-gpu-1', 'chaos-gpu-2', 'chaos-gpu-3'];

let k8s: K8sCluster;
let kc: KubeConfig;
let namespace: string;
let ledger: PodLedger;
let cluster: ChaosCluster;
let endpoint: K8sEndpoint;
let evidence: string;
let passed = false;
const began = Date.now();

beforeAll(async () => {
  buildPlatform();
  // What the k8s project's global setup does: builds a missing control-plane binary (a no-op when built).
  const built = spawnSync(join(REPO_ROOT, 'scripts/k8s-build.sh'), { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (built.status !== 0) throw new Error(`scripts/k8s-build.sh failed with ${built.status ?? built.signal}`);
  evidence = await mkdtemp(join(tmpdir(), 'k8s-chaos-evidence-'));
  // Beamline binds its own training pods; kube-scheduler places the endpoint's.
  k8s = await startK8sCluster({ log });
  kc = new KubeConfig();
  kc.loadFromFile(k8s.kubeconfig);
  namespace = await createTestNamespace(kc, 'chaos');
  // The GPU nodes carry the nvidia.com/gpu NoSchedule taint: the endpoint's CPU-only replicas go to the CPU node.
  await createGpuNodes(kc, [...NODES.map((name) => ({ name, product: PRODUCT, gpus: 8 })), { name: 'chaos-cpu-1', gpus: 0 }]);
  ledger = new PodLedger(kc, namespace);
  await ledger.start();
  cluster = new ChaosCluster(log, {
    members: [
      ['api-1', 'api'],
      ['api-2', 'api'],
      ['controller-1', 'controller'],
      ['controller-2', 'controller'],
    ],
    env: () => ({
      BEAMLINE_CLUSTER_DRIVER: 'kubernetes',
      KUBECONFIG: k8s.kubeconfig,
      BEAMLINE_K8S_NAMESPACE: namespace,
      BEAMLINE_PUBLIC_URL: 'http://beamline-api.beamline.svc:8080',
      BEAMLINE_RETRY_BACKOFF_MS: '100',
    }),
  });
  await cluster.start();
  endpoint = new K8sEndpoint(cluster, kc, namespace);
  await endpoint.create();
  log(`cluster up after ${Math.round((Date.now() - began) / 1000)} s (control plane ${k8s.startMs} ms)`);
}, 600_000);

afterAll(async () => {
  ledger?.stop();
  const keep = !passed || Boolean(process.env.CHAOS_KEEP); // CHAOS_KEEP=1 keeps a passing run's evidence too
  if (keep && evidence) {
    await cluster?.saveLogs(evidence).catch(() => undefined);
    await writeFile(join(evidence, 'pod-ledger.json'), JSON.stringify([...(ledger?.pods.values() ?? [])].map((p) => ({ ...p, nodes: [...p.nodes] })), null, 1)).catch(() => undefined);
    for (const f of k8s ? await readdir(k8s.dir) : []) if (f.endsWith('.log')) await copyFile(join(k8s.dir, f), join(evidence, f)).catch(() => undefined);
    log(`process logs, control-plane logs and the pod ledger kept in ${evidence}`);
  }
  await cluster?.stop();
  await k8s?.stop();
  if (!keep) for (const dir of [evidence, ...(cluster?.dirs() ?? [])]) await rm(dir, { recursive: true, force: true });
});

/** Until every job is terminal, or nothing has changed for 60 s (then the checker names what is stuck). */
async function settle(db: Awaited<ReturnType<ChaosCluster['database']>>): Promise<void> {
  let last = '';
  let changed = Date.now();
  for (;;) {
    const rows = await jobRows(db);
    if (rows.every((r) => ['Succeeded', 'Failed', 'Cancelled'].includes(r.status))) return;
    const state = rows.map((r) => `${r.id}:${r.status}`).sort().join(',');
    if (state !== last) [last, changed] = [state, Date.now()];
    if (Date.now() - changed > 60_000) return;
    await sleep(1000);
  }
}

describe('chaos on the Kubernetes driver: two apis and two controllers under faults', () => {
  it('keeps every acknowledged job once, never runs two attempts at once, binds no pod twice, leaves no orphan pod', async () => {
    const schedule = planK8s(seeded(seed), leaderKills, unboundKills, boundKills, rolloutKills);
    log(`schedule ${JSON.stringify(schedule)}`);
    log(`replay: CHAOS_SEED=${seed} CHAOS_LEADER_KILLS=${leaderKills} CHAOS_UNBOUND_KILLS=${unboundKills} CHAOS_BOUND_KILLS=${boundKills} CHAOS_ROLLOUT_KILLS=${rolloutKills} npx vitest run --project chaos test/chaos/k8s-chaos.test.ts`);
    const lengths = seeded(seed + 1);
    const load = new LoadGenerator(
      () => cluster.apis().map((p) => p.url),
      cluster.token,
      seeded(seed + 2),
      () => ['python', 'train.py'],
      // KWOK runs the pod for KWOK_RUNTIME, then its container exits 0: the kubelet's part.
      () => ({
        image: 'ghcr.io/lab/train:1.0',
        resources: { cpu: '1', memory: '1Gi', gpu: { count: 1, product: PRODUCT } },
        maxRetries: 1, // a crashed worker (fault crash-worker) gets a second attempt
        env: { KWOK_SIMULATE: 'run-for', KWOK_RUNTIME: `${500 + Math.floor(lengths() * 2500)}ms` },
      }),
    );
    const running = load.run(3);
    const sampling = endpoint.sample();
    const injector = new K8sFaultInjector(cluster, k8s, kc, namespace, ledger, seeded(seed + 3), log, load, endpoint);
    const faults: K8sFaultResult[] = [];
    try {
      for (const fault of schedule) {
        await sleep(fault.pauseS * 1000);
        faults.push(await injector.inject(fault.kind));
      }
      await injector.settled();
      await sleep(2000);
    } finally {
      load.stop();
      await running;
    }
    // The endpoint: Complete on the version it was last given, then deleted whole.
    const final = await endpoint.until(convergedOn(endpoint.version), 120_000);
    endpoint.stopSampling();
    await sampling;
    const left = await endpoint.deleteAndCount();

    const db = await cluster.database();
    try {
      await settle(db);
      const rows = await jobRows(db);
      const jobs = new Map<string, JobRow>(rows.map((r) => [r.id, r]));
      // Pods of finished jobs go within a reconcile or two: wait (bounded) until none is left.
      const deadline = Date.now() + 60_000;
      const trainingPods = async () => (await ledger.list()).filter((p) => p.metadata?.labels?.['beamline.dev/training-job']);
      let podAnomalies = checkPods(ledger.pods.values(), await trainingPods(), jobs);
      while (podAnomalies.length > 0 && Date.now() < deadline) {
        await sleep(1000);
        podAnomalies = checkPods(ledger.pods.values(), await trainingPods(), jobs);
      }
      // The crashed job's pods, phase by phase: attempt 0 Failed, then attempt 1 (or the job
      // cancelled by the load meanwhile; or, rarely, the pod ended Succeeded before KWOK saw the crash label).
      for (const f of faults.filter((x) => x.kind === 'crash-worker' && x.job)) {
        const pods = [...ledger.pods.values()].filter((p) => p.jobId === f.job).map((p) => `${p.name}: ${p.phases.join(' > ')}`);
        log(`crashed worker's job ${f.job}: ${JSON.stringify(jobs.get(f.job!))}; pods ${pods.join('; ')}`);
      }
      // A submission in flight on a killed api: stored before the kill means the dead api had
      // committed it unanswered, and the retry on the other api got the same job (the checker holds it once).
      for (const f of faults.filter((x) => x.kind === 'kill-api')) {
        for (const key of (f.inFlight ?? []).flatMap((r) => /\((chaos-[\d-]+)\)/.exec(r)?.[1] ?? [])) {
          const { rows: stored } = await db.query<{ id: string; created: Date }>('SELECT id, created_at AS created FROM training_jobs WHERE idempotency_key = $1', [key]);
          const when = stored.map((r) => (r.created.getTime() < f.at ? 'before the kill' : `${r.created.getTime() - f.at} ms after the kill`));
          log(`submission in flight on ${f.target} at its kill: ${key} acknowledged as ${load.record.acknowledged.get(key) ?? 'nothing'}, stored ${stored.length} time(s): ${when.join(', ') || '-'}`);
        }
      }
      const anomalies = [
        ...check(load.record, rows, evidence, cluster.home),
        ...podAnomalies,
        ...faults.filter((f) => f.twoLeaders).map((f) => `two leaders at once: another controller led ${f.failoverMs} ms after ${f.target} was cut off silently, before it stopped (${f.stoodDownMs} ms)`),
        ...checkK8sEndpoint({ serverErrors: endpoint.serverErrors, final, version: endpoint.version, samples: endpoint.samples, left }),
      ];
      // Which member each api URL was (a restarted api has a new port): both must have served the load.
      const apiOf = new Map(cluster.members.flatMap((m) => m.history.map((p) => [p.url, m.name] as const)));
      const byApi = new Map<string, number>();
      for (const [url, n] of load.record.byApi) byApi.set(apiOf.get(url) ?? url, (byApi.get(apiOf.get(url) ?? url) ?? 0) + n);
      log(k8sSummary({ seed, record: load.record, byApi, rows, faults, pods: ledger.pods.size, relists: ledger.relists, retries: [...ledger.pods.values()].filter((p) => p.jobId && p.attempt !== '0').length, anomalies, wallS: Math.round((Date.now() - began) / 1000), endpoint: { samples: endpoint.samples.length, minReady: Math.min(...endpoint.samples.map((x) => x.ready)) } }));
      expect(anomalies).toEqual([]);
      expect(load.record.acknowledged.size).toBeGreaterThan(0);
      expect(endpoint.samples.length).toBeGreaterThan(0);
      expect([...byApi.keys()].sort()).toEqual(['api-1', 'api-2']);
      passed = true;
    } finally {
      await db.end();
    }
  }, 900_000);
});
