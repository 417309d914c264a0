import { Injectable } from '@nestjs/common';
import { Prisma } from '../generated/prisma/client.js';
import type { Model } from '../generated/prisma/client.js';
import { PrismaService } from '../common/database/prisma.service.js';
import type { ModelSignature } from './signature.js';

/**
 * A version with what its views need: lineage and the aliases pointing at it. Lineage
 * includes the dataset versions its training job mounted (src/datasets records them), read
 * here in the same query so "which data trained production?" costs no extra round trip.
 */
export const VERSION_INCLUDE = {
  trainingJob: {
    select: {
      id: true,
      name: true,
      status: true,
      datasetReads: {
        select: { attempt: true, volume: true, datasetVersion: { select: { version: true, digest: true, uri: true, dataset: { select: { name: true } } } } },
        orderBy: { id: 'asc' },
      },
    },
  },
  aliases: { select: { alias: true }, orderBy: { alias: 'asc' } },
  artifact: { select: { size: true } },
} satisfies Prisma.ModelVersionInclude;
export type VersionRow = Prisma.ModelVersionGetPayload<{ include: typeof VERSION_INCLUDE }>;

export interface NewVersion {
  modelId: string;
  description: string;
  tags: string[];
  metrics: Record<string, number>;
  variables: Prisma.InputJsonValue;
  trainingJobId?: string;
  claimedSha256?: string;
  createdByToken?: string;
  /** Present for a one-step registration (artifact already verified and stored). */
  artifact?: { sha256: string; size: number; signature: ModelSignature };
}

export interface ModelListFilter {
  projectId: string;
  namePrefix?: string;
  tags?: string[];
  limit: number;
  afterName?: string;
}

/** The only place that touches the model-registry tables (aliases: models-alias.repository.ts). */
@Injectable()
export class ModelsRepository {
  constructor(private readonly prisma: PrismaService) {}

  createModel(data: Prisma.ModelUncheckedCreateInput): Promise<Model> {
    return this.prisma.model.create({ data });
  }

  findModel(projectId: string, name: string): Promise<Model | null> {
    return this.prisma.model.findUnique({ where: { projectId_name: { projectId, name } } });
  }

  /** Name order, keyset on the name (unique in a project). Tags: the model has all of them. */
  listModels(filter: ModelListFilter): Promise<Model[]> {
    const name: Prisma.StringFilter = {};
    if (filter.namePrefix) name.startsWith = filter.namePrefix;
    if (filter.afterName) name.gt = filter.afterName;
    const where: Prisma.ModelWhereInput = { projectId: filter.projectId, name };
    if (filter.tags) where.tags = { hasEvery: filter.tags };
    return this.prisma.model.findMany({ where, orderBy: { name: 'asc' }, take: filter.limit });
  }

  updateModel(id: string, data: Prisma.ModelUpdateInput): Promise<Model> {
    return this.prisma.model.update({ where: { id }, data });
  }

  async trainingJobInProject(projectId: string, id: string): Promise<boolean> {
    return (await this.prisma.trainingJob.count({ where: { id, projectId } })) > 0;
  }

  /**
   * One transaction: 1) record the artifact (once per digest); 2) take the next version
   * number by incrementing the model's counter, which row-locks the model until commit,
   * so concurrent registrations queue here and never share a number; 3) insert, with the
   * lineage of a training job's output: its attempt and the last checkpoint it had recorded
   * (issue 15), read in the same transaction so they agree with each other.
   */
  createVersion(input: NewVersion): Promise<VersionRow> {
    return this.prisma.$transaction(async (tx) => {
      const { artifact } = input;
      const job = input.trainingJobId ? await tx.trainingJob.findUnique({ where: { id: input.trainingJobId }, select: { attempt: true } }) : null;
      const checkpoint = input.trainingJobId
        ? await tx.trainingCheckpoint.findFirst({ where: { jobId: input.trainingJobId }, orderBy: { step: 'desc' }, select: { step: true, name: true } })
        : null;
      if (artifact) {
        await tx.modelArtifact.createMany({ data: [{ sha256: artifact.sha256, size: BigInt(artifact.size) }], skipDuplicates: true });
      }
      const model = await tx.model.update({ where: { id: input.modelId }, data: { latestVersion: { increment: 1 } } });
      return tx.modelVersion.create({
        data: {
          modelId: input.modelId,
          version: model.latestVersion,
          status: artifact ? 'Ready' : 'PendingUpload',
          description: input.description,
          tags: input.tags,
          metrics: input.metrics,
          variables: input.variables,
          trainingJobId: input.trainingJobId,
          trainingAttempt: job?.attempt,
          checkpointStep: checkpoint?.step,
          checkpointName: checkpoint?.name,
          claimedSha256: input.claimedSha256,
          createdByToken: input.createdByToken,
          artifactSha256: artifact?.sha256,
          signature: artifact ? (artifact.signature as unknown as Prisma.InputJsonValue) : undefined,
        },
        include: VERSION_INCLUDE,
      });
    });
  }

  /**
   * Attaches a verified artifact to a PendingUpload version. Compare-and-set on the
   * status: undefined when another upload finished first.
   */
  completeUpload(versionId: string, artifact: { sha256: string; size: number; signature: ModelSignature }): Promise<VersionRow | undefined> {
    return this.prisma.$transaction(async (tx) => {
      await tx.modelArtifact.createMany({ data: [{ sha256: artifact.sha256, size: BigInt(artifact.size) }], skipDuplicates: true });
      const updated = await tx.modelVersion.updateMany({
        where: { id: versionId, status: 'PendingUpload' },
        data: { status: 'Ready', artifactSha256: artifact.sha256, signature: artifact.signature as unknown as Prisma.InputJsonValue },
      });
      if (updated.count === 0) return undefined;
      return (await tx.modelVersion.findUnique({ where: { id: versionId }, include: VERSION_INCLUDE })) ?? undefined;
    });
  }

  findVersion(modelId: string, version: number): Promise<VersionRow | null> {
    return this.prisma.modelVersion.findUnique({ where: { modelId_version: { modelId, version } }, include: VERSION_INCLUDE });
  }

  findLatestReady(modelId: string): Promise<VersionRow | null> {
    return this.prisma.modelVersion.findFirst({ where: { modelId, status: 'Ready' }, orderBy: { version: 'desc' }, include: VERSION_INCLUDE });
  }

  async findByAlias(modelId: string, alias: string): Promise<VersionRow | null> {
    const row = await this.prisma.modelAlias.findUnique({
      where: { modelId_alias: { modelId, alias } },
      include: { version: { include: VERSION_INCLUDE } },
    });
    return row?.version ?? null;
  }

  listVersions(modelId: string, filter: { status?: 'PendingUpload' | 'Ready'; tags?: string[]; before?: number; limit: number }): Promise<VersionRow[]> {
    const where: Prisma.ModelVersionWhereInput = { modelId };
    if (filter.status) where.status = filter.status;
    if (filter.tags) where.tags = { hasEvery: filter.tags };
    if (filter.before) where.version = { lt: filter.before };
    return this.prisma.modelVersion.findMany({ where, orderBy: { version: 'desc' }, take: filter.limit, include: VERSION_INCLUDE });
  }

  updateVersion(id: string, data: Prisma.ModelVersionUpdateInput): Promise<VersionRow> {
    return this.prisma.modelVersion.update({ where: { id }, data, include: VERSION_INCLUDE });
  }

  /**
   * Deletes a version unless an alias points at it (returns their names). The alias FK
   * is RESTRICT, so an alias set concurrently still makes the delete fail (P2003).
   */
  async deleteVersion(id: string): Promise<{ deleted: true } | { deleted: false; aliases: string[] }> {
    return this.prisma.$transaction(async (tx) => {
      const aliases = await tx.modelAlias.findMany({ where: { versionId: id }, select: { alias: true }, orderBy: { alias: 'asc' } });
      if (aliases.length > 0) return { deleted: false as const, aliases: aliases.map((a) => a.alias) };
      await tx.modelVersion.delete({ where: { id } });
      return { deleted: true as const };
    });
  }

  /** Lineage: the versions a training job produced, newest first. */
  versionsProducedBy(trainingJobId: string): Promise<Array<VersionRow & { model: { name: string } }>> {
    return this.prisma.modelVersion.findMany({
      where: { trainingJobId },
      orderBy: { createdAt: 'desc' },
      include: { ...VERSION_INCLUDE, model: { select: { name: true } } },
    });
  }
}

export function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}

export function isForeignKeyViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2003';
}
