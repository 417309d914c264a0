import { Injectable } from '@nestjs/common';
import type { ClusterQueue } from '../generated/prisma/client.js';
import type { Principal, ProjectRef } from '../common/auth/principal.js';
import { AppError, ErrorCode, type FieldProblem } from '../common/errors/app-error.js';
import { DEFAULT_PREEMPTION, normaliseQuota, type CreateClusterQueue, type CreateProjectQueue, type StoredPreemption, type StoredQuota, type UpdateClusterQueue, type UpdateProjectQueue } from './queues.dto.js';
import { requireIfMatch, staleError } from './if-match.js';
import { QueuesRepository, type ProjectQueueRow } from './queues.repository.js';
import { toClusterQueueView, toProjectQueueView, toRevisionView, withStatus } from './queues.view.js';

const hasLimits = (quota: StoredQuota[]): boolean => quota.some((q) => q.borrowingLimit !== undefined || q.lendingLimit !== undefined);

/**
 * Queue CRUD. Cohorts are flat names (a cohort does not belong to another cohort), so a
 * cohort cycle cannot be written; what is checked instead is that limits come with a cohort.
 */
@Injectable()
export class QueuesService {
  constructor(private readonly repo: QueuesRepository) {}

  async listClusterQueues() {
    const [queues, load] = await Promise.all([this.repo.listClusterQueues(), this.repo.load()]);
    return { items: queues.map((q) => withStatus(toClusterQueueView(q), q, load.admitted.get(q.id) ?? [], load.pending.get(q.id) ?? 0)) };
  }

  private async loadCluster(name: string): Promise<ClusterQueue> {
    const q = await this.repo.clusterQueue(name);
    if (!q) throw AppError.notFound(`Cluster queue '${name}'`);
    return q;
  }

  async getClusterQueue(name: string) {
    const q = await this.loadCluster(name);
    const load = await this.repo.load(q.id);
    return withStatus(toClusterQueueView(q), q, load.admitted.get(q.id) ?? [], load.pending.get(q.id) ?? 0);
  }

  async createClusterQueue(body: CreateClusterQueue, principal: Principal) {
    const cohort = body.cohort ?? null;
    const { quota, problems } = normaliseQuota(body.quota ?? [], cohort !== null);
    if (problems.length > 0) throw AppError.validation(problems);
    const preemption = { ...DEFAULT_PREEMPTION, ...body.preemption };
    const data = { name: body.name, cohort, strategy: body.strategy ?? 'BestEffortFIFO', weight: body.weight ?? 1, quota, preemption };
    const q = await this.repo.createClusterQueue(data, toClusterQueueView, principal.tokenId);
    if (!q) throw new AppError(ErrorCode.Conflict, `Cluster queue '${body.name}' already exists`, [{ field: 'name', message: 'already taken' }]);
    return toClusterQueueView(q);
  }

  async updateClusterQueue(name: string, body: UpdateClusterQueue, ifMatch: string | undefined, principal: Principal) {
    const current = await this.loadCluster(name);
    const version = requireIfMatch(ifMatch, current.version);
    const cohort = body.cohort === undefined ? current.cohort : body.cohort;
    const data: Parameters<QueuesRepository['updateClusterQueue']>[2] = {};
    if (body.cohort !== undefined) data.cohort = body.cohort;
    if (body.strategy !== undefined) data.strategy = body.strategy;
    if (body.weight !== undefined) data.weight = body.weight;
    // A partial policy changes only the fields it names.
    if (body.preemption !== undefined) data.preemption = { ...(current.preemption as unknown as StoredPreemption), ...body.preemption };
    const problems: FieldProblem[] = [];
    if (body.quota !== undefined) {
      const normalised = normaliseQuota(body.quota, cohort !== null);
      problems.push(...normalised.problems);
      data.quota = normalised.quota;
    } else if (cohort === null && hasLimits(current.quota as unknown as StoredQuota[])) {
      problems.push({ field: 'cohort', message: 'the quota has borrowing or lending limits, which need a cohort: remove them in the same request' });
    }
    if (problems.length > 0) throw AppError.validation(problems);
    const q = await this.repo.updateClusterQueue(current.id, version, data, toClusterQueueView, principal.tokenId);
    if (!q) throw staleError(version);
    return toClusterQueueView(q);
  }

  /**
   * Refused (409) while jobs of its project queues are waiting or running, unless `drain`:
   * then the waiting ones are cancelled and the running ones finish outside any quota.
   * If-Match is honoured when given (a delete is not an update of fields, so it is optional).
   */
  async deleteClusterQueue(name: string, drain: boolean, ifMatch: string | undefined, principal: Principal) {
    const current = await this.loadCluster(name);
    const version = ifMatch === undefined ? current.version : requireIfMatch(ifMatch, current.version);
    if (!drain) {
      const live = await this.repo.liveJobsOf(current.id);
      if (live > 0) {
        throw new AppError(ErrorCode.Conflict, `Cluster queue '${name}' has ${live} job(s) waiting or running; delete with ?drain=true to cancel the waiting ones and let the running ones finish`, [
          { field: 'query:drain', message: 'jobs use this queue' },
        ]);
      }
    }
    const result = await this.repo.deleteClusterQueue(current, version, drain, toClusterQueueView(current), principal.tokenId);
    if (!result) throw staleError(version);
    return { deleted: name, cancelledJobs: result.cancelled };
  }

  async clusterHistory(name: string) {
    const q = await this.loadCluster(name);
    return { items: (await this.repo.history('cluster', q.id)).map(toRevisionView) };
  }

  async listProjectQueues(project: ProjectRef) {
    return { items: (await this.repo.listProjectQueues(project.id)).map(toProjectQueueView) };
  }

  private async loadProjectQueue(project: ProjectRef, name: string): Promise<ProjectQueueRow> {
    const q = await this.repo.projectQueue(project.id, name);
    if (!q) throw AppError.notFound(`Queue '${name}' of project '${project.name}'`);
    return q;
  }

  async getProjectQueue(project: ProjectRef, name: string) {
    return toProjectQueueView(await this.loadProjectQueue(project, name));
  }

  private async clusterQueueFor(name: string): Promise<ClusterQueue> {
    const target = await this.repo.clusterQueue(name);
    if (!target) throw AppError.validation([{ field: 'clusterQueue', message: `no cluster queue named '${name}'` }]);
    return target;
  }

  async createProjectQueue(project: ProjectRef, body: CreateProjectQueue, principal: Principal) {
    const target = await this.clusterQueueFor(body.clusterQueue);
    const q = await this.repo.createProjectQueue(project.id, body.name, target.id, toProjectQueueView, principal.tokenId);
    if (!q) throw new AppError(ErrorCode.Conflict, `Queue '${body.name}' already exists in project '${project.name}'`, [{ field: 'name', message: 'already taken' }]);
    return toProjectQueueView(q);
  }

  async updateProjectQueue(project: ProjectRef, name: string, body: UpdateProjectQueue, ifMatch: string | undefined, principal: Principal) {
    const current = await this.loadProjectQueue(project, name);
    const version = requireIfMatch(ifMatch, current.version);
    const target = await this.clusterQueueFor(body.clusterQueue);
    const q = await this.repo.updateProjectQueue(current.id, version, target.id, toProjectQueueView, principal.tokenId);
    if (!q) throw staleError(version);
    return toProjectQueueView(q);
  }

  async deleteProjectQueue(project: ProjectRef, name: string, ifMatch: string | undefined, principal: Principal): Promise<void> {
    const current = await this.loadProjectQueue(project, name);
    const version = ifMatch === undefined ? current.version : requireIfMatch(ifMatch, current.version);
    const done = await this.repo.deleteProjectQueue(current, version, toProjectQueueView(current), principal.tokenId);
    if (done === false) throw new AppError(ErrorCode.Conflict, `Queue '${name}' has jobs waiting or running; cancel them or let them finish first`);
    if (done === undefined) throw staleError(version);
  }

  async projectHistory(project: ProjectRef, name: string) {
    const q = await this.loadProjectQueue(project, name);
    return { items: (await this.repo.history('project', q.id)).map(toRevisionView) };
  }
}
