import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../common/auth/current.decorator.js';
import type { Principal } from '../common/auth/principal.js';
import { PlatformAdmin } from '../common/auth/public.decorator.js';
import { jsonSchema } from '../common/openapi/json-schema.js';
import { ZodPipe } from '../common/validation/zod-body.pipe.js';
import { createProjectSchema, type CreateProject } from './projects.dto.js';
import { projectListSchema, projectSchema } from './projects.responses.js';
import { ProjectsService } from './projects.service.js';

@ApiTags('projects')
@ApiBearerAuth()
@Controller('v1/projects')
export class ProjectsController {
  constructor(private readonly projects: ProjectsService) {}

  @Get()
  @ApiOkResponse({ schema: jsonSchema(projectListSchema) })
  list(@CurrentPrincipal() principal: Principal) {
    return this.projects.list(principal);
  }

  @Post()
  @ApiConflictResponse({ description: 'A project with this name exists' })
  @PlatformAdmin()
  @ApiBody({ schema: jsonSchema(createProjectSchema) })
  @ApiCreatedResponse({ schema: jsonSchema(projectSchema) })
  create(@Body(new ZodPipe(createProjectSchema)) body: CreateProject) {
    return this.projects.create(body);
  }
}
