import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { AuthRepository } from '../common/auth/auth.repository.js';
import { CurrentPrincipal } from '../common/auth/current.decorator.js';
import type { Principal } from '../common/auth/principal.js';
import { AnyScope } from '../common/auth/public.decorator.js';
import { jsonSchema } from '../common/openapi/json-schema.js';

const whoamiSchema = z.strictObject({
  kind: z.enum(['token', 'user']),
  id: z.string(),
  name: z.string(),
  platformAdmin: z.boolean(),
  scopes: z.array(z.enum(['read', 'write', 'infer'])),
  projects: z.array(z.strictObject({ name: z.string(), role: z.enum(['ADMIN', 'MEMBER', 'VIEWER']) })),
});

/** Who the caller is, as the guard resolved it: what the CLI's `whoami` and `login` show. */
@ApiTags('access')
@ApiBearerAuth()
@AnyScope()
@Controller('v1/auth')
export class WhoamiController {
  constructor(private readonly auth: AuthRepository) {}

  @Get('whoami')
  @ApiOkResponse({ schema: jsonSchema(whoamiSchema) })
  whoami(@CurrentPrincipal() principal: Principal) {
    return this.view(principal);
  }

  /** Called by `beamline login` once it holds an access token: records the login (audit log, users.last_login_at). */
  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Record a completed SSO login and answer whoami' })
  @ApiOkResponse({ schema: jsonSchema(whoamiSchema) })
  async login(@CurrentPrincipal() principal: Principal) {
    if (principal.kind === 'user') await this.auth.recordLogin(principal.id, new Date());
    return this.view(principal);
  }

  private async view(principal: Principal) {
    const names = await this.auth.projectNames([...principal.projectRoles.keys()]);
    return {
      kind: principal.kind,
      id: principal.id,
      name: principal.name,
      platformAdmin: principal.platformAdmin,
      scopes: [...principal.scopes],
      projects: [...principal.projectRoles].flatMap(([id, role]) => (names.has(id) ? [{ name: names.get(id)!, role }] : [])).sort((a, b) => a.name.localeCompare(b.name)),
    };
  }
}
