/** The API's answers as the console reads them (a subset; docs/*.md and /openapi.json have all fields). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Whoami {
  name: string;
  platformAdmin: boolean;
  scopes: string[];
  projects: { name: string; role: 'ADMIN' | 'MEMBER' | 'VIEWER' }[];
}

export interface Job {
  id: string;
  name: string;
  image: string;
  command: string[];
  args: string[];
  env: Record<string, string>;
  resources: unknown;
  workers: number;
  priority: number;
  queue: string;
  maxRetries: number;
  attempt: number;
  restarts: number;
  outputModel: string | null;
  status: string;
  statusReason: string;
  pendingReason: string | null;
  placement: { node: string; gpuIndexes: number[]; gpuMilli?: number; migProfile?: string }[] | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  queuePosition?: number | null;
  submittedBy: string | null;
  /** Queued and no node can ever run it as asked (it fails as Unschedulable after a timeout). */
  unschedulable: boolean;
  unschedulableSince: string | null;
  /** GET one job only: a rough estimate, null when unknown. */
  estimatedStartAt?: string | null;
  preemptedBy: string | null;
  modelVersions?: { model: string; version: number; status: string }[];
}

export interface Checkpoint {
  step: number;
  name: string;
  sizeBytes: number;
  attempt: number;
  at: string;
}

export interface JobEvent {
  id: string;
  from: string | null;
  to: string;
  reason: string;
  message: string;
  at: string;
}

export interface Model {
  name: string;
  description: string;
  tags: string[];
  latestVersion: number;
  aliases?: Record<string, number>;
}

export interface Tensor {
  name: string;
  elementType: string | null;
  shape: (number | string)[] | null;
}

/** LUME-style metadata of one input or output (the registry checks it against the signature). */
export interface Variable {
  description?: string;
  unit?: string;
  default?: number | number[];
  range?: [number, number];
  constant?: boolean;
}

export interface ModelVersion {
  version: number;
  status: string;
  format: string;
  metrics: Record<string, number>;
  artifact: { sha256: string; size: number } | null;
  signature: { inputs: Tensor[]; outputs: Tensor[] } | null;
  /** `{}` for a version registered without variables. */
  variables: { inputs?: Record<string, Variable>; outputs?: Record<string, Variable> };
  aliases: string[];
  trainingJob: { id: string; name: string; status: string } | null;
  createdAt: string;
}

export interface Endpoint {
  name: string;
  model: string;
  follows: string | null;
  modelVersion: number;
  replicas: number;
  desiredRevision: number;
  goodRevision: number | null;
  phase: string;
  reason: string;
  message: string;
  observed: { revision?: number; readyReplicas?: number; rollout?: string };
  ready: boolean;
  inferUrl: string;
  createdAt: string;
}

export interface Revision {
  revision: number;
  modelVersion: number;
  cause: string;
  message: string;
  status: string;
  replicas: number;
  createdAt: string;
  finishedAt: string | null;
}
