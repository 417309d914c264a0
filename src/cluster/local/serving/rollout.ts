import type { EndpointObservation } from '../../serving-driver.js';
import type { EndpointState, ReplicaRecord, StoredDeployment } from './endpoint-files.js';

/**
 * The pure part of the local rollout: which replicas to start and stop next, when a
 * revision is done, and what the observation says. LocalEndpoint carries it out.
 */
export type ReplicaPhase = 'Starting' | 'Ready' | 'Stopping' | 'Backoff' | 'CrashLoop';

export interface Replica extends ReplicaRecord {
  phase: ReplicaPhase;
  /** Exits in a row without becoming ready in between. */
  neverReadyExits: number;
  /** When it exited unexpectedly, for the "5 in 5 minutes" rule and the backoff. */
  exitTimes: number[];
  nextStartAt?: number;
  /** After this, a stopping replica is SIGKILLed. */
  stopDeadline?: number;
  /** Readiness probes failed in a row while Ready. */
  probeFailures: number;
  /** Became ready since it was last started. */
  readyOnce: boolean;
  /** How its last unexpected exit ended, for the restart event. */
  lastExit?: string;
}

export interface RolloutPlan {
  start: number;
  stop: Replica[];
}

const RECENT_MS = 5 * 60_000;
const MAX_BACKOFF_MS = 30_000;

/**
 * One step of a rolling update with maxUnavailable 0 (or of a scale): start new
 * replicas up to `replicas + maxSurge`; stop a ready old one only once enough new ones
 * are ready to take its place, and only one at a time (the next when it has exited).
 */
export function planRollout(d: StoredDeployment, target: string, replicas: Replica[], mayStart: boolean): RolloutPlan {
  const active = replicas.filter((r) => r.phase !== 'Stopping');
  const updated = active.filter((r) => r.templateHash === target);
  const old = active.filter((r) => r.templateHash !== target);
  // Old replicas that serve nothing go at once: keeping them protects no availability.
  const stop = old.filter((r) => r.phase !== 'Ready');
  const oldReady = old.filter((r) => r.phase === 'Ready').sort((a, b) => a.revision - b.revision);
  const readyUpdated = updated.filter((r) => r.phase === 'Ready').length;
  const oldDraining = replicas.some((r) => r.phase === 'Stopping' && r.templateHash !== target);
  if (!oldDraining && oldReady.length > Math.max(0, d.replicas - readyUpdated)) stop.push(oldReady[0]);
  // Scaling down: replicas that serve nothing first.
  const excess = updated.length - d.replicas;
  if (excess > 0) stop.push(...[...updated].sort((a, b) => rank(a) - rank(b)).slice(0, excess));
  // maxSurge 0 with maxUnavailable 0 could never move; Kubernetes refuses it, here it means 1.
  const room = d.replicas + Math.max(1, d.maxSurge) - (active.length - stop.length);
  const start = mayStart ? Math.max(0, Math.min(d.replicas - updated.length, room)) : 0;
  return { start, stop };
}

const rank = (r: Replica) => (r.phase === 'Ready' ? 1 : 0);

/** All replicas run the target template and are ready, and nothing else is left (not even draining). */
export function rolloutDone(d: StoredDeployment, target: string, replicas: Replica[]): boolean {
  return replicas.length === d.replicas && replicas.every((r) => r.templateHash === target && r.phase === 'Ready');
}

/** Exponential backoff over the exits of the last 5 minutes: base, 2×base, 4×base… at most 30 s. */
export function restartDelay(base: number, replica: Replica, now: number): number {
  const recent = replica.exitTimes.filter((t) => now - t < RECENT_MS).length;
  return Math.min(MAX_BACKOFF_MS, base * 2 ** Math.max(0, recent - 1));
}

/** `after` exits in a row before ever being ready, or 5 exits within 5 minutes. */
export function crashLooping(replica: Replica, now: number, after: number): boolean {
  return replica.neverReadyExits >= after || replica.exitTimes.filter((t) => now - t < RECENT_MS).length >= 5;
}

/** The ready replicas' base URLs, ordered by replica id: an observation's `upstreams`. */
export function readyUpstreams(replicas: Replica[]): string[] {
  return replicas
    .filter((r) => r.phase === 'Ready')
    .sort((a, b) => (a.id < b.id ? -1 : 1))
    .map((r) => `http://127.0.0.1:${r.port}`);
}

export function observationOf(state: EndpointState, target: string, replicas: Replica[]): EndpointObservation {
  const d = state.deployment;
  const ready = replicas.filter((r) => r.phase === 'Ready').sort((a, b) => (a.id < b.id ? -1 : 1));
  const updated = replicas.filter((r) => r.phase !== 'Stopping' && r.templateHash === target);
  const readyUpdated = updated.filter((r) => r.phase === 'Ready').length;
  const readyByRevision: Record<number, number> = {};
  for (const r of ready) readyByRevision[r.revision] = (readyByRevision[r.revision] ?? 0) + 1;
  const observation: EndpointObservation = {
    endpointId: d.endpointId,
    project: d.project,
    name: d.name,
    revision: d.revision,
    replicas: d.replicas,
    readyReplicas: readyUpdated,
    updatedReplicas: updated.length,
    availableReplicas: ready.length,
    restarts: replicas.reduce((sum, r) => sum + r.restarts, 0),
    rollout: state.failed ? 'Failed' : state.complete ? 'Complete' : 'Progressing',
    readyByRevision,
    upstreams: readyUpstreams(replicas),
  };
  if (state.failed) Object.assign(observation, state.failed);
  else if (!state.complete) {
    observation.reason = 'ReplicaStarting';
    observation.message = `${readyUpdated} of ${d.replicas} replicas of revision ${d.revision} ready`;
  }
  return observation;
}
