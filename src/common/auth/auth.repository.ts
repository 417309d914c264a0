import { Injectable } from '@nestjs/common';
import type { TokenRole } from '../../generated/prisma/enums.js';
import { PrismaService } from '../database/prisma.service.js';
import type { Principal, ProjectRef } from './principal.js';

@Injectable()
export class AuthRepository {
  constructor(private readonly prisma: PrismaService) {}

  async findPrincipal(tokenHash: string): Promise<Principal | undefined> {
    const token = await this.prisma.apiToken.findUnique({
      where: { tokenHash },
      include: { projects: { select: { projectId: true } } },
    });
    if (!token || token.revokedAt) return undefined;
    return { tokenId: token.id, role: token.role, projectIds: new Set(token.projects.map((p) => p.projectId)) };
  }

  findProject(name: string): Promise<ProjectRef | null> {
    return this.prisma.project.findUnique({ where: { name }, select: { id: true, name: true } });
  }

  listProjects(principal: Principal): Promise<ProjectRef[]> {
    const where = principal.role === 'ADMIN' ? {} : { id: { in: [...principal.projectIds] } };
    return this.prisma.project.findMany({ where, orderBy: { name: 'asc' }, select: { id: true, name: true, description: true, createdAt: true } });
  }

  async createProject(name: string, description: string): Promise<ProjectRef | undefined> {
    const existing = await this.prisma.project.findUnique({ where: { name } });
    if (existing) return undefined;
    return this.prisma.project.create({ data: { name, description }, select: { id: true, name: true, description: true, createdAt: true } });
  }

  async createToken(input: { name: string; hash: string; prefix: string; role: TokenRole; projectIds: string[] }): Promise<{ id: string }> {
    return this.prisma.apiToken.create({
      data: {
        name: input.name,
        tokenHash: input.hash,
        prefix: input.prefix,
        role: input.role,
        projects: { create: input.projectIds.map((projectId) => ({ projectId })) },
      },
      select: { id: true },
    });
  }

  async hasAdminToken(): Promise<boolean> {
    return (await this.prisma.apiToken.count({ where: { role: 'ADMIN', revokedAt: null } })) > 0;
  }

  async ensureProject(name: string): Promise<ProjectRef> {
    return this.prisma.project.upsert({ where: { name }, create: { name }, update: {}, select: { id: true, name: true } });
  }
}
