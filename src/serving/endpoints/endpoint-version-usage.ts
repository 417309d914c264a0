import { Injectable } from '@nestjs/common';
import { PrismaService } from '../../common/database/prisma.service.js';
import type { ModelVersionUsage } from '../../models/version-usage.port.js';

/**
 * The registry asks before deleting a version: a version that an endpoint serves now
 * (desired revision) or would roll back to (good revision) must not disappear (409).
 */
@Injectable()
export class EndpointVersionUsage implements ModelVersionUsage {
  constructor(private readonly prisma: PrismaService) {}

  async endpointsUsing(versionId: string): Promise<string[]> {
    const version = await this.prisma.modelVersion.findUnique({ where: { id: versionId }, select: { modelId: true, version: true } });
    if (!version) return [];
    const endpoints = await this.prisma.endpoint.findMany({
      where: { modelId: version.modelId },
      select: { name: true, desiredRevision: true, goodRevision: true, revisions: { where: { modelVersion: version.version }, select: { revision: true } } },
    });
    return endpoints.filter((e) => e.revisions.some((r) => r.revision === e.desiredRevision || r.revision === e.goodRevision)).map((e) => e.name);
  }
}
