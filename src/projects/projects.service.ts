import { writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { AuthRepository } from '../common/auth/auth.repository.js';
import type { Principal } from '../common/auth/principal.js';
import { newToken } from '../common/auth/token.js';
import { APP_CONFIG } from '../common/config/config.js';
import type { AppConfig } from '../common/config/config.schema.js';
import { AppError, ErrorCode } from '../common/errors/app-error.js';
import type { CreateProject } from './projects.dto.js';

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

  /** Platform admins only (the route says so; the guard enforces it). */
  async create(body: CreateProject) {
    const project = await this.repo.createProject(body.name, body.description);
    if (!project) throw new AppError(ErrorCode.Conflict, `Project '${body.name}' already exists`, [{ field: 'name', message: 'already taken' }]);
    return project;
  }

  /**
   * First start in embedded mode: a `default` project and, if no platform admin token
   * exists yet, one platform admin token, printed once and written to <home>/admin-token (0600).
   */
  async bootstrap(): Promise<string | undefined> {
    if (this.config.BEAMLINE_BOOTSTRAP === 'off') return undefined;
    await this.repo.ensureProject('default');
    if (await this.repo.hasPlatformAdminToken()) return undefined;
    const { token, hash, prefix } = newToken();
    await this.repo.createToken({ name: 'bootstrap-admin', hash, prefix, role: 'ADMIN', platformAdmin: true, projectIds: [] });
    await mkdir(this.config.BEAMLINE_HOME, { recursive: true });
    const file = join(this.config.BEAMLINE_HOME, 'admin-token');
    await writeFile(file, `${token}\n`, { mode: 0o600 });
    this.logger.log({ file }, 'created the admin token');
    return token;
  }
}
