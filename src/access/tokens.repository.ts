import { Injectable } from '@nestjs/common';
import type { Prisma } from '../generated/prisma/client.js';
import { PrismaService } from '../common/database/prisma.service.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const select = {
  id: true,
  name: true,
  prefix: true,
  role: true,
  platformAdmin: true,
  scopes: true,
  createdBy: true,
  createdAt: true,
  expiresAt: true,
  lastUsedAt: true,
  revokedAt: true,
  projects: { select: { project: { select: { name: true } } } },
} satisfies Prisma.ApiTokenSelect;
export type TokenRow = Prisma.ApiTokenGetPayload<{ select: typeof select }>;

/** Where a token lives: one project's tokens, or the platform's (platform-admin) tokens. Job tokens are never here. */
export type TokenScopeRef = { projectId: string } | { platform: true };

function whereOf(ref: TokenScopeRef): Prisma.ApiTokenWhereInput {
  return 'platform' in ref ? { kind: 'USER', platformAdmin: true } : { kind: 'USER', platformAdmin: false, projects: { some: { projectId: ref.projectId } } };
}

@Injectable()
export class TokensRepository {
  constructor(private readonly prisma: PrismaService) {}

  list(ref: TokenScopeRef, includeRevoked: boolean): Promise<TokenRow[]> {
    return this.prisma.apiToken.findMany({
      where: { ...whereOf(ref), ...(includeRevoked ? {} : { revokedAt: null }) },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      select,
    });
  }

  async find(ref: TokenScopeRef, id: string): Promise<TokenRow | null> {
    if (!UUID.test(id)) return null;
    return this.prisma.apiToken.findFirst({ where: { ...whereOf(ref), id }, select });
  }

  /** Revokes once; a second revoke keeps the first time. */
  async revoke(ref: TokenScopeRef, id: string, now: Date): Promise<TokenRow | null> {
    if (!UUID.test(id)) return null;
    await this.prisma.apiToken.updateMany({ where: { ...whereOf(ref), id, revokedAt: null }, data: { revokedAt: now } });
    return this.find(ref, id);
  }

  /** The old token stops at `until` unless it already stops sooner. */
  async expireBy(id: string, until: Date): Promise<void> {
    await this.prisma.apiToken.updateMany({ where: { id, OR: [{ expiresAt: null }, { expiresAt: { gt: until } }] }, data: { expiresAt: until } });
  }
}
