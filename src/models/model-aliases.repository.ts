import { Injectable } from '@nestjs/common';
import type { ModelAliasEvent, Prisma } from '../generated/prisma/client.js';
import { PrismaService } from '../common/database/prisma.service.js';

export interface AliasState {
  alias: string;
  version: number;
  versionId: string;
  protected: boolean;
  updatedAt: Date;
}

/** Called inside the transaction with the alias as it is now (after the lock): throws to refuse. */
export type AliasGuard = (current: AliasState | undefined) => void;

const ALIAS_SELECT = {
  alias: true,
  versionId: true,
  protected: true,
  updatedAt: true,
  version: { select: { version: true } },
} satisfies Prisma.ModelAliasSelect;

type AliasRow = Prisma.ModelAliasGetPayload<{ select: typeof ALIAS_SELECT }>;

const toState = (row: AliasRow): AliasState => ({
  alias: row.alias,
  version: row.version.version,
  versionId: row.versionId,
  protected: row.protected,
  updatedAt: row.updatedAt,
});

/**
 * Aliases and their history. Every change locks the model row first (SELECT ... FOR
 * UPDATE), so changes to one model's aliases are serialised: the guard sees the state
 * that the write replaces, and the history has no gaps or reorderings.
 */
@Injectable()
export class ModelAliasesRepository {
  constructor(private readonly prisma: PrismaService) {}

  async list(modelId: string): Promise<AliasState[]> {
    const rows = await this.prisma.modelAlias.findMany({ where: { modelId }, select: ALIAS_SELECT, orderBy: { alias: 'asc' } });
    return rows.map(toState);
  }

  async find(modelId: string, alias: string): Promise<AliasState | undefined> {
    const row = await this.prisma.modelAlias.findUnique({ where: { modelId_alias: { modelId, alias } }, select: ALIAS_SELECT });
    return row ? toState(row) : undefined;
  }

  async set(
    input: { modelId: string; alias: string; versionId: string; version: number; protected?: boolean; byToken: string | null },
    guard: AliasGuard,
  ): Promise<AliasState> {
    return this.prisma.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT id FROM models WHERE id = ${input.modelId}::uuid FOR UPDATE`;
      const before = await tx.modelAlias.findUnique({ where: { modelId_alias: { modelId: input.modelId, alias: input.alias } }, select: ALIAS_SELECT });
      const current = before ? toState(before) : undefined;
      guard(current);
      const isProtected = input.protected ?? current?.protected ?? false;
      const row = await tx.modelAlias.upsert({
        where: { modelId_alias: { modelId: input.modelId, alias: input.alias } },
        create: { modelId: input.modelId, alias: input.alias, versionId: input.versionId, protected: isProtected, updatedByToken: input.byToken },
        update: { versionId: input.versionId, protected: isProtected, updatedByToken: input.byToken },
        select: ALIAS_SELECT,
      });
      await tx.modelAliasEvent.create({
        data: {
          modelId: input.modelId,
          alias: input.alias,
          fromVersion: current?.version ?? null,
          toVersion: input.version,
          protected: isProtected,
          byToken: input.byToken,
        },
      });
      return toState(row);
    });
  }

  /** Returns false when there was no such alias. */
  async delete(input: { modelId: string; alias: string; byToken: string | null }, guard: AliasGuard): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT id FROM models WHERE id = ${input.modelId}::uuid FOR UPDATE`;
      const before = await tx.modelAlias.findUnique({ where: { modelId_alias: { modelId: input.modelId, alias: input.alias } }, select: ALIAS_SELECT });
      if (!before) return false;
      const current = toState(before);
      guard(current);
      await tx.modelAlias.delete({ where: { modelId_alias: { modelId: input.modelId, alias: input.alias } } });
      await tx.modelAliasEvent.create({
        data: { modelId: input.modelId, alias: input.alias, fromVersion: current.version, toVersion: null, protected: current.protected, byToken: input.byToken },
      });
      return true;
    });
  }

  /** Oldest first; with `at`, only changes up to that instant. */
  history(modelId: string, alias: string, at?: Date): Promise<ModelAliasEvent[]> {
    return this.prisma.modelAliasEvent.findMany({
      where: { modelId, alias, ...(at ? { createdAt: { lte: at } } : {}) },
      orderBy: { id: 'asc' },
    });
  }
}
