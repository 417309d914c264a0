import { Injectable } from '@nestjs/common';
import { PrismaService } from '../../common/database/prisma.service.js';
import type { ModelVersionUsage } from '../../models/version-usage.port.js';

/**
 * The registry asks before deleting a version: a version that an endpoint serves now
 * (desired revision), would roll back to (good revision), or runs as a canary or shadow must
 * not disappear (409). For a multi-model endpoint that is every version in its list.
 */
@Injectable()
export class EndpointVersionUsage implements ModelVersionUsage {
  constructor(private readonly prisma: PrismaService) {}

  async endpointsUsing(versionId: string): Promise<string[]> {
    const version = await this.prisma.modelVersion.findUnique({ where: { id: versionId }, select: { modelId: true, version: true } });
    if (!version) return [];
    const endpoints = await this.prisma.endpoint.findMany({
      where: { modelId: version.modelId },
      select: { name: true, desiredRevision: true, goodRevision: true, canary: true, revisions: { where: { modelVersion: version.version }, select: { revision: true } } },
    });
    const shadowing = await this.prisma.endpoint.findMany({ where: { shadow: { path: ['modelVersion'], equals: version.version } }, select: { name: true, shadow: true, project: { select: { id: true } } } });
    const model = await this.prisma.model.findUnique({ where: { id: version.modelId }, select: { name: true, projectId: true } });
    const inUse = (e: (typeof endpoints)[number]) => {
      const canary = (e.canary as { revision?: number } | null)?.revision;
      return e.revisions.some((r) => r.revision === e.desiredRevision || r.revision === e.goodRevision || r.revision === canary);
    };
    // A multi-model endpoint serves its whole list (model-set.ts), not only the model it was created with.
    const listing = await this.prisma.endpointRevision.findMany({
      where: { template: { path: ['modelSet', 'models'], array_contains: [{ versionId }] } },
      select: { revision: true, endpoint: { select: { name: true, desiredRevision: true, goodRevision: true } } },
    });
    const inSets = listing.filter((r) => r.revision === r.endpoint.desiredRevision || r.revision === r.endpoint.goodRevision).map((r) => r.endpoint.name);
    // A shadow may serve another model of the project: matched by its model's name.
    const shadows = shadowing.filter((e) => e.project.id === model?.projectId && (e.shadow as { model?: string }).model === model?.name).map((e) => e.name);
    return [...new Set([...endpoints.filter(inUse).map((e) => e.name), ...shadows, ...inSets])];
  }
}
