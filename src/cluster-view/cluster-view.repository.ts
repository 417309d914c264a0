import { Injectable } from '@nestjs/common';
import { PrismaService } from '../common/database/prisma.service.js';
import type { ActiveJob } from './cluster-nodes.view.js';

@Injectable()
export class ClusterViewRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Jobs that hold devices now: Scheduled or Running with a placement, in every project. */
  async activeJobs(): Promise<ActiveJob[]> {
    const rows = await this.prisma.trainingJob.findMany({
      where: { status: { in: ['Scheduled', 'Running'] } },
      select: { id: true, name: true, status: true, placement: true, projectId: true },
    });
    const placed = rows.filter((r) => Array.isArray(r.placement));
    const projects = await this.prisma.project.findMany({ where: { id: { in: [...new Set(placed.map((r) => r.projectId))] } }, select: { id: true, name: true } });
    const names = new Map(projects.map((p) => [p.id, p.name]));
    return placed.map((r) => ({
      id: r.id,
      name: r.name,
      status: r.status,
      projectId: r.projectId,
      projectName: names.get(r.projectId) ?? '',
      placement: r.placement as unknown as ActiveJob['placement'],
    }));
  }
}
