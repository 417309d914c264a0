import type { TokenRole } from '../../generated/prisma/enums.js';

/** Who is calling: resolved from the bearer token by AuthGuard. */
export interface Principal {
  tokenId: string;
  role: TokenRole;
  /** Project ids the token may touch; ignored for ADMIN, which reaches all. */
  projectIds: ReadonlySet<string>;
}

export interface ProjectRef {
  id: string;
  name: string;
}

/** Express request after AuthGuard and ProjectGuard ran. */
export interface AuthedRequest {
  id?: string;
  principal?: Principal;
  project?: ProjectRef;
}
