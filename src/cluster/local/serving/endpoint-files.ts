import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EndpointDeployment, EndpointTemplate } from '../../serving-driver.js';

/**
 * What survives a controller restart, under <home>/endpoints/<endpointId>/:
 *   state.json              the last apply (with the replica token: 0600) and where its rollout stands
 *   replica-<id>.json       one per replica: pid (of its supervisor), port, revision, template, restarts
 *   replica-<id>.exit       written by the supervisor when the runtime exits
 *   r<revision>-<id>.log    the runtime's stdout and stderr
 */
export type StoredDeployment = Omit<EndpointDeployment, 'runtimeToken'>;

export interface EndpointState {
  deployment: StoredDeployment;
  /** When the current revision (or replica count) was applied: the progress deadline counts from here. */
  progressStartedAt: number;
  /** Sticky once the revision was fully available, like a Deployment's NewReplicaSetAvailable. */
  complete: boolean;
  failed?: { reason: string; message: string };
}

export interface ReplicaRecord {
  id: string;
  revision: number;
  templateHash: string;
  template: EndpointTemplate;
  port: number;
  pid?: number;
  logFile: string;
  restarts: number;
  /** Set once the driver asked it to stop: after a restart it is finished off, not restarted. */
  stopping?: boolean;
  /** Gave up on: it kept exiting before ready; after a restart it stays given up. */
  crashLoop?: boolean;
}

export function recordOf(r: ReplicaRecord): ReplicaRecord {
  const { id, revision, templateHash, template, port, pid, logFile, restarts, stopping, crashLoop } = r;
  return { id, revision, templateHash, template, port, pid, logFile, restarts, stopping, crashLoop };
}

/** Deep equality of templates as one string: JSON with sorted keys, hashed. */
export function templateHash(template: EndpointTemplate): string {
  return createHash('sha256').update(canonical(template)).digest('hex').slice(0, 16);
}

/**
 * What makes replicas interchangeable: the template and the replica token they were started
 * with. A new token (the platform secret changed, or an endpoint from before replica tokens)
 * rolls the replicas like a new template; without a token the hash is the template's.
 */
export function replicaHash(d: Pick<StoredDeployment, 'template' | 'replicaToken'>): string {
  const template = templateHash(d.template);
  if (!d.replicaToken) return template;
  return createHash('sha256').update(`${template}\n${d.replicaToken}`).digest('hex').slice(0, 16);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export const replicaFile = (dir: string, id: string) => join(dir, `replica-${id}.json`);
export const exitFile = (dir: string, id: string) => join(dir, `replica-${id}.exit`);
export const logFile = (dir: string, revision: number, id: string) => join(dir, `r${revision}-${id}.log`);

/** Writes through a temporary file and a rename, so a crash never leaves half a JSON. */
async function writeJson(file: string, value: unknown): Promise<void> {
  // Owner-only: state.json holds the endpoint's replica token.
  await writeFile(`${file}.tmp`, JSON.stringify(value), { mode: 0o600 });
  await rename(`${file}.tmp`, file);
}

export async function saveState(dir: string, state: EndpointState): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeJson(join(dir, 'state.json'), state);
}

export async function saveReplica(dir: string, record: ReplicaRecord): Promise<void> {
  await writeJson(replicaFile(dir, record.id), record);
}

export async function removeReplicaFiles(dir: string, id: string): Promise<void> {
  await rm(replicaFile(dir, id), { force: true });
  await rm(exitFile(dir, id), { force: true });
}

/** Every endpoint folder with its state and replica records (unreadable ones are skipped). */
export async function loadEndpoints(root: string): Promise<Array<{ dir: string; state: EndpointState; replicas: ReplicaRecord[] }>> {
  const found = [];
  for (const name of await readdir(root).catch(() => [] as string[])) {
    const dir = join(root, name);
    const loaded = await loadEndpoint(dir);
    if (loaded) found.push({ dir, ...loaded });
  }
  return found;
}

export async function loadEndpoint(dir: string): Promise<{ state: EndpointState; replicas: ReplicaRecord[] } | undefined> {
  const state = await readJson<EndpointState>(join(dir, 'state.json'));
  if (!state) return undefined;
  const replicas: ReplicaRecord[] = [];
  for (const file of await readdir(dir).catch(() => [] as string[])) {
    if (!/^replica-[^.]+\.json$/.test(file)) continue;
    const record = await readJson<ReplicaRecord>(join(dir, file));
    if (record) replicas.push(record);
  }
  return { state, replicas };
}

async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}
