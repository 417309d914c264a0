// The workload shape of Kueue's scheduler scale test (kubernetes-sigs/kueue,
// test/performance/scheduler/configs/baseline/generator.yaml), and the statistics the queue
// benchmark prints. Kueue: 5 cohorts × 6 cluster queues, each with a nominal quota of 20 (CPU)
// and a borrowing limit of 100, preemption LowerPriority within a queue and reclaim Any; per
// queue 350 small (1 CPU, 200 ms, priority 50), 100 medium (5, 500 ms, 100) and 50 large
// (20, 1 s, 200) workloads: 15,000 in all over 30 queues.

export interface WorkloadClass {
  name: 'small' | 'medium' | 'large';
  perQueue: number;
  cpu: number;
  runtimeMs: number;
  priority: number;
}

export const CLASSES: WorkloadClass[] = [
  { name: 'small', perQueue: 350, cpu: 1, runtimeMs: 200, priority: 50 },
  { name: 'medium', perQueue: 100, cpu: 5, runtimeMs: 500, priority: 100 },
  { name: 'large', perQueue: 50, cpu: 20, runtimeMs: 1000, priority: 200 },
];
export const QUEUES_PER_COHORT = 6;
export const NOMINAL_CPU = 20;
export const BORROWING_LIMIT_CPU = 100;

/** Kueue's published figures for this shape (rangespec.yaml: the mean of 5 runs). */
export const KUEUE = { wallSeconds: 351.1, workloads: 15_000, avgTimeToAdmitMs: { small: 215_468, medium: 76_768, large: 6_666 } };

export interface Submission {
  queue: string;
  cls: WorkloadClass;
}

/**
 * `workloads` submissions spread over `queues` queues in Kueue's class proportions (7:2:1),
 * interleaved (queue by queue, class by class) as Kueue's generator creates them side by side.
 */
export function submissions(workloads: number, queues: number): Submission[] {
  const perQueue = Math.max(1, Math.round(workloads / queues));
  const total = CLASSES.reduce((n, c) => n + c.perQueue, 0);
  const counts = CLASSES.map((c) => Math.max(1, Math.round((perQueue * c.perQueue) / total)));
  const out: Submission[] = [];
  for (let round = 0; round < Math.max(...counts); round++) {
    for (let q = 0; q < queues; q++) {
      CLASSES.forEach((cls, i) => {
        if (round < counts[i]) out.push({ queue: queueName(q), cls });
      });
    }
  }
  return out;
}

export const queueName = (q: number) => `cq-${String(q).padStart(2, '0')}`;
export const cohortName = (q: number) => `cohort-${Math.floor(q / QUEUES_PER_COHORT)}`;

export function quantile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** One controller cycle as the bench saw it (SchedulingLoop.runOnce, wrapped). */
export interface CycleSample {
  ms: number;
  /** The reconciler's pass just before this cycle (ControllerCycle runs them in turn). */
  reconcileMs: number;
  /** Writing the pending reasons of the jobs left waiting (SchedulingRepository.setPendingReasons). */
  reasonsMs: number;
  /** Reading the Queued window and the jobs holding resources (SchedulingRepository.queued, .active). */
  readMs: number;
  /** Recording the cycle's admissions (TrainingService.applyActions). */
  recordMs: number;
  /** Making the admitted jobs' workload specs, each with a job token (JobTokens.workloadSpecs). */
  specMs: number;
  /** Wall time inside the driver's createWorkload (pod create + bind on the API server) during the cycle. */
  bindMs: number;
  bound: number;
  /** Jobs the cycle left waiting with a reason (at most what SchedulingRepository.queued read). */
  pending: number;
  /** Every Queued job when the cycle ended. */
  queued: number;
}

export function cycleRow(label: string, cycles: CycleSample[]): string[] {
  const ms = cycles.map((c) => c.ms);
  const own = cycles.map((c) => c.ms - c.bindMs - c.reasonsMs);
  const f = (n: number) => (Number.isNaN(n) ? '–' : n.toFixed(0));
  return [label, String(cycles.length), f(quantile(ms, 0.5)), f(quantile(ms, 0.99)), f(Math.max(0, ...ms)), f(quantile(own, 0.5)), f(quantile(own, 0.99)), f(Math.max(0, ...own))];
}
