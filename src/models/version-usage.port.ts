/**
 * The hook through which serving (src/serving) tells the registry that inference
 * endpoints use a model version, so deleting it is refused (409) like an aliased one.
 * Bound to serving's EndpointVersionUsage.
 */
export interface ModelVersionUsage {
  /** Names of the endpoints that serve this version; empty when none. */
  endpointsUsing(versionId: string): Promise<string[]>;
}

export const MODEL_VERSION_USAGE = Symbol('MODEL_VERSION_USAGE');
