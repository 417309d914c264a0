import { Injectable } from '@nestjs/common';
import { PrismaService } from '../../common/database/prisma.service.js';
import { isUniqueViolation } from '../training.repository.js';

/** Where one worker's archive stands: the next chunk's seq, the bytes archived, whether it is complete. */
export interface ArchiveState {
  next: number;
  bytes: number;
  final: boolean;
}

export interface NewLogChunk {
  jobId: string;
  attempt: number;
  worker: number;
  seq: number;
  offset: number;
  size: number;
  sha256: string | null;
  final: boolean;
}

export const EMPTY_ARCHIVE: ArchiveState = { next: 0, bytes: 0, final: false };

/** The only place that touches training_log_chunks (issue 15). */
@Injectable()
export class LogArchiveRepository {
  constructor(private readonly prisma: PrismaService) {}

  async state(jobId: string, attempt: number, worker: number): Promise<ArchiveState> {
    const last = await this.prisma.trainingLogChunk.findFirst({ where: { jobId, attempt, worker }, orderBy: { seq: 'desc' } });
    return last ? { next: last.seq + 1, bytes: Number(last.offset) + last.size, final: last.final } : EMPTY_ARCHIVE;
  }

  /**
   * Appends a chunk. False when its seq is taken: another controller (a leader that has
   * not noticed it lost the lock) archived that part; the caller stops, nothing is doubled.
   */
  async append(chunk: NewLogChunk): Promise<boolean> {
    try {
      await this.prisma.trainingLogChunk.create({ data: { ...chunk, offset: BigInt(chunk.offset) } });
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  /** In order. A row is ~140 bytes: a 1 GiB log in 256 KiB chunks is 4,096 of them. */
  async chunks(jobId: string, attempt: number, worker: number): Promise<Array<{ seq: number; size: number; sha256: string | null }>> {
    return this.prisma.trainingLogChunk.findMany({ where: { jobId, attempt, worker }, orderBy: { seq: 'asc' }, select: { seq: true, size: true, sha256: true } });
  }

  /** `jobId/attempt/worker` of every complete archive among these jobs. */
  async finals(jobIds: string[]): Promise<string[]> {
    if (jobIds.length === 0) return [];
    const rows = await this.prisma.trainingLogChunk.findMany({ where: { jobId: { in: jobIds }, final: true }, select: { jobId: true, attempt: true, worker: true } });
    return rows.map((r) => `${r.jobId}/${r.attempt}/${r.worker}`);
  }

  /**
   * Retention: forgets the chunks of up to `limit` jobs that ended before `before`, and
   * returns the digests they named that nothing else names (no other chunk, no model
   * artifact), which the caller may delete from the store.
   */
  async expire(before: Date, limit: number): Promise<string[]> {
    const jobs = await this.prisma.trainingJob.findMany({
      where: { finishedAt: { lt: before }, status: { in: ['Succeeded', 'Failed', 'Cancelled'] }, logChunks: { some: {} } },
      select: { id: true },
      take: limit,
    });
    if (jobs.length === 0) return [];
    const ids = jobs.map((j) => j.id);
    const named = await this.prisma.trainingLogChunk.findMany({ where: { jobId: { in: ids }, sha256: { not: null } }, select: { sha256: true }, distinct: ['sha256'] });
    await this.prisma.trainingLogChunk.deleteMany({ where: { jobId: { in: ids } } });
    const digests = named.map((n) => n.sha256!);
    const still = new Set([
      ...(await this.prisma.trainingLogChunk.findMany({ where: { sha256: { in: digests } }, select: { sha256: true } })).map((r) => r.sha256!),
      ...(await this.prisma.modelArtifact.findMany({ where: { sha256: { in: digests } }, select: { sha256: true } })).map((r) => r.sha256),
    ]);
    return digests.filter((d) => !still.has(d));
  }
}
