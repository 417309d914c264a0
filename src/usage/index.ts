export { endedAttemptRows, heldUsage, HOLDING, UNKNOWN_SUBMITTER } from './usage-ledger.js';
export { attemptUsage, overlapSeconds, workerFlavor, type FlavorUsage, type PlacedWorker } from './usage.js';
