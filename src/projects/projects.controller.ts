import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, CurrentProject } from '../common/auth/current.decorator.js';
import type { Principal, ProjectRef } from '../common/auth/principal.js';
import { jsonSchema } from '../common/openapi/json-schema.js';
import { ZodPipe } from '../common/validation/zod-body.pipe.js';
import { createProjectSchema, createTokenSchema, type CreateProject, type CreateToken } from './projects.dto.js';
import { createdTokenSchema, projectListSchema, projectSchema } from './projects.responses.js';
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
  @ApiBody({ schema: jsonSchema(createProjectSchema) })
  @ApiCreatedResponse({ schema: jsonSchema(projectSchema) })
  create(@CurrentPrincipal() principal: Principal, @Body(new ZodPipe(createProjectSchema)) body: CreateProject) {
    return this.projects.create(principal, body);
  }

  @Post(':project/tokens')
  @ApiBody({ schema: jsonSchema(createTokenSchema) })
  @ApiCreatedResponse({ schema: jsonSchema(createdTokenSchema) })
  createToken(
    @CurrentPrincipal() principal: Principal,
    @CurrentProject() project: ProjectRef,
    @Body(new ZodPipe(createTokenSchema)) body: CreateToken,
  ) {
    return this.projects.createToken(principal, project, body);
  }
}
