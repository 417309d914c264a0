import type { Http } from './http.js';
import type { ApiToken, CreatedToken, GroupBinding, RotatedToken } from './types.js';

const seg = encodeURIComponent;

/**
 * Tokens of the client's project (`bl.tokens`, its ADMINs only) or of the platform
 * (`bl.platformTokens`, platform admins only). The secret is in the answer of `create` and
 * `rotate` only; the platform keeps its hash.
 */
export class Tokens<Spec> {
  constructor(
    private readonly http: Http,
    private readonly base: () => string,
  ) {}

  /** Newest first; revoked tokens only with `includeRevoked`. */
  async list(options: { includeRevoked?: boolean } = {}): Promise<ApiToken[]> {
    const query = { includeRevoked: options.includeRevoked ? 'true' : undefined };
    return (await this.http.json<{ items: ApiToken[] }>('GET', this.base(), { query })).items;
  }

  /** Not retried: a lost answer would leave a token whose secret nobody saw (revoke it by name). */
  create(spec: Spec): Promise<CreatedToken> {
    return this.http.json('POST', this.base(), { json: spec });
  }

  /** Stops the token within a second; revoking twice keeps the first time. */
  revoke(id: string): Promise<ApiToken> {
    return this.http.json('DELETE', `${this.base()}/${seg(id)}`);
  }

  /** A new secret now; the old one keeps working for `graceSeconds` (server default 3600), then expires. */
  rotate(id: string, options: { graceSeconds?: number } = {}): Promise<RotatedToken> {
    return this.http.json('POST', `${this.base()}/${seg(id)}/rotate`, { json: options.graceSeconds === undefined ? {} : { graceSeconds: options.graceSeconds } });
  }
}

/** Which OIDC groups hold which role in the client's project (its ADMINs only). */
export class Groups {
  constructor(
    private readonly http: Http,
    private readonly base: () => string,
  ) {}

  /** In group order. */
  async list(): Promise<GroupBinding[]> {
    return (await this.http.json<{ items: GroupBinding[] }>('GET', this.base())).items;
  }

  /** Gives the group `role` here, replacing the role it had. */
  set(group: string, role: GroupBinding['role']): Promise<GroupBinding> {
    return this.http.json('PUT', `${this.base()}/${seg(group)}`, { json: { role } });
  }

  /** NotFound when the group had no role here. */
  async remove(group: string): Promise<void> {
    await this.http.call('DELETE', `${this.base()}/${seg(group)}`);
  }
}
