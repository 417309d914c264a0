import { Injectable } from '@nestjs/common';
import type { TokenRole } from '../generated/prisma/enums.js';
import { PrismaService } from '../common/database/prisma.service.js';

/** OIDC group → project role bindings. */
@Injectable()
export class GroupsRepository {
  constructor(private readonly prisma: PrismaService) {}

  list(projectId: string) {
    return this.prisma.projectGroupBinding.findMany({ where: { projectId }, orderBy: { group: 'asc' }, select: { group: true, role: true, createdAt: true } });
  }

  put(projectId: string, group: string, role: TokenRole) {
    return this.prisma.projectGroupBinding.upsert({
      where: { projectId_group: { projectId, group } },
      create: { projectId, group, role },
      update: { role },
      select: { group: true, role: true, createdAt: true },
    });
  }

  async delete(projectId: string, group: string): Promise<boolean> {
    return (await this.prisma.projectGroupBinding.deleteMany({ where: { projectId, group } })).count > 0;
  }
}
