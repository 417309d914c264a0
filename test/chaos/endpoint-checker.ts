/** What the inference loops saw: every answer by status, and every 200 whose outputs were neither version's. */
export interface InferRecord {
  operations: number;
  /** HTTP status (or 'network', 'no api up') → count, every call included. */
  statuses: Map<string, number>;
  /** 200s by the version whose outputs they carried. */
  byVersion: { v1: number; v2: number };
  /** 200s whose outputs matched neither version (the first 20). */
  wrong: { at: number; input: number[]; output: unknown }[];
  /** 5xx answers of any call (inference or status), with what was asked (the first 50). */
  serverErrors: { at: number; method: string; path: string; status: number; body: string }[];
}

/** One read of the endpoint's status through an api (GET .../endpoints/<name>), after it first became Complete. */
export interface StatusSample {
  at: number;
  phase: string;
  desiredRevision: number;
  modelVersion: number;
  /** observed.readyReplicas: every ready replica of any revision, what serves. */
  ready: number;
  replicas: number;
}

/** A PostgreSQL or Redis restart, with the grace after it in which the status may lag. */
export interface Window {
  kind: string;
  from: number;
  to: number;
}

/** The endpoint as read once the faults had ended (undefined: it never became readable). */
export interface FinalState {
  phase: string;
  modelVersion: number;
  desiredRevision: number;
  goodRevision: number | null;
  observed: { revision?: number; readyReplicas?: number; rollout?: string };
}

export interface EndpointRun {
  infer: InferRecord;
  samples: StatusSample[];
  windows: Window[];
  /** Ready replicas below this count break the rollout's promise (replicas − maxUnavailable, which is 0). */
  budget: number;
  /** The version the endpoint must end on, and its replica count. */
  target: { version: number; replicas: number };
  final?: FinalState;
  /** Replica processes (supervisors or runtimes) still alive after the endpoint was deleted. */
  leftovers: { pid: number; command: string }[];
}

/**
 * The endpoint checker, from what the load, the sampler and the end of the run recorded:
 *   1. no call was answered 500 (a 503 while a dependency restarts is allowed);
 *   2. every 200 of an inference carried the outputs of version 1 or version 2;
 *   3. after the faults the endpoint is Complete on the target version's revision, that
 *      revision is the good one, and its replicas are all ready;
 *   4. no status sample shows fewer ready replicas than the budget, except inside a
 *      PostgreSQL or Redis restart window (there the status may lag or be unreadable);
 *   5. no replica process outlives the endpoint's deletion.
 * Returns the anomalies in words; none means the run kept every promise.
 */
export function checkEndpoint(run: EndpointRun): string[] {
  const anomalies: string[] = [];
  // 1. No 500.
  for (const e of run.infer.serverErrors.filter((x) => x.status === 500)) anomalies.push(`500 on ${e.method} ${e.path}: ${e.body.slice(0, 120)}`);
  // 2. Only the outputs of a registered version.
  for (const w of run.infer.wrong) anomalies.push(`wrong outputs: input ${JSON.stringify(w.input)} gave ${JSON.stringify(w.output).slice(0, 120)}`);
  // 3. Converged on the target.
  const f = run.final;
  const { version, replicas } = run.target;
  if (!f) anomalies.push('not converged: the endpoint could not be read after the faults');
  else if (
    f.phase !== 'Complete' ||
    f.modelVersion !== version ||
    f.goodRevision !== f.desiredRevision ||
    f.observed.revision !== f.desiredRevision ||
    f.observed.rollout !== 'Complete' ||
    f.observed.readyReplicas !== replicas
  ) {
    anomalies.push(
      `not converged: phase ${f.phase}, version ${f.modelVersion}, revision ${f.desiredRevision} (good ${f.goodRevision}), observed revision ${f.observed.revision} ${f.observed.rollout} with ${f.observed.readyReplicas} of ${replicas} ready`,
    );
  }
  // 4. Availability within the rollout budget, outside dependency restarts.
  for (const s of run.samples) {
    if (s.ready >= run.budget) continue;
    const inside = run.windows.find((w) => s.at >= w.from && s.at <= w.to);
    if (!inside) anomalies.push(`below the rollout budget: ${s.ready} of ${s.replicas} replicas ready (budget ${run.budget}) at ${new Date(s.at).toISOString()}, phase ${s.phase}, revision ${s.desiredRevision}`);
  }
  // 5. No orphan replica.
  for (const p of run.leftovers) anomalies.push(`orphan replica process after the delete: pid ${p.pid} ${p.command.slice(0, 120)}`);
  return anomalies;
}
