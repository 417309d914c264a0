import { writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { AuthRepository } from '../common/auth/auth.repository.js';
import type { Principal, ProjectRef } from '../common/auth/principal.js';
import { newToken } from '../common/auth/token.js';
import { APP_CONFIG } from '../common/config/config.js';
import type { AppConfig } from '../common/config/config.schema.js';
import { AppError, ErrorCode } from '../common/errors/app-error.js';
import type { CreateProject, CreateToken } from './projects.dto.js';

@Injectable()
export class ProjectsService {
  private readonly logger = new Logger(ProjectsService.name);

  constructor(
    private readonly repo: AuthRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  list(principal: Principal) {
    return this.repo.listProjects(principal).then((items) => ({ items }));
  }

  async create(principal: Principal, body: CreateProject) {
    requireAdmin(principal);
    const project = await this.repo.createProject(body.name, body.description);
    if (!project) throw new AppError(ErrorCode.Conflict, `Project '${body.name}' already exists`, [{ field: 'name', message: 'already taken' }]);
    return project;
  }

  /** The token is returned once; only its hash is kept. */
  async createToken(principal: Principal, project: ProjectRef, body: CreateToken) {
    requireAdmin(principal);
    const { token, hash, prefix } = newToken();
    const created = await this.repo.createToken({ name: body.name, hash, prefix, role: body.role, projectIds: [project.id] });
    return { id: created.id, name: body.name, role: body.role, project: project.name, token };
  }

  /**
   * First start in embedded mode: a `default` project and, if no admin token exists
   * yet, one admin token, printed once and written to <home>/admin-token (0600).
   */
  async bootstrap(): Promise<string | undefined> {
    if (this.config.BEAMLINE_BOOTSTRAP === 'off') return undefined;
    await this.repo.ensureProject('default');
    if (await this.repo.hasAdminToken()) return undefined;
    const { token, hash, prefix } = newToken();
    await this.repo.createToken({ name: 'bootstrap-admin', hash, prefix, role: 'ADMIN', projectIds: [] });
    await mkdir(this.config.BEAMLINE_HOME, { recursive: true });
    const file = join(this.config.BEAMLINE_HOME, 'admin-token');
    await writeFile(file, `${token}\n`, { mode: 0o600 });
    this.logger.log({ file }, 'created the admin token');
    return token;
  }
}

function requireAdmin(principal: Principal): void {
  if (principal.role !== 'ADMIN') throw new AppError(ErrorCode.Forbidden, 'Only an ADMIN token may do this');
}
