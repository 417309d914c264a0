import { writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { AuthRepository } from '../common/auth/auth.repository.js';
import type { Principal } from '../common/auth/principal.js';
import { hashToken, newToken } from '../common/auth/token.js';
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
   * First start: a `default` project and a platform admin token. An installer's
   * BEAMLINE_ADMIN_TOKEN is created if missing and never printed (it is in their Secret).
   * Otherwise, if no platform admin exists yet, a random one is printed once and written
   * to <home>/admin-token (0600). Safe when several processes start at once.
   */
  async bootstrap(): Promise<string | undefined> {
    if (this.config.BEAMLINE_BOOTSTRAP === 'off') return undefined;
    await this.repo.ensureProject('default');
    const given = this.config.BEAMLINE_ADMIN_TOKEN;
    if (given) {
      const created = await this.repo.createBootstrapAdmin({ name: 'install-admin', hash: hashToken(given), prefix: given.slice(0, 10) }, false);
      if (created) this.logger.log('created the platform admin token given in BEAMLINE_ADMIN_TOKEN');
      return undefined;
    }
    if (await this.repo.hasPlatformAdminToken()) return undefined;
    const { token, hash, prefix } = newToken();
    if (!(await this.repo.createBootstrapAdmin({ name: 'bootstrap-admin', hash, prefix }, true))) return undefined;
    await mkdir(this.config.BEAMLINE_HOME, { recursive: true });
    const file = join(this.config.BEAMLINE_HOME, 'admin-token');
    await writeFile(file, `${token}\n`, { mode: 0o600 });
    this.logger.log({ file }, 'created the admin token');
    return token;
  }
}
