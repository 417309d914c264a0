import { Body, Controller, Delete, Get, HttpCode, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { CurrentProject } from '../common/auth/current.decorator.js';
import type { ProjectRef } from '../common/auth/principal.js';
import { RequireRole } from '../common/auth/public.decorator.js';
import { AppError } from '../common/errors/app-error.js';
import { isoTime, itemsOf } from '../common/openapi/common.responses.js';
import { jsonSchema } from '../common/openapi/json-schema.js';
import { parseOrThrow } from '../common/validation/zod.js';
import { ZodPipe } from '../common/validation/zod-body.pipe.js';
import { groupBindingSchema, groupNameSchema, type GroupBinding } from './tokens.dto.js';
import { GroupsRepository } from './groups.repository.js';

const bindingSchema = z.strictObject({ group: z.string(), role: z.enum(['ADMIN', 'MEMBER', 'VIEWER']), createdAt: isoTime });
const view = (b: { group: string; role: 'ADMIN' | 'MEMBER' | 'VIEWER'; createdAt: Date }) => ({ group: b.group, role: b.role, createdAt: b.createdAt.toISOString() });

/**
 * Which OIDC groups hold which role in this project. A signed-in person's roles come from
 * the groups claim of their access token; changes apply within a second.
 */
@ApiTags('access')
@ApiBearerAuth()
@RequireRole('ADMIN')
@Controller('v1/projects/:project/groups')
export class GroupsController {
  constructor(private readonly groups: GroupsRepository) {}

  @Get()
  @ApiOkResponse({ schema: jsonSchema(itemsOf(bindingSchema)) })
  async list(@CurrentProject() project: ProjectRef) {
    return { items: (await this.groups.list(project.id)).map(view) };
  }

  @Put(':group')
  @ApiOperation({ summary: "Give an OIDC group a role in this project (replaces the group's role)" })
  @ApiBody({ schema: jsonSchema(groupBindingSchema) })
  @ApiOkResponse({ schema: jsonSchema(bindingSchema) })
  async put(@CurrentProject() project: ProjectRef, @Param('group') group: string, @Body(new ZodPipe(groupBindingSchema)) body: GroupBinding) {
    return view(await this.groups.put(project.id, parseOrThrow(groupNameSchema, group, 'group'), body.role));
  }

  @Delete(':group')
  @HttpCode(204)
  @ApiNoContentResponse()
  async delete(@CurrentProject() project: ProjectRef, @Param('group') group: string): Promise<void> {
    if (!(await this.groups.delete(project.id, group))) throw AppError.notFound(`Group binding '${group}'`);
  }
}
