import { Injectable } from '@nestjs/common';
import { Prisma } from '../../generated/prisma/client.js';
import type { Endpoint, EndpointEvent, EndpointPhase, EndpointRevision } from '../../generated/prisma/client.js';
import { PrismaService } from '../../common/database/prisma.service.js';
import { AppError, ErrorCode } from '../../common/errors/app-error.js';
import type { RevisionTemplate } from './endpoints.dto.js';

export type EndpointRow = Endpoint & { model: { name: string } };
export type RevisionCause = 'Created' | 'Updated' | 'Scaled' | 'AliasMoved' | 'Rollback' | 'AutomaticRollback' | 'Canary' | 'CanaryPromoted' | 'Shadow';
export type RevisionStatus = 'Pending' | 'Progressing' | 'Complete' | 'Failed' | 'Superseded';

export interface NewRevision {
  template: RevisionTemplate;
  cause: RevisionCause;
  message: string;
  sourceRevision?: number;
  /** The alias followed from now on (null pins the endpoint); undefined keeps it. */
  alias?: string | null;
  phase: EndpointPhase;
  reason: string;
  byToken?: string | null;
  /** A canary promotion: the canary revision that must still be the running one (else 409); it is cleared in the same transaction. */
  promotesCanary?: number;
}

/** A canary or shadow revision: numbered like every revision, but not the desired one. */
export interface NewSubRevision {
  template: RevisionTemplate;
  cause: 'Canary' | 'Shadow';
  message: string;
  sourceRevision?: number;
  byToken?: string | null;
}

/** The status fields a controller pass writes; see `update`. */
export interface EndpointStatusUpdate {
  phase?: EndpointPhase;
  reason?: string;
  message?: string;
  goodRevision?: number;
  observed?: unknown;
}

export interface NewEvent {
  revision?: number;
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

const withModel = { model: { select: { name: true } } } as const;
const json = (v: unknown) => v as Prisma.InputJsonValue;
const autoscalingColumn = (t: RevisionTemplate) => (t.autoscaling ? json(t.autoscaling) : Prisma.DbNull);

/** The only place that touches the endpoint tables. */
@Injectable()
export class EndpointsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Endpoint, revision 1 and its event in one transaction; undefined when the name is taken. */
  async create(input: { projectId: string; name: string; modelId: string; alias: string | null; byToken: string | null }, first: NewRevision): Promise<EndpointRow | undefined> {
    try {
      return await this.prisma.$transaction(async (tx) => {
        const t = first.template;
        const endpoint = await tx.endpoint.create({
          data: {
            projectId: input.projectId,
            name: input.name,
            modelId: input.modelId,
            alias: input.alias,
            replicas: t.replicas,
            maxSurge: t.maxSurge,
            progressDeadlineSeconds: t.progressDeadlineSeconds,
            autoscaling: autoscalingColumn(t),
            multiModel: t.modelSet !== undefined,
            latestRevision: 1,
            desiredRevision: 1,
            phase: first.phase,
            reason: first.reason,
            message: first.message,
            createdByToken: input.byToken,
          },
          include: withModel,
        });
        await tx.endpointRevision.create({ data: revisionData(endpoint.id, 1, first) });
        await tx.endpointEvent.create({ data: { endpointId: endpoint.id, revision: 1, type: 'Normal', reason: 'RevisionCreated', message: first.message } });
        return endpoint;
      });
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') return undefined;
      throw error;
    }
  }

  /**
   * A new desired revision. The endpoint row is locked first (UPDATE … increment), so
   * concurrent changes get consecutive numbers; a revision still rolling out is Superseded.
   */
  async addRevision(endpointId: string, input: NewRevision): Promise<{ endpoint: EndpointRow; revision: number }> {
    return this.prisma.$transaction(async (tx) => {
      const locked = await tx.endpoint.update({ where: { id: endpointId }, data: { latestRevision: { increment: 1 } } });
      // Checked under the row lock: a deletion that won the race is final.
      if (locked.phase === 'Deleting') throw new AppError(ErrorCode.Conflict, 'The endpoint is being deleted');
      if (input.promotesCanary !== undefined) {
        if ((locked.canary as { revision?: number } | null)?.revision !== input.promotesCanary) throw new AppError(ErrorCode.Conflict, `The canary (revision ${input.promotesCanary}) is no longer running`, [{ field: 'canary', message: 'already promoted or rolled back' }]);
        await tx.endpointRevision.updateMany({ where: { endpointId, revision: input.promotesCanary, status: { in: ['Pending', 'Progressing'] } }, data: { status: 'Complete', finishedAt: new Date() } });
      }
      const revision = locked.latestRevision;
      await tx.endpointRevision.updateMany({
        where: { endpointId, revision: locked.desiredRevision, status: { in: ['Pending', 'Progressing'] } },
        data: { status: 'Superseded', finishedAt: new Date() },
      });
      await tx.endpointRevision.create({ data: revisionData(endpointId, revision, input) });
      const t = input.template;
      const endpoint = await tx.endpoint.update({
        where: { id: endpointId },
        data: {
          desiredRevision: revision,
          replicas: t.replicas,
          maxSurge: t.maxSurge,
          progressDeadlineSeconds: t.progressDeadlineSeconds,
          autoscaling: autoscalingColumn(t),
          phase: input.phase,
          reason: input.reason,
          message: input.message,
          ...(input.alias !== undefined ? { alias: input.alias } : {}),
          ...(input.promotesCanary !== undefined ? { canary: Prisma.DbNull } : {}),
        },
        include: withModel,
      });
      await tx.endpointEvent.create({ data: { endpointId, revision, type: 'Normal', reason: 'RevisionCreated', message: input.message } });
      return { endpoint, revision };
    });
  }

  /**
   * A canary or shadow revision and the state that points at it, in one transaction under
   * the row lock. `state` gets the new revision's number. A canary refuses to replace a
   * running one (409); a new shadow replaces the old (its revision becomes Superseded).
   */
  async addSubRevision(endpointId: string, input: NewSubRevision, state: (revision: number) => object): Promise<{ endpoint: EndpointRow; revision: number }> {
    return this.prisma.$transaction(async (tx) => {
      const locked = await tx.endpoint.update({ where: { id: endpointId }, data: { latestRevision: { increment: 1 } } });
      if (locked.phase === 'Deleting') throw new AppError(ErrorCode.Conflict, 'The endpoint is being deleted');
      const column = input.cause === 'Canary' ? 'canary' : 'shadow';
      const previous = locked[column] as { revision?: number } | null;
      if (previous && column === 'canary') throw new AppError(ErrorCode.Conflict, `A canary (revision ${previous.revision}) is running: promote or roll it back first`, [{ field: 'canary', message: 'a canary is running' }]);
      if (previous?.revision) await tx.endpointRevision.updateMany({ where: { endpointId, revision: previous.revision, status: { in: ['Pending', 'Progressing'] } }, data: { status: 'Superseded', finishedAt: new Date() } });
      const revision = locked.latestRevision;
      await tx.endpointRevision.create({ data: revisionData(endpointId, revision, input) });
      const endpoint = await tx.endpoint.update({ where: { id: endpointId }, data: { [column]: json(state(revision)) }, include: withModel });
      await tx.endpointEvent.create({ data: { endpointId, revision, type: 'Normal', reason: `${input.cause}Started`, message: input.message } });
      return { endpoint, revision };
    });
  }

  /** A running canary's percent or analysis; compare-and-set on its revision. Returns whether it was written. */
  async updateCanary(endpointId: string, revision: number, state: object): Promise<boolean> {
    const { count } = await this.prisma.endpoint.updateMany({ where: { id: endpointId, canary: { path: ['revision'], equals: revision } }, data: { canary: json(state) } });
    return count > 0;
  }

  /**
   * Ends a canary or shadow: clears its column when it still names `revision`, moves that
   * revision to `status` and writes the event, in one transaction. Returns whether it ended
   * it (false: already ended by someone else, nothing written).
   */
  async endSub(endpointId: string, column: 'canary' | 'shadow', revision: number, status: 'Failed' | 'Superseded', event: NewEvent): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const where = column === 'canary' ? { id: endpointId, canary: { path: ['revision'], equals: revision } } : { id: endpointId, shadow: { path: ['revision'], equals: revision } };
      const { count } = await tx.endpoint.updateMany({ where, data: { [column]: Prisma.DbNull } });
      if (count === 0) return false;
      await tx.endpointRevision.updateMany({ where: { endpointId, revision, status: { in: ['Pending', 'Progressing'] } }, data: { status, finishedAt: new Date() } });
      await tx.endpointEvent.create({ data: { endpointId, revision: event.revision ?? null, type: event.type, reason: event.reason, message: event.message } });
      return true;
    });
  }

  find(projectId: string, name: string): Promise<EndpointRow | null> {
    return this.prisma.endpoint.findUnique({ where: { projectId_name: { projectId, name } }, include: withModel });
  }

  findById(id: string): Promise<EndpointRow | null> {
    return this.prisma.endpoint.findUnique({ where: { id }, include: withModel });
  }

  /** Every endpoint with its project's name: the controller's work list. */
  all(): Promise<(EndpointRow & { project: { name: string } })[]> {
    return this.prisma.endpoint.findMany({ include: { ...withModel, project: { select: { name: true } } }, orderBy: { createdAt: 'asc' } });
  }

  list(projectId: string, limit: number, afterName?: string): Promise<EndpointRow[]> {
    return this.prisma.endpoint.findMany({
      where: { projectId, ...(afterName ? { name: { gt: afterName } } : {}) },
      orderBy: { name: 'asc' },
      take: limit + 1,
      include: withModel,
    });
  }

  revision(endpointId: string, revision: number): Promise<EndpointRevision | null> {
    return this.prisma.endpointRevision.findUnique({ where: { endpointId_revision: { endpointId, revision } } });
  }

  revisions(endpointId: string): Promise<EndpointRevision[]> {
    return this.prisma.endpointRevision.findMany({ where: { endpointId }, orderBy: { revision: 'desc' } });
  }

  events(endpointId: string, limit = 500): Promise<EndpointEvent[]> {
    return this.prisma.endpointEvent.findMany({ where: { endpointId }, orderBy: { id: 'asc' }, take: limit });
  }

  async addEvent(endpointId: string, event: NewEvent): Promise<void> {
    await this.prisma.endpointEvent.create({ data: { endpointId, revision: event.revision ?? null, type: event.type, reason: event.reason, message: event.message } });
  }

  /** Moves a revision's status; only from the listed states, so a repeat changes nothing. Returns whether it moved. */
  async setRevisionStatus(endpointId: string, revision: number, to: RevisionStatus, from: RevisionStatus[]): Promise<boolean> {
    const done = to === 'Complete' || to === 'Failed' || to === 'Superseded';
    const { count } = await this.prisma.endpointRevision.updateMany({
      where: { endpointId, revision, status: { in: from } },
      data: { status: to, ...(done ? { finishedAt: new Date() } : {}) },
    });
    return count > 0;
  }

  /**
   * The endpoint's status fields, all in one statement, so a reader never sees some of a
   * pass's changes without the others. Never over a deletion: a controller pass that read
   * the endpoint before DELETE must not write its phase back (a lost update that left a
   * deleted endpoint Complete forever).
   */
  async update(endpointId: string, data: EndpointStatusUpdate): Promise<void> {
    const { observed, ...rest } = data;
    await this.prisma.endpoint.updateMany({
      where: { id: endpointId, phase: { not: 'Deleting' } },
      data: { ...rest, ...(observed !== undefined ? { observed: json(observed) } : {}) },
    });
  }

  /**
   * The autoscaler's replica count (no revision: the count is not part of the template),
   * compare-and-set on the count and revision it decided from, so a concurrent PATCH or
   * deletion wins. The reason and message change only on a Complete endpoint (a rollout's
   * or a failure's own words stay). Returns whether it was written.
   */
  async setScale(endpointId: string, from: { replicas: number; revision: number }, replicas: number, status?: { reason: string; message: string }): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const where = { id: endpointId, replicas: from.replicas, desiredRevision: from.revision, phase: { not: 'Deleting' as const } };
      const { count } = await tx.endpoint.updateMany({ where, data: { replicas } });
      if (count > 0 && status) await tx.endpoint.updateMany({ where: { id: endpointId, phase: 'Complete' }, data: status });
      return count > 0;
    });
  }

  /** Marks for deletion; the controller removes the objects, then the row. */
  async markDeleting(endpointId: string): Promise<EndpointRow> {
    return this.prisma.endpoint.update({ where: { id: endpointId }, data: { phase: 'Deleting', reason: 'Deleting', message: 'removing replicas' }, include: withModel });
  }

  async remove(endpointId: string): Promise<void> {
    await this.prisma.endpoint.deleteMany({ where: { id: endpointId } });
  }

  /** ONNX signatures ({inputs, outputs}) by model version id; null where the version was never inspected. */
  async signatures(versionIds: string[]): Promise<Map<string, unknown>> {
    const rows = await this.prisma.modelVersion.findMany({ where: { id: { in: versionIds } }, select: { id: true, signature: true } });
    return new Map(rows.map((r) => [r.id, r.signature]));
  }

  async modelExists(projectId: string, name: string): Promise<boolean> {
    return (await this.prisma.model.count({ where: { projectId, name } })) > 0;
  }

  /** A failed AliasMoved revision for this version exists: do not retry it on every cycle. */
  async aliasMoveFailed(endpointId: string, modelVersion: number): Promise<boolean> {
    return (await this.prisma.endpointRevision.count({ where: { endpointId, modelVersion, cause: 'AliasMoved', status: 'Failed' } })) > 0;
  }

  /** The alias's version number now (undefined when the alias is gone). */
  async aliasVersion(modelId: string, alias: string): Promise<{ id: string; version: number; artifactSha256: string | null; status: string } | undefined> {
    const row = await this.prisma.modelAlias.findUnique({ where: { modelId_alias: { modelId, alias } }, include: { version: true } });
    return row ? { id: row.version.id, version: row.version.version, artifactSha256: row.version.artifactSha256, status: row.version.status } : undefined;
  }
}

function revisionData(endpointId: string, revision: number, input: Pick<NewRevision, 'template' | 'cause' | 'message' | 'sourceRevision' | 'byToken'>) {
  return {
    endpointId,
    revision,
    modelVersion: input.template.model.version,
    template: json(input.template),
    cause: input.cause,
    message: input.message,
    sourceRevision: input.sourceRevision ?? null,
    status: 'Pending',
    createdByToken: input.byToken ?? null,
  };
}
