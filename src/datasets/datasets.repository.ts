import { Injectable } from '@nestjs/common';
import { Prisma } from '../generated/prisma/client.js';
import type { Dataset } from '../generated/prisma/client.js';
import { PrismaService } from '../common/database/prisma.service.js';

/** A version with the lineage its view shows: the job attempts that mounted it. */
export const DATASET_VERSION_INCLUDE = {
  reads: {
    select: { attempt: true, volume: true, trainingJob: { select: { id: true, name: true, status: true } } },
    orderBy: { id: 'asc' },
  },
} satisfies Prisma.DatasetVersionInclude;
export type DatasetVersionRow = Prisma.DatasetVersionGetPayload<{ include: typeof DATASET_VERSION_INCLUDE }>;

export interface NewDatasetVersion {
  datasetId: string;
  kind: 'archive' | 'pvc' | 's3';
  uri: string;
  description: string;
  sizeBytes: number | null;
  fileCount: number | null;
  digest: string | null;
  digestNote: string | null;
  archiveSha256?: string;
  createdByToken?: string;
}

/** The only place that touches the dataset tables. */
@Injectable()
export class DatasetsRepository {
  constructor(private readonly prisma: PrismaService) {}

  createDataset(data: Prisma.DatasetUncheckedCreateInput): Promise<Dataset> {
    return this.prisma.dataset.create({ data });
  }

  findDataset(projectId: string, name: string): Promise<Dataset | null> {
    return this.prisma.dataset.findUnique({ where: { projectId_name: { projectId, name } } });
  }

  listDatasets(projectId: string, filter: { namePrefix?: string; afterName?: string; limit: number }): Promise<Dataset[]> {
    const name: Prisma.StringFilter = {};
    if (filter.namePrefix) name.startsWith = filter.namePrefix;
    if (filter.afterName) name.gt = filter.afterName;
    return this.prisma.dataset.findMany({ where: { projectId, name }, orderBy: { name: 'asc' }, take: filter.limit });
  }

  /**
   * As for models: incrementing the counter row-locks the dataset, so concurrent versions never
   * share a number. A version with an archive holds its sha256's lock (lockCopy) while
   * `placeCopy` moves the unpacked copy into place and the row is inserted (dataset-copies.ts).
   */
  createVersion(input: NewDatasetVersion, placeCopy?: () => Promise<void>): Promise<DatasetVersionRow> {
    return this.prisma.$transaction(async (tx) => {
      if (input.archiveSha256) await lockCopy(tx, input.archiveSha256);
      await placeCopy?.();
      const dataset = await tx.dataset.update({ where: { id: input.datasetId }, data: { latestVersion: { increment: 1 } } });
      const { sizeBytes, ...rest } = input;
      return tx.datasetVersion.create({
        data: { ...rest, version: dataset.latestVersion, sizeBytes: sizeBytes === null ? null : BigInt(sizeBytes) },
        include: DATASET_VERSION_INCLUDE,
      });
    }, COPY_TX);
  }

  /** Under the sha256's lock: calls `remove` when no version references the archive, and answers what it answers (false: kept). */
  releaseCopy(archiveSha256: string, remove: () => Promise<boolean>): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      await lockCopy(tx, archiveSha256);
      if ((await tx.datasetVersion.count({ where: { archiveSha256 } })) > 0) return false;
      return remove();
    }, COPY_TX);
  }

  findVersion(datasetId: string, version: number): Promise<DatasetVersionRow | null> {
    return this.prisma.datasetVersion.findUnique({ where: { datasetId_version: { datasetId, version } }, include: DATASET_VERSION_INCLUDE });
  }

  listVersions(datasetId: string, filter: { before?: number; limit: number }): Promise<DatasetVersionRow[]> {
    const where: Prisma.DatasetVersionWhereInput = { datasetId };
    if (filter.before) where.version = { lt: filter.before };
    return this.prisma.datasetVersion.findMany({ where, orderBy: { version: 'desc' }, take: filter.limit, include: DATASET_VERSION_INCLUDE });
  }

  /**
   * Deletes a version no training job names (in its volumes, whatever its status: a Failed
   * job may be resumed) and none read. The reads FK is RESTRICT, so a read recorded
   * concurrently still makes the delete fail (P2003).
   */
  async deleteVersion(id: string): Promise<{ deleted: true } | { deleted: false; jobs: string[] }> {
    return this.prisma.$transaction(async (tx) => {
      const naming = await tx.trainingJob.findMany({
        where: { volumes: { array_contains: [{ dataset: { versionId: id } }] } },
        select: { name: true },
        take: 10,
      });
      const read = await tx.datasetRead.findMany({ where: { datasetVersionId: id }, select: { trainingJob: { select: { name: true } } }, take: 10 });
      const jobs = [...new Set([...naming.map((j) => j.name), ...read.map((r) => r.trainingJob.name)])];
      if (jobs.length > 0) return { deleted: false as const, jobs };
      await tx.datasetVersion.delete({ where: { id } });
      return { deleted: true as const };
    });
  }

  /** Lineage, written for every attempt a driver is asked to create; a repeat changes nothing. */
  async recordReads(trainingJobId: string, attempt: number, reads: Array<{ versionId: string; volume: string }>): Promise<void> {
    if (reads.length === 0) return;
    await this.prisma.datasetRead.createMany({
      data: reads.map((r) => ({ datasetVersionId: r.versionId, trainingJobId, attempt, volume: r.volume })),
      skipDuplicates: true,
    });
  }

  /** What a job read, oldest first. */
  readsOf(trainingJobId: string) {
    return this.prisma.datasetRead.findMany({
      where: { trainingJobId },
      orderBy: { id: 'asc' },
      select: { attempt: true, volume: true, datasetVersion: { select: { version: true, digest: true, uri: true, dataset: { select: { name: true } } } } },
    });
  }
}

/** Moving or removing a large tree may take a while, and the other side may wait for the lock meanwhile. */
const COPY_TX = { timeout: 120_000 };

/** The transaction-scoped advisory lock of one unpacked copy (its 64-bit key hashed from the sha256). */
async function lockCopy(tx: Prisma.TransactionClient, archiveSha256: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`dataset-copy:${archiveSha256}`}, 0))`;
}

export function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}

export function isForeignKeyViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2003';
}
