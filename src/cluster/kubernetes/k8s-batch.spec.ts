import { describe, expect, it } from 'vitest';
import type { V1PersistentVolumeClaim, V1Pod, V1Secret, V1Service } from '@kubernetes/client-node';
import type { WorkloadSpec } from '../cluster-driver.js';
import { workloadSpec } from '../testing/workload-spec.js';
import { adaptivePacer, BindConcurrency } from '../../training/scheduling/bind-concurrency.js';
import { createRng } from '../../gpu-scheduler/engine/rng.js';
import { createWorkloadBatch } from './k8s-batch.js';
import { checkpointClaimName } from './k8s-checkpoint-volume.js';
import { podName, serviceName, workloadSelector } from './k8s-names.js';
import type { WorkloadApi } from './k8s-workload-calls.js';

const NS = 'jobs';
const apiError = (code: number, message = `HTTP ${code}`) => Object.assign(new Error(message), { code });

/**
 * A strict fake of the API server calls a batch makes (only WorkloadApi's methods exist;
 * any other property read fails the test). It keeps pods, Services, Secrets and claims as
 * the API server would: a create of an existing name is 409, a binding of a pod that has a
 * node is 409, a Secret's owner must be the live pod's uid, deleting a pod deletes the Secret
 * it owns. `answer(call)` may refuse a call before it is done (`before`) or do it and lose
 * the answer (`after`, as an overloaded server does); `capacity` answers 429 to calls beyond it.
 */
class FakeApiServer {
  readonly pods = new Map<string, { labels: Record<string, string>; uid: string; node?: string }>();
  readonly services = new Map<string, Record<string, string>>();
  readonly secrets = new Map<string, string>();
  readonly claims = new Set<string>();
  /** Every call done, in order: `create pod <name>`, `bind <pod> <node>`, `delete pods <selector>`, … */
  readonly log: string[] = [];
  readonly bindings = new Map<string, string[]>();
  throttles = 0;
  private uids = 0;
  private inFlight = 0;
  capacity = Infinity;
  answer: (call: string) => { before?: Error; after?: Error } | undefined = () => undefined;

  constructor(private readonly random = Math.random) {}

  api(): WorkloadApi {
    const calls: WorkloadApi = {
      createNamespacedPod: ({ body }: { body: V1Pod }) =>
        this.call(`create pod ${body.metadata!.name}`, () => {
          const name = body.metadata!.name!;
          if (this.pods.has(name)) throw apiError(409, 'AlreadyExists');
          const uid = `uid-${++this.uids}`;
          this.pods.set(name, { labels: body.metadata!.labels ?? {}, uid });
          return { ...body, metadata: { ...body.metadata, uid } };
        }),
      readNamespacedPod: ({ name }: { name: string }) =>
        this.call(`read pod ${name}`, () => {
          const pod = this.pods.get(name);
          if (!pod) throw apiError(404, 'NotFound');
          return { metadata: { name, uid: pod.uid, labels: pod.labels }, spec: { containers: [], nodeName: pod.node } };
        }),
      createNamespacedPodBinding: ({ name, body }: { name: string; body: { target: { name: string } } }) =>
        this.call(`bind ${name} ${body.target.name}`, () => {
          const pod = this.pods.get(name);
          if (!pod) throw apiError(404, 'NotFound');
          if (pod.node) throw apiError(409, `pod ${name} is already assigned to node "${pod.node}"`);
          pod.node = body.target.name;
          this.bindings.set(name, [...(this.bindings.get(name) ?? []), pod.node]);
          return {};
        }),
      createNamespacedService: ({ body }: { body: V1Service }) =>
        this.call(`create service ${body.metadata!.name}`, () => {
          if (this.services.has(body.metadata!.name!)) throw apiError(409);
          this.services.set(body.metadata!.name!, body.metadata!.labels ?? {});
          return body;
        }),
      createNamespacedSecret: ({ body }: { body: V1Secret }) =>
        this.call(`create secret ${body.metadata!.name}`, () => {
          const owner = body.metadata!.ownerReferences![0];
          if (this.pods.get(owner.name)?.uid !== owner.uid) throw new Error(`test: the Secret names ${owner.name}/${owner.uid}, not the live pod`);
          if (this.secrets.has(body.metadata!.name!)) throw apiError(409);
          this.secrets.set(body.metadata!.name!, owner.name);
          return body;
        }),
      createNamespacedPersistentVolumeClaim: ({ body }: { body: V1PersistentVolumeClaim }) =>
        this.call(`create claim ${body.metadata!.name}`, () => {
          if (this.claims.has(body.metadata!.name!)) throw apiError(409);
          this.claims.add(body.metadata!.name!);
          return body;
        }),
      readNamespacedPersistentVolumeClaim: ({ name }: { name: string }) =>
        this.call(`read claim ${name}`, () => {
          if (!this.claims.has(name)) throw apiError(404);
          return { metadata: { name } };
        }),
      deleteNamespacedPersistentVolumeClaim: ({ name }: { name: string }) =>
        this.call(`delete claim ${name}`, () => {
          if (!this.claims.delete(name)) throw apiError(404);
          return {};
        }),
      deleteCollectionNamespacedPod: ({ labelSelector }: { labelSelector?: string }) =>
        this.call(`delete pods ${labelSelector}`, () => {
          for (const [name, pod] of this.pods) {
            if (!matches(pod.labels, labelSelector!)) continue;
            this.pods.delete(name);
            for (const [secret, owner] of this.secrets) if (owner === name) this.secrets.delete(secret);
          }
          return {};
        }),
      deleteCollectionNamespacedService: ({ labelSelector }: { labelSelector?: string }) =>
        this.call(`delete services ${labelSelector}`, () => {
          for (const [name, labels] of this.services) if (matches(labels, labelSelector!)) this.services.delete(name);
          return {};
        }),
    } as unknown as WorkloadApi;
    return new Proxy(calls, {
      get: (target, prop) => {
        if (typeof prop === 'string' && !(prop in target) && prop !== 'then') throw new Error(`test: unexpected API call ${prop}`);
        return target[prop as keyof WorkloadApi];
      },
    });
  }

  private async call<T>(what: string, op: () => T): Promise<T> {
    this.inFlight++;
    try {
      await new Promise((r) => setTimeout(r, this.random() * 2)); // calls overlap and finish out of order
      if (this.inFlight > this.capacity) {
        this.throttles++;
        throw apiError(429, 'Too Many Requests');
      }
      const planned = this.answer(what);
      if (planned?.before) throw planned.before;
      const result = op();
      this.log.push(what);
      if (planned?.after) throw planned.after;
      return result;
    } finally {
      this.inFlight--;
    }
  }

  /** Where each pod is bound now, by pod name (unbound pods as ''). */
  placement(): Record<string, string> {
    return Object.fromEntries([...this.pods].map(([name, p]) => [name, p.node ?? '']));
  }
}

function matches(labels: Record<string, string>, selector: string): boolean {
  return selector.split(',').every((term) => {
    const [k, v] = term.split('=');
    return labels[k] === v;
  });
}

/** Where every worker of `specs` should be, by pod name. */
const planned = (specs: WorkloadSpec[]) => Object.fromEntries(specs.flatMap((s) => s.workers.map((w, i) => [podName(s.jobId, s.attempt, i), w.node])));
const noSleep = () => Promise.resolve();
const pacer = (limit = new BindConcurrency()) => adaptivePacer(limit, { sleep: noSleep });
const run = (server: FakeApiServer, specs: WorkloadSpec[], options: Partial<Parameters<typeof createWorkloadBatch>[3]> = {}) =>
  createWorkloadBatch(server.api(), NS, specs, { pacer: pacer(), ...options });
const outcomes = (result: Awaited<ReturnType<typeof createWorkloadBatch>>) => Object.fromEntries(result.map((o) => [o.spec.jobId, o.outcome]));

const single = (jobId: string, node: string) => workloadSpec({ jobId, gpuCount: 1, workers: [{ node, gpuIndexes: [0] }] });
const gang = (jobId: string, nodes: string[], extra: Partial<WorkloadSpec> = {}) => workloadSpec({ jobId, gpuCount: 8, workers: nodes.map((node) => ({ node, gpuIndexes: [0, 1, 2, 3, 4, 5, 6, 7] })), ...extra });
const checkpointed = (jobId: string, node: string) => workloadSpec({ jobId, workers: [{ node, gpuIndexes: [] }], checkpoint: { keep: 2, size: '1Gi', storageClass: 'standard' } });

describe('createWorkloadBatch on a strict fake API server', () => {
  it('creates every object of the cycle before the first binding, then binds every worker once, on its planned node', async () => {
    const server = new FakeApiServer(createRng(1).next);
    const specs = [single('s1', 'n1'), gang('g1', ['n2', 'n3'], { secretEnv: { BEAMLINE_TOKEN: 't' } }), checkpointed('c1', 'n1')];
    const bound: string[] = [];
    const result = await run(server, specs, { onBound: (spec) => bound.push(spec.jobId) });

    expect(outcomes(result)).toEqual({ s1: 'bound', g1: 'bound', c1: 'bound' });
    const firstBind = server.log.findIndex((c) => c.startsWith('bind '));
    const lastCreate = server.log.findLastIndex((c) => c.startsWith('create '));
    expect(lastCreate).toBeLessThan(firstBind);
    expect(server.log.indexOf(`create claim ${checkpointClaimName('c1')}`)).toBeLessThan(server.log.indexOf(`create pod ${podName('c1', 1, 0)}`));
    expect(server.log.indexOf(`create pod ${podName('g1', 1, 0)}`)).toBeLessThan(server.log.indexOf(`create secret ${podName('g1', 1, 0)}-env`));
    expect(server.placement()).toEqual(planned(specs));
    for (const [pod, nodes] of server.bindings) expect(nodes, pod).toHaveLength(1);
    expect(server.services.has(serviceName('g1', 1))).toBe(true);
    expect(bound.sort()).toEqual(['c1', 'g1', 's1']);
    expect(server.log.filter((c) => c.startsWith('delete'))).toEqual([]);
  });

  it('repeated after a restart: what exists counts as made, a pod bound to its node counts as bound, nothing is made or bound twice', async () => {
    const server = new FakeApiServer(createRng(2).next);
    const specs = [single('s1', 'n1'), gang('g1', ['n2', 'n3'], { secretEnv: { BEAMLINE_TOKEN: 't' } }), checkpointed('c1', 'n4')];
    // The first controller got this far: some of everything, the gang's worker 0 bound, worker 1 not.
    const first = await run(server, specs, { pacer: adaptivePacer(new BindConcurrency(), { sleep: noSleep }) });
    expect(outcomes(first)).toEqual({ s1: 'bound', g1: 'bound', c1: 'bound' });
    server.pods.get(podName('g1', 1, 1))!.node = undefined;
    server.bindings.delete(podName('g1', 1, 1));
    const uids = [...server.pods.values()].map((p) => p.uid);

    const again = await run(server, specs);
    expect(outcomes(again)).toEqual({ s1: 'bound', g1: 'bound', c1: 'bound' });
    expect(server.placement()).toEqual(planned(specs));
    for (const [pod, nodes] of server.bindings) expect(nodes, pod).toHaveLength(1);
    expect([...server.pods.values()].map((p) => p.uid)).toEqual(uids); // the same pods: none deleted and made anew
    expect(server.log.filter((c) => c.startsWith('delete'))).toEqual([]);
  });

  it('fails only the workload whose pod is already bound to another node, and deletes that attempt; the others are bound', async () => {
    const server = new FakeApiServer(createRng(3).next);
    const specs = [single('s1', 'n1'), gang('g1', ['n2', 'n3']), single('s2', 'n4')];
    server.pods.set(podName('g1', 1, 1), { labels: { 'app.kubernetes.io/managed-by': 'beamline', 'beamline.dev/training-job': 'g1', 'beamline.dev/attempt': '1' }, uid: 'old', node: 'n9' });

    const result = await run(server, specs);
    expect(outcomes(result)).toEqual({ s1: 'bound', g1: 'failed', s2: 'bound' });
    expect(result[1].outcome === 'failed' && result[1].error.message).toBe(`pod ${podName('g1', 1, 1)} is already bound to n9, not n3`);
    expect(server.log.filter((c) => c.startsWith('delete'))).toEqual([`delete pods ${workloadSelector('g1', 1)}`, `delete services ${workloadSelector('g1', 1)}`]);
    expect(server.placement()).toEqual(planned([specs[0], specs[2]]));
    expect(server.services.size).toBe(0);
  });

  it('in a 429 storm, with some answers lost after the call was done, binds every worker exactly once where planned, and narrows', async () => {
    const rng = createRng(4);
    const server = new FakeApiServer(rng.next);
    server.capacity = 3;
    // Every fifth create and bind is carried out and then answered 429: the retry meets its own pod (409) and its own binding (409, same node).
    let n = 0;
    server.answer = (call) => (/^(create pod|bind) /.test(call) && ++n % 5 === 0 ? { after: apiError(429, 'Too Many Requests') } : undefined);
    const specs = [...Array.from({ length: 24 }, (_, i) => single(`s${i}`, `n${i % 5}`)), gang('g1', ['n5', 'n6', 'n7', 'n8']), gang('g2', ['n9', 'n10'])];
    const limit = new BindConcurrency();
    const sleeps: number[] = [];
    // Backoffs run 20 times faster than in production: the test keeps their order, not their length.
    const result = await createWorkloadBatch(server.api(), NS, specs, { pacer: adaptivePacer(limit, { sleep: (ms) => (sleeps.push(ms), new Promise<void>((r) => setTimeout(r, ms / 20))), random: rng.next }) });

    expect(result.filter((o) => o.outcome !== 'bound')).toEqual([]);
    expect(server.placement()).toEqual(planned(specs));
    expect(server.pods.size).toBe(30);
    for (const [pod, nodes] of server.bindings) expect(nodes, pod).toHaveLength(1);
    expect(server.throttles).toBeGreaterThan(0);
    expect(sleeps.length).toBeGreaterThan(0);
    expect(limit.limit).toBeLessThan(16);
  });

  it('a refusal mid-batch (a quota forbids one worker of a gang) cleans up that gang alone: none of its workers is ever bound', async () => {
    const server = new FakeApiServer(createRng(5).next);
    const specs = [gang('g1', ['n1', 'n2']), gang('g2', ['n3', 'n7', 'n8'], { checkpoint: { keep: 2, size: '1Gi', storageClass: 'standard' } }), gang('g3', ['n4', 'n5']), single('s1', 'n6')];
    server.answer = (call) => (call === `create pod ${podName('g2', 1, 2)}` ? { before: apiError(403, 'exceeded quota: gpus') } : undefined);

    const result = await run(server, specs);
    expect(outcomes(result)).toEqual({ g1: 'bound', g2: 'failed', g3: 'bound', s1: 'bound' });
    const g2Pods = [0, 1, 2].map((i) => podName('g2', 1, i));
    expect(server.log.filter((c) => g2Pods.some((pod) => c.startsWith(`bind ${pod} `)))).toEqual([]);
    expect(server.log.filter((c) => c.startsWith('delete'))).toEqual([
      `delete pods ${workloadSelector('g2', 1)}`,
      `delete services ${workloadSelector('g2', 1)}`,
      `delete claim ${checkpointClaimName('g2')}`,
    ]);
    expect(server.placement()).toEqual(planned([specs[0], specs[2], specs[3]]));
    expect(server.claims.size).toBe(0);
  });

  it('a binding refused mid-gang deletes that gang\'s attempt, its bound workers too; the other workloads keep theirs', async () => {
    const server = new FakeApiServer(createRng(6).next);
    const specs = [single('s1', 'n1'), gang('g1', ['n2', 'n3', 'n4'])];
    server.answer = (call) => (call.startsWith(`bind ${podName('g1', 1, 2)} `) ? { before: apiError(500, 'etcdserver: request timed out') } : undefined);

    const result = await run(server, specs);
    expect(outcomes(result)).toEqual({ s1: 'bound', g1: 'failed' });
    expect(server.placement()).toEqual(planned([specs[0]]));
    expect(server.log.filter((c) => c.startsWith('delete'))).toEqual([`delete pods ${workloadSelector('g1', 1)}`, `delete services ${workloadSelector('g1', 1)}`]);
  });

  it('throttled past the retries: what was made stays for the reconciler, nothing is deleted', async () => {
    const server = new FakeApiServer(createRng(7).next);
    const specs = [single('s1', 'n1'), single('s2', 'n2')];
    server.answer = (call) => (call.startsWith(`bind ${podName('s2', 1, 0)} `) ? { before: apiError(429, 'Too Many Requests') } : undefined);

    const result = await run(server, specs);
    expect(outcomes(result)).toEqual({ s1: 'bound', s2: 'throttled' });
    expect(server.placement()).toEqual({ [podName('s1', 1, 0)]: 'n1', [podName('s2', 1, 0)]: '' });
    expect(server.log.filter((c) => c.startsWith('delete'))).toEqual([]);
    // The reconciler's pass later, once the server lets it: the same batch binds it where planned.
    server.answer = () => undefined;
    expect(outcomes(await run(server, [specs[1]]))).toEqual({ s2: 'bound' });
    expect(server.placement()).toEqual(planned(specs));
  });
});
