import { Injectable } from '@nestjs/common';

/**
 * The hook through which serving (src/serving) tells the registry that inference
 * endpoints use a model version, so deleting it is refused (409) like an aliased one.
 * Serving binds its own implementation to MODEL_VERSION_USAGE when it exists.
 */
export interface ModelVersionUsage {
  /** Names of the endpoints that serve this version; empty when none. */
  endpointsUsing(versionId: string): Promise<string[]>;
}

export const MODEL_VERSION_USAGE = Symbol('MODEL_VERSION_USAGE');

/** Until inference endpoints exist, nothing uses a version. */
@Injectable()
export class NoEndpointsUsage implements ModelVersionUsage {
  async endpointsUsing(): Promise<string[]> {
    return [];
  }
}
