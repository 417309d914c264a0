import type { V1Pod } from '@kubernetes/client-node';
import type { JobRow } from './checker.js';
import type { PodRecord } from './k8s-pod-ledger.js';

/**
 * The Kubernetes half of the checker (the database half, acknowledged exactly once and
 * terminal, is checker.ts's `check`), from the pod ledger and a final list of the namespace:
 *   1. no job had pods of two attempts running at once (Running seen, not yet ended);
 *   2. no pod was bound twice: one uid never shows two nodes, and one pod name (job, attempt,
 *      worker) was never bound as two different pods;
 *   3. no pod is left for a terminal job, except the Succeeded attempt's own finished pods,
 *      which the reconciler keeps on purpose (their logs); no pod belongs to no job.
 */
export function checkPods(ledger: Iterable<PodRecord>, finalPods: V1Pod[], jobs: Map<string, JobRow>): string[] {
  const anomalies: string[] = [];
  const records = [...ledger];

  // 1. Two attempts of one job running at once.
  const byJob = new Map<string, PodRecord[]>();
  for (const r of records) if (r.jobId && r.runningAt !== undefined) byJob.set(r.jobId, [...(byJob.get(r.jobId) ?? []), r]);
  for (const [jobId, runs] of byJob) {
    for (const a of runs) {
      for (const b of runs) {
        if (Number(a.attempt) >= Number(b.attempt)) continue;
        const overlap = a.runningAt! < (b.endedAt ?? Infinity) && b.runningAt! < (a.endedAt ?? Infinity);
        if (overlap) anomalies.push(`ran twice at once: job ${jobId} had ${a.name} (attempt ${a.attempt}) and ${b.name} (attempt ${b.attempt}) running together`);
      }
    }
  }

  // 2. Bound twice.
  const boundByName = new Map<string, PodRecord[]>();
  for (const r of records) {
    if (r.nodes.size > 1) anomalies.push(`bound to two nodes: ${r.name} (uid ${r.uid}) on ${[...r.nodes].join(', ')}`);
    if (r.nodes.size > 0) boundByName.set(r.name, [...(boundByName.get(r.name) ?? []), r]);
  }
  for (const [name, bound] of boundByName) {
    if (bound.length > 1) anomalies.push(`bound twice: ${name} was bound as ${bound.length} pods (${bound.map((r) => `${r.uid.slice(0, 8)} on ${[...r.nodes].join('/')}`).join(', ')})`);
  }

  // 3. Orphans.
  for (const pod of finalPods) {
    const jobId = pod.metadata?.annotations?.['beamline.dev/training-job-id'];
    const attempt = Number(pod.metadata?.labels?.['beamline.dev/attempt']);
    const job = jobId ? jobs.get(jobId) : undefined;
    const what = `${pod.metadata?.name} (${pod.status?.phase ?? 'no phase'}${pod.spec?.nodeName ? ` on ${pod.spec.nodeName}` : ', unbound'})`;
    if (!job) anomalies.push(`orphan pod: ${what} names no job of this run (${jobId ?? 'no job annotation'})`);
    else if (!['Succeeded', 'Failed', 'Cancelled'].includes(job.status)) anomalies.push(`pod of an unfinished job: ${what}, job ${job.id} is ${job.status}`);
    else if (job.status !== 'Succeeded' || job.attempt !== attempt) anomalies.push(`orphan pod: ${what} of ${job.status} job ${job.id} (attempt ${job.attempt})`);
    else if (pod.status?.phase !== 'Succeeded') anomalies.push(`kept pod not finished: ${what} of Succeeded job ${job.id}`);
  }
  return anomalies;
}
