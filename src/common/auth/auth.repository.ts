import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { TokenRole } from '../../generated/prisma/enums.js';
import { PrismaService } from '../database/prisma.service.js';
import { SCOPES, type Principal, type ProjectRef, type Scope } from './principal.js';

/** Advisory lock id of the first-start bootstrap ('blbt'). */
const BOOTSTRAP_LOCK = 0x626c6274;

/** A token as the guard needs it: the principal plus what makes it stop working. */
export interface TokenPrincipal extends Principal {
  expiresAt: Date | null;
}

/** What the guard learns from an OIDC access token, already verified. */
export interface UserIdentity {
  issuer: string;
  subject: string;
  email?: string;
  name?: string;
  groups: string[];
  /** When the access token stops being valid (its `exp`). */
  expiresAt?: Date;
}

export interface NewToken {
  name: string;
  hash: string;
  prefix: string;
  role: TokenRole;
  projectIds: string[];
  platformAdmin?: boolean;
  scopes?: Scope[];
  expiresAt?: Date | null;
  kind?: 'USER' | 'JOB';
  job?: { id: string; attempt: number };
  createdBy?: string;
}

@Injectable()
export class AuthRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The token's principal, or undefined when it is unknown or revoked (expiry is the guard's to tell). */
  async findPrincipal(tokenHash: string): Promise<TokenPrincipal | undefined> {
    const token = await this.prisma.apiToken.findUnique({
      where: { tokenHash },
      include: { projects: { select: { projectId: true } } },
    });
    if (!token || token.revokedAt) return undefined;
    return {
      kind: 'token',
      id: token.id,
      tokenId: token.id,
      name: token.name,
      platformAdmin: token.platformAdmin,
      projectRoles: new Map(token.projects.map((p) => [p.projectId, token.role])),
      scopes: new Set(token.scopes.filter((s): s is Scope => (SCOPES as readonly string[]).includes(s))),
      expiresAt: token.expiresAt,
      ...(token.jobId ? { jobId: token.jobId } : {}),
    };
  }

  /**
   * A signed-in person: the users row is created on first sight; their project roles come
   * from the group bindings of the groups in their token (the highest role wins).
   */
  async userPrincipal(identity: UserIdentity, platformAdmin: boolean, now: Date): Promise<Principal> {
    const user = await this.prisma.user.upsert({
      where: { issuer_subject: { issuer: identity.issuer, subject: identity.subject } },
      create: { issuer: identity.issuer, subject: identity.subject, email: identity.email, name: identity.name, groups: identity.groups, lastSeenAt: now },
      update: { email: identity.email, name: identity.name, groups: identity.groups, lastSeenAt: now },
      select: { id: true },
    });
    const bindings = identity.groups.length
      ? await this.prisma.projectGroupBinding.findMany({ where: { group: { in: identity.groups } }, select: { projectId: true, role: true } })
      : [];
    const rank = { VIEWER: 1, MEMBER: 2, ADMIN: 3 } as const;
    const roles = new Map<string, TokenRole>();
    for (const b of bindings) {
      const had = roles.get(b.projectId);
      if (!had || rank[b.role] > rank[had]) roles.set(b.projectId, b.role);
    }
    return {
      kind: 'user',
      id: user.id,
      name: identity.email ?? identity.subject,
      platformAdmin,
      projectRoles: roles,
      scopes: new Set(SCOPES),
    };
  }

  async recordLogin(userId: string, now: Date): Promise<void> {
    await this.prisma.user.update({ where: { id: userId }, data: { lastLoginAt: now } });
  }

  async projectNames(ids: string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.prisma.project.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } });
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  async touchToken(id: string, now: Date): Promise<void> {
    await this.prisma.apiToken.updateMany({ where: { id }, data: { lastUsedAt: now } });
  }

  findProject(name: string): Promise<ProjectRef | null> {
    return this.prisma.project.findUnique({ where: { name }, select: { id: true, name: true } });
  }

  listProjects(principal: Principal) {
    const where = principal.platformAdmin ? {} : { id: { in: [...principal.projectRoles.keys()] } };
    return this.prisma.project.findMany({ where, orderBy: { name: 'asc' }, select: { id: true, name: true, description: true, createdAt: true } });
  }

  async createProject(name: string, description: string) {
    const existing = await this.prisma.project.findUnique({ where: { name } });
    if (existing) return undefined;
    return this.prisma.project.create({ data: { name, description }, select: { id: true, name: true, description: true, createdAt: true } });
  }

  async createToken(input: NewToken): Promise<{ id: string; createdAt: Date }> {
    return this.prisma.apiToken.create({
      data: { ...tokenRow(input), projects: { create: input.projectIds.map((projectId) => ({ projectId })) } },
      select: { id: true, createdAt: true },
    });
  }

  /**
   * Many tokens in one transaction of two inserts (a scheduling cycle's job tokens): one
   * token at a time was a transaction each, the largest part of a cycle at Kueue's scale.
   */
  async createTokens(inputs: NewToken[]): Promise<void> {
    if (inputs.length === 0) return;
    const rows = inputs.map((input) => ({ id: randomUUID(), input }));
    await this.prisma.$transaction([
      this.prisma.apiToken.createMany({ data: rows.map(({ id, input }) => ({ id, ...tokenRow(input) })) }),
      this.prisma.apiTokenProject.createMany({ data: rows.flatMap(({ id, input }) => input.projectIds.map((projectId) => ({ tokenId: id, projectId }))) }),
    ]);
  }

  /**
   * The first-start platform-admin token, made once however many processes boot at the same
   * time (two api replicas of a fresh install): an advisory lock serialises the check and the
   * insert. `whenNone` creates only if no platform admin exists; otherwise a token with this
   * hash is created unless one (even revoked) exists. Resolves to whether it created one.
   */
  async createBootstrapAdmin(token: { name: string; hash: string; prefix: string }, whenNone: boolean): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${BOOTSTRAP_LOCK})`;
      const exists = whenNone
        ? (await tx.apiToken.count({ where: { platformAdmin: true, revokedAt: null } })) > 0
        : (await tx.apiToken.count({ where: { tokenHash: token.hash } })) > 0;
      if (exists) return false;
      await tx.apiToken.create({
        data: { name: token.name, tokenHash: token.hash, prefix: token.prefix, role: 'ADMIN', kind: 'USER', platformAdmin: true, scopes: [...SCOPES] },
      });
      return true;
    });
  }

  async hasPlatformAdminToken(): Promise<boolean> {
    return (await this.prisma.apiToken.count({ where: { platformAdmin: true, revokedAt: null } })) > 0;
  }

  /** Race-free (INSERT ... ON CONFLICT DO NOTHING): Prisma's upsert is not, and replicas bootstrap at the same moment. */
  async ensureProject(name: string): Promise<ProjectRef> {
    await this.prisma.project.createMany({ data: [{ name }], skipDuplicates: true });
    return this.prisma.project.findUniqueOrThrow({ where: { name }, select: { id: true, name: true } });
  }
}

/** The columns of a new token, its project links aside. */
function tokenRow(input: NewToken) {
  return {
    name: input.name,
    tokenHash: input.hash,
    prefix: input.prefix,
    role: input.role,
    kind: input.kind ?? 'USER',
    platformAdmin: input.platformAdmin ?? false,
    scopes: input.scopes ?? [...SCOPES],
    expiresAt: input.expiresAt ?? null,
    jobId: input.job?.id,
    jobAttempt: input.job?.attempt,
    createdBy: input.createdBy,
  };
}
