import { Injectable } from '@nestjs/common';
import type { TrainingCheckpoint } from '../../generated/prisma/client.js';
import { PrismaService } from '../../common/database/prisma.service.js';

export interface NewCheckpoint {
  jobId: string;
  attempt: number;
  step: number;
  name: string;
  sizeBytes: number;
}

/** The only place that touches training_checkpoints. */
@Injectable()
export class CheckpointsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Records checkpoints (a step written again, by a later attempt, replaces its row) and
   * forgets all but the `keep` highest steps, in one transaction.
   */
  async record(items: NewCheckpoint[], keep: number): Promise<void> {
    if (items.length === 0) return;
    await this.prisma.$transaction(async (tx) => {
      for (const c of items) {
        const data = { attempt: c.attempt, name: c.name, sizeBytes: BigInt(c.sizeBytes), createdAt: new Date() };
        await tx.trainingCheckpoint.upsert({ where: { jobId_step: { jobId: c.jobId, step: c.step } }, create: { ...c, ...data }, update: data });
      }
      for (const jobId of new Set(items.map((c) => c.jobId))) {
        const kept = await tx.trainingCheckpoint.findMany({ where: { jobId }, orderBy: { step: 'desc' }, take: keep, select: { step: true } });
        const lowest = kept[kept.length - 1]?.step;
        if (lowest !== undefined) await tx.trainingCheckpoint.deleteMany({ where: { jobId, step: { lt: lowest } } });
      }
    });
  }

  /** Newest step first. */
  list(jobId: string): Promise<TrainingCheckpoint[]> {
    return this.prisma.trainingCheckpoint.findMany({ where: { jobId }, orderBy: { step: 'desc' } });
  }
}
