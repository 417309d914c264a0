import { Injectable } from '@nestjs/common';
import { AuthRepository } from '../common/auth/auth.repository.js';
import { SCOPES, type Principal, type ProjectRef, type Scope } from '../common/auth/principal.js';
import { newToken } from '../common/auth/token.js';
import { AppError } from '../common/errors/app-error.js';
import type { CreatePlatformToken, CreateToken, ListTokens, RotateToken } from './tokens.dto.js';
import { TokensRepository, type TokenRow, type TokenScopeRef } from './tokens.repository.js';
import { toTokenView } from './tokens.view.js';

/**
 * Project tokens (made by that project's admins) and platform tokens (made by platform
 * admins). The secret is returned once, at creation or rotation; only its hash is kept.
 * Job tokens are minted by the controller (JobTokens) and never pass through here.
 */
@Injectable()
export class TokensService {
  constructor(
    private readonly auth: AuthRepository,
    private readonly tokens: TokensRepository,
  ) {}

  async create(principal: Principal, project: ProjectRef, body: CreateToken, now = new Date()) {
    const scopes = body.scopes ?? [...SCOPES];
    const expiresAt = expiry(now, body.expiresInSeconds);
    const { token, hash, prefix } = newToken();
    const created = await this.auth.createToken({ name: body.name, hash, prefix, role: body.role, projectIds: [project.id], scopes, expiresAt, createdBy: creator(principal) });
    return { id: created.id, name: body.name, role: body.role, project: project.name, scopes, expiresAt: expiresAt?.toISOString() ?? null, token };
  }

  async createPlatform(principal: Principal, body: CreatePlatformToken, now = new Date()) {
    const scopes = body.scopes ?? [...SCOPES];
    const expiresAt = expiry(now, body.expiresInSeconds);
    const { token, hash, prefix } = newToken();
    const created = await this.auth.createToken({ name: body.name, hash, prefix, role: 'ADMIN', platformAdmin: true, projectIds: [], scopes, expiresAt, createdBy: creator(principal) });
    return { id: created.id, name: body.name, role: 'PLATFORM_ADMIN' as const, project: null, scopes, expiresAt: expiresAt?.toISOString() ?? null, token };
  }

  async list(ref: TokenScopeRef, query: ListTokens) {
    return { items: (await this.tokens.list(ref, query.includeRevoked)).map(toTokenView) };
  }

  async revoke(ref: TokenScopeRef, id: string) {
    const row = await this.tokens.revoke(ref, id, new Date());
    if (!row) throw AppError.notFound(`Token '${id}'`);
    return toTokenView(row);
  }

  /**
   * Rotation without downtime: a new token with the same name, role, scopes and lifetime
   * is made now; the old one keeps working for `graceSeconds`, then expires.
   */
  async rotate(principal: Principal, ref: TokenScopeRef, project: ProjectRef | undefined, id: string, body: RotateToken, now = new Date()) {
    const old = await this.tokens.find(ref, id);
    if (!old || old.revokedAt) throw AppError.notFound(`Token '${id}'`);
    if (old.expiresAt && old.expiresAt <= now) throw AppError.notFound(`Token '${id}' (it has expired)`);
    const lifetime = old.expiresAt ? Math.max(60, Math.round((old.expiresAt.getTime() - old.createdAt.getTime()) / 1000)) : undefined;
    const scopes = old.scopes as Scope[];
    const created = project
      ? await this.create(principal, project, { name: old.name, role: old.role, scopes, expiresInSeconds: lifetime }, now)
      : await this.createPlatform(principal, { name: old.name, scopes, expiresInSeconds: lifetime }, now);
    const until = new Date(now.getTime() + body.graceSeconds * 1000);
    await this.tokens.expireBy(old.id, until);
    return { ...created, replaces: { id: old.id, expiresAt: minDate(old.expiresAt, until).toISOString() } };
  }
}

function expiry(now: Date, seconds: number | undefined): Date | null {
  return seconds === undefined ? null : new Date(now.getTime() + seconds * 1000);
}

function minDate(a: Date | null, b: Date): Date {
  return a && a < b ? a : b;
}

/** Who made a token, as the audit log names actors: `token:<id>` or `user:<id>`. */
function creator(principal: Principal): string {
  return `${principal.kind}:${principal.id}`;
}

export type { TokenRow };
