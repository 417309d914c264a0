import { createHash } from 'node:crypto';
import type { EndpointRef } from '../../serving-driver.js';
import { LABEL, MANAGED_BY, dnsLabel, labelValue } from '../k8s-names.js';

/** Labels and annotations of an endpoint's objects, on top of the shared ones in k8s-names.ts. */
export const SERVING_LABEL = {
  endpoint: 'beamline.dev/endpoint',
  /** Content hash of the pod template: maps a ReplicaSet back to the Beamline revisions that used it. */
  templateHash: 'beamline.dev/template-hash',
} as const;

export const SERVING_ANNOTATION = {
  endpointId: 'beamline.dev/endpoint-id',
  /** Project and endpoint name as given (label values may have been shortened). */
  project: 'beamline.dev/project',
  endpointName: 'beamline.dev/endpoint-name',
  /** The Beamline revision of the last apply: on the Deployment only, never in the pod template. */
  revision: 'beamline.dev/revision',
  templateHash: 'beamline.dev/template-hash',
  /** JSON {templateHash: revision} of the recent templates, newest last. */
  revisions: 'beamline.dev/revisions',
} as const;

export const RUNTIME_CONTAINER = 'runtime';
export const TOKEN_KEY = 'token';
export const FIELD_MANAGER = 'beamline-controller';

/** Deployment, Service and Secret share one deterministic name, so every write is idempotent. */
export const endpointObjectName = (ref: Pick<EndpointRef, 'project' | 'name'>) => dnsLabel(`ep-${ref.project}-${ref.name}`, 50);
/** The registry token the runtime downloads the model with. */
export const tokenSecretName = (ref: Pick<EndpointRef, 'project' | 'name'>) => `${endpointObjectName(ref)}-token`;
/** The replica token the runtime requires of callers (the API's proxy). */
export const replicaSecretName = (ref: Pick<EndpointRef, 'project' | 'name'>) => `${endpointObjectName(ref)}-replica`;

/** The labels every object of the endpoint carries; also the Deployment's and Service's selector. */
export function endpointLabels(ref: Pick<EndpointRef, 'project' | 'name'>): Record<string, string> {
  return {
    [LABEL.managedBy]: MANAGED_BY,
    [LABEL.project]: labelValue(ref.project),
    [SERVING_LABEL.endpoint]: labelValue(ref.name),
  };
}

/** What the driver's informers list and watch: Beamline's endpoint objects, nothing else. */
export const ENDPOINT_SELECTOR = `${LABEL.managedBy}=${MANAGED_BY},${SERVING_LABEL.endpoint}`;

export const serviceUrl = (ref: Pick<EndpointRef, 'project' | 'name'>, namespace: string, port: number) =>
  `http://${endpointObjectName(ref)}.${namespace}.svc:${port}`;

/** A short stable hash of a JSON-able value (key order as built, which is deterministic). */
export const contentHash = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 12);
