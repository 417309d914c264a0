import { Injectable } from '@nestjs/common';
import type { TrainingJob } from '../../generated/prisma/client.js';
import type { WorkloadSpec } from '../../cluster/cluster-driver.js';
import { AuthRepository } from '../../common/auth/auth.repository.js';
import { newToken } from '../../common/auth/token.js';
import { PrismaService } from '../../common/database/prisma.service.js';
import { PublicUrl } from '../../common/public-url.js';
import { CheckpointsService } from '../checkpoints/checkpoints.service.js';
import { DatasetMounts } from '../../datasets/dataset-mounts.js';
import { workloadSpecOf } from './workload-spec.js';

/**
 * Every attempt's workers get BEAMLINE_URL and a BEAMLINE_TOKEN of their own: a MEMBER
 * token (kind JOB, which users can neither make nor revoke) of the job's project only,
 * named `job:<id>/a<attempt>`, so the SDK's
 * `log_model` can register with lineage from inside the job. It is revoked as soon as
 * the attempt is no longer Scheduled or Running (finished, cancelled, retried).
 */
@Injectable()
export class JobTokens {
  constructor(
    private readonly auth: AuthRepository,
    private readonly prisma: PrismaService,
    private readonly publicUrl: PublicUrl,
    private readonly checkpoints: CheckpointsService,
    private readonly datasets: DatasetMounts,
  ) {}

  /** The workload of the job's current attempt, its env carrying a fresh token and its checkpoint to resume from. */
  async workloadSpec(job: TrainingJob, projectName: string): Promise<WorkloadSpec> {
    return (await this.workloadSpecs([{ job, projectName }]))[0];
  }

  /** The workloads of a cycle's admitted jobs, in order, their tokens made in one transaction. */
  async workloadSpecs(items: Array<{ job: TrainingJob; projectName: string }>): Promise<WorkloadSpec[]> {
    const specs = items.map(({ job, projectName }) => workloadSpecOf(job, projectName));
    // Lineage (issue 15): each attempt mounts these dataset versions; recorded before the workload exists.
    for (const [i, { job }] of items.entries()) await this.datasets.recordReads(job.id, job.attempt, specs[i].volumes);
    const tokens = items.map(() => newToken());
    await this.auth.createTokens(
      items.map(({ job }, i) => ({
        name: `job:${job.id}/a${job.attempt}`,
        hash: tokens[i].hash,
        prefix: tokens[i].prefix,
        role: 'MEMBER',
        projectIds: [job.projectId],
        kind: 'JOB',
        job: { id: job.id, attempt: job.attempt },
        createdBy: 'system:controller',
      })),
    );
    const url = this.publicUrl.get();
    return Promise.all(
      items.map(async ({ job }, i) => {
        // Platform values win over user env of the same name: the token must be the job's own.
        const { BEAMLINE_TOKEN, ...env } = { ...specs[i].env, BEAMLINE_URL: url, BEAMLINE_TOKEN: tokens[i].token };
        return { ...specs[i], env, secretEnv: { BEAMLINE_TOKEN }, checkpoint: await this.checkpoints.forAttempt(job) };
      }),
    );
  }

  /** One statement per cycle; a token whose attempt is not active any more stops working. */
  async revokeFinished(): Promise<number> {
    return this.prisma.$executeRaw`
      UPDATE api_tokens t SET revoked_at = now()
      WHERE t.revoked_at IS NULL AND t.kind = 'JOB'
        AND NOT EXISTS (
          SELECT 1 FROM training_jobs j
          WHERE j.id = t.job_id AND j.attempt = t.job_attempt AND j.status IN ('Scheduled', 'Running'))`;
  }
}
