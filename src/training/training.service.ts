import { createHash } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import type { TrainingJob } from '../generated/prisma/client.js';
import type { Principal, ProjectRef } from '../common/auth/principal.js';
import { AppError, ErrorCode } from '../common/errors/app-error.js';
import { parseOrThrow } from '../common/validation/zod.js';
import { ModelLineage } from '../models/models.lineage.js';
import { DatasetMounts } from '../datasets/dataset-mounts.js';
import { transition, type TrainingAction, type TrainingStatus } from './training-state.js';
import { idempotencyKeySchema, normaliseResources, type ListTrainingJobs, type SubmitTrainingJob } from './training.dto.js';
import { TrainingQueue } from './training.queue.js';
import { VolumeChecks } from './training-volume-checks.js';
import { toVolumeSpecs } from './training-volumes.js';
import { EtaService } from './eta.service.js';
import { Coalescer } from './coalesce.js';
import { ClusterOffersReader } from './offers/cluster-offers.store.js';
import { isUniqueViolation, TrainingRepository, type SchedulingFields } from './training.repository.js';
import { decodeCursor, encodeCursor, toEventView, toJobView, UUID, type TrainingJobView } from './training.view.js';

@Injectable()
export class TrainingService {
  private readonly logger = new Logger(TrainingService.name);

  constructor(
    private readonly jobs: TrainingRepository,
    private readonly queue: TrainingQueue,
    private readonly lineage: ModelLineage,
    private readonly offers: ClusterOffersReader,
    private readonly eta: EtaService,
    private readonly volumeChecks: VolumeChecks,
    private readonly datasets: DatasetMounts,
  ) {}

  /**
   * 1) with an Idempotency-Key, a job already created under it is returned (same body)
   *    or refused (different body); 2) the row and its first event are written;
   * 3) the admission trigger is enqueued best-effort: the record is what counts.
   */
  async submit(
    project: ProjectRef,
    principal: Principal,
    body: SubmitTrainingJob,
    rawKey: string | undefined,
  ): Promise<{ job: TrainingJobView; created: boolean }> {
    const key = rawKey === undefined ? undefined : parseOrThrow(idempotencyKeySchema, rawKey, 'header:Idempotency-Key');
    const requestHash = createHash('sha256').update(JSON.stringify(body)).digest('hex');
    if (key) {
      const replay = await this.replay(project, key, requestHash);
      if (replay) return { job: replay, created: false };
    }
    await this.checkQueue(project, body.queue);
    // A fraction or MIG profile no node can ever serve is refused now, not left Queued (issue 20).
    await this.offers.check(normaliseResources(body.resources).gpu);
    const volumes = await this.volumeChecks.check(project, toVolumeSpecs(body.volumes, body.workers));
    let job: TrainingJob;
    try {
      const { resources, topology, volumes: _asSubmitted, ...rest } = body;
      job = await this.jobs.create({
        ...rest,
        volumes,
        resources: normaliseResources(resources, topology),
        projectId: project.id,
        idempotencyKey: key,
        requestHash,
        createdByToken: principal.tokenId,
        submittedBy: principal.name,
      });
    } catch (error) {
      // Two retries raced with the same key: the loser answers with the winner's job.
      const replay = key && isUniqueViolation(error) ? await this.replay(project, key, requestHash) : undefined;
      if (replay) return { job: replay, created: false };
      throw error;
    }
    await this.queue.enqueue(job.id);
    return { job: toJobView(job, project.name), created: true };
  }

  /** A project with queues accepts only their names; one without keeps the open queue for any name. */
  private async checkQueue(project: ProjectRef, queue: string): Promise<void> {
    const names = await this.jobs.projectQueueNames(project.id);
    if (names.length === 0 || names.includes(queue)) return;
    throw AppError.validation([{ field: 'queue', message: `project '${project.name}' has no queue '${queue}'; its queues: ${names.join(', ')}` }]);
  }

  private async replay(project: ProjectRef, key: string, requestHash: string): Promise<TrainingJobView | undefined> {
    const existing = await this.jobs.findByIdempotencyKey(project.id, key);
    if (!existing) return undefined;
    if (existing.requestHash !== requestHash) {
      throw new AppError(ErrorCode.Conflict, 'This Idempotency-Key was already used for a different request body', [
        { field: 'header:Idempotency-Key', message: 'reused with a different body' },
      ]);
    }
    return toJobView(existing, project.name);
  }

  async list(project: ProjectRef, query: ListTrainingJobs) {
    let after: { createdAt: Date; id: string } | undefined;
    if (query.cursor) {
      after = decodeCursor(query.cursor);
      if (!after) throw AppError.validation([{ field: 'cursor', message: 'not a cursor returned by this API' }]);
    }
    const rows = await this.jobs.list({
      projectId: project.id,
      statuses: query.status,
      queue: query.queue,
      namePrefix: query.namePrefix,
      submittedBy: query.submittedBy,
      limit: query.limit + 1,
      after,
    });
    const page = rows.slice(0, query.limit);
    const nextCursor = rows.length > query.limit ? encodeCursor(page[page.length - 1]) : null;
    return { items: page.map((job) => toJobView(job, project.name)), nextCursor };
  }

  /**
   * One job, with its lineage (the model versions it produced, from the registry; the dataset
   * versions its attempts mounted) and, while Queued, its place in its queue and a rough start estimate.
   */
  async get(project: ProjectRef, id: string) {
    const job = await this.load(project, id);
    const queuePosition = job.status === 'Queued' ? await this.jobs.queuePosition(job) : null;
    const estimatedStartAt = (await this.eta.estimate(job))?.toISOString() ?? null;
    const [modelVersions, datasets] = await Promise.all([this.lineage.versionsProducedBy(job.id), this.datasets.readBy(job.id)]);
    return { ...toJobView(job, project.name), queuePosition, estimatedStartAt, modelVersions, datasets };
  }

  async events(project: ProjectRef, id: string) {
    const job = await this.load(project, id);
    return { items: (await this.jobs.events(job.id)).map(toEventView) };
  }

  async cancel(project: ProjectRef, id: string): Promise<TrainingJobView> {
    const job = await this.load(project, id);
    const updated = await this.applyAction(job.id, 'cancel', 'cancelled through the API');
    return toJobView(updated, project.name);
  }

  /**
   * A Failed or Cancelled job goes back to its queue as a new attempt, which gets the last
   * complete checkpoint as BEAMLINE_RESUME_FROM. No retry is used and no backoff applies:
   * a person asked for it.
   */
  async resume(project: ProjectRef, id: string): Promise<TrainingJobView> {
    const job = await this.load(project, id);
    const updated = await this.applyAction(job.id, 'resume', 'resumed through the API', (j) => ({
      placement: null,
      scheduledAt: null,
      notBefore: null,
      preemptingSince: null,
      requeues: j.requeues + 1,
    }));
    return toJobView(updated, project.name);
  }

  /**
   * Controller side of the admission trigger. Idempotent: only a Pending job moves,
   * so a duplicate or replayed message changes nothing.
   */
  admit(trainingJobId: string): Promise<'admitted' | 'skipped'> {
    return this.admissions.run(trainingJobId);
  }

  /** Pending → Queued for the admissions that arrived together, in one transaction; a job no longer Pending is skipped. */
  private readonly admissions = new Coalescer<string, 'admitted' | 'skipped'>(async (ids) => {
    const pending = await this.jobs.pendingOf(ids);
    const moved = await this.jobs.changeStatusMany(
      pending.map((job) => ({ id: job.id, from: 'Pending', to: 'Queued', attempt: job.attempt, reason: 'Admitted', message: `waiting in queue '${job.queue}' for the GPU scheduler` })),
    );
    return new Map([...moved.keys()].map((id) => [id, 'admitted' as const]));
  }, 'skipped');

  /**
   * Applies one state-machine action, retrying the compare-and-set if another process moved the job.
   * `cause` (CamelCase, e.g. StartTimeout) names why a job fails or is requeued; see transition().
   */
  async applyAction(
    id: string,
    action: TrainingAction,
    message: string,
    extra?: (job: TrainingJob, to: TrainingStatus) => SchedulingFields,
    cause?: string,
  ): Promise<TrainingJob> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const job = await this.jobs.findById(id);
      if (!job) throw AppError.notFound(`Training job '${id}'`);
      const from = job.status as TrainingStatus;
      const result = transition({ status: from, attempt: job.attempt, maxRetries: job.maxRetries, requeues: job.requeues }, action, cause);
      if (!result.ok) throw new AppError(ErrorCode.IllegalTransition, `Cannot ${action} training job: ${result.error}`);
      const text = result.note ? `${message} (${result.note})` : message;
      const change = { from, to: result.to, attempt: result.attempt, reason: result.reason, message: text, extra: extra?.(job, result.to) };
      const updated = await this.jobs.changeStatus(id, change);
      if (updated) return updated;
    }
    this.logger.error({ id, action }, 'status kept changing under a state transition');
    throw new AppError(ErrorCode.Conflict, 'The job changed concurrently; retry the request');
  }

  /**
   * applyAction for many jobs at once, from rows the caller has just read (a scheduling
   * cycle's decisions, a reconciler pass's starts and finishes): their changes go in one
   * transaction (TrainingRepository.changeStatusMany). A job whose row moved since it was
   * read, or whose read status does not allow the action, goes through applyAction alone,
   * which reads it again. Answers each job's new row, or the error applyAction threw for it.
   */
  async applyActions<J extends Pick<TrainingJob, 'id' | 'status' | 'attempt' | 'maxRetries' | 'requeues'>>(
    action: TrainingAction,
    items: Array<{ job: J; message: string; extra?: (job: J, to: TrainingStatus) => SchedulingFields; cause?: string }>,
  ): Promise<Map<string, TrainingJob | Error>> {
    const changes = items.flatMap(({ job, message, extra, cause }) => {
      const from = job.status as TrainingStatus;
      const result = transition({ status: from, attempt: job.attempt, maxRetries: job.maxRetries, requeues: job.requeues }, action, cause);
      if (!result.ok) return [];
      const text = result.note ? `${message} (${result.note})` : message;
      return [{ id: job.id, from, to: result.to, attempt: result.attempt, reason: result.reason, message: text, extra: extra?.(job, result.to) }];
    });
    const out = new Map<string, TrainingJob | Error>(await this.jobs.changeStatusMany(changes));
    for (const { job, message, extra, cause } of items) {
      if (out.has(job.id)) continue;
      // Read again there: the callback gets the fresh row, which has every field the caller's had.
      out.set(job.id, await this.applyAction(job.id, action, message, extra as ((job: TrainingJob, to: TrainingStatus) => SchedulingFields) | undefined, cause).catch((error: Error) => error));
    }
    return out;
  }

  private async load(project: ProjectRef, id: string): Promise<TrainingJob> {
    const job = UUID.test(id) ? await this.jobs.findInProject(project.id, id) : null;
    if (!job) throw AppError.notFound(`Training job '${id}'`);
    return job;
  }
}
