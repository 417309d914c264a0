import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConflictResponse, ApiCreatedResponse, ApiHeader, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, CurrentProject } from '../common/auth/current.decorator.js';
import type { Principal, ProjectRef } from '../common/auth/principal.js';
import { jsonSchema } from '../common/openapi/json-schema.js';
import { ZodPipe } from '../common/validation/zod-body.pipe.js';
import { createProjectQueueSchema, updateProjectQueueSchema, type CreateProjectQueue, type UpdateProjectQueue } from './queues.dto.js';
import { projectQueueListSchema, projectQueueSchema, queueHistorySchema } from './queues.responses.js';
import { QueuesService } from './queues.service.js';
import { etagOf } from './queues.view.js';

/**
 * A project's queues: names its jobs use in `queue`, each pointing at a cluster queue whose
 * quota they are charged to. Members change them, viewers read them. Once a project has a
 * queue, its jobs must name one of its queues; a project with none keeps the open `default`.
 */
@ApiTags('queues')
@ApiBearerAuth()
@Controller('v1/projects/:project/queues')
export class ProjectQueuesController {
  constructor(private readonly queues: QueuesService) {}

  @Get()
  @ApiOkResponse({ schema: jsonSchema(projectQueueListSchema) })
  list(@CurrentProject() project: ProjectRef) {
    return this.queues.listProjectQueues(project);
  }

  @Post()
  @ApiConflictResponse({ description: 'A queue with this name exists in the project' })
  @ApiBody({ schema: jsonSchema(createProjectQueueSchema) })
  @ApiCreatedResponse({ schema: jsonSchema(projectQueueSchema) })
  async create(
    @CurrentProject() project: ProjectRef,
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodPipe(createProjectQueueSchema)) body: CreateProjectQueue,
    @Res({ passthrough: true }) res: Response,
  ) {
    const view = await this.queues.createProjectQueue(project, body, principal);
    res.setHeader('ETag', etagOf(view.version));
    return view;
  }

  @Get(':name')
  @ApiOkResponse({ schema: jsonSchema(projectQueueSchema), description: 'ETag: the version, for If-Match' })
  async get(@CurrentProject() project: ProjectRef, @Param('name') name: string, @Res({ passthrough: true }) res: Response) {
    const view = await this.queues.getProjectQueue(project, name);
    res.setHeader('ETag', etagOf(view.version));
    return view;
  }

  @Patch(':name')
  @ApiOperation({ summary: 'Point the queue at another cluster queue; needs If-Match: 428 without, 412 when stale' })
  @ApiHeader({ name: 'If-Match', required: true, description: 'the ETag of the version read, e.g. "1"' })
  @ApiBody({ schema: jsonSchema(updateProjectQueueSchema) })
  @ApiOkResponse({ schema: jsonSchema(projectQueueSchema) })
  async update(
    @CurrentProject() project: ProjectRef,
    @CurrentPrincipal() principal: Principal,
    @Param('name') name: string,
    @Body(new ZodPipe(updateProjectQueueSchema)) body: UpdateProjectQueue,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    const view = await this.queues.updateProjectQueue(project, name, body, ifMatch, principal);
    res.setHeader('ETag', etagOf(view.version));
    return view;
  }

  @Delete(':name')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a queue: 409 while its jobs wait or run' })
  @ApiHeader({ name: 'If-Match', required: false })
  @ApiNoContentResponse()
  @ApiConflictResponse({ description: 'Jobs of the queue wait or run' })
  delete(@CurrentProject() project: ProjectRef, @CurrentPrincipal() principal: Principal, @Param('name') name: string, @Headers('if-match') ifMatch: string | undefined): Promise<void> {
    return this.queues.deleteProjectQueue(project, name, ifMatch, principal);
  }

  @Get(':name/history')
  @ApiOkResponse({ schema: jsonSchema(queueHistorySchema) })
  history(@CurrentProject() project: ProjectRef, @Param('name') name: string) {
    return this.queues.projectHistory(project, name);
  }
}
