// The engine's public surface: what the scheduling loop and the bench import.
export * from './model.js';
export { schedule, type ScheduleInput } from './schedule.js';
export type { ClusterQueueSpec, ResourceQuota } from './quota.js';
export { ClusterState } from './cluster-state.js';
export { TargetWorkload } from './fragmentation.js';
export { createPolicy, DEFAULT_POLICY, POLICY_NAMES, type Policy, type PolicyName } from './policies/index.js';
export { placeGang, placeWorker } from './placement.js';
export { createRng } from './rng.js';
