import { Body, Controller, Delete, Get, Headers, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConflictResponse, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import { CurrentPrincipal } from '../common/auth/current.decorator.js';
import type { Principal } from '../common/auth/principal.js';
import { PlatformAdmin } from '../common/auth/public.decorator.js';
import { jsonSchema } from '../common/openapi/json-schema.js';
import { ZodPipe } from '../common/validation/zod-body.pipe.js';
import { createClusterQueueSchema, deleteClusterQueueQuerySchema, updateClusterQueueSchema, type CreateClusterQueue, type UpdateClusterQueue } from './queues.dto.js';
import { clusterQueueListSchema, clusterQueueSchema, clusterQueueWithStatusSchema, drainResultSchema, queueHistorySchema } from './queues.responses.js';
import { QueuesService } from './queues.service.js';
import { etagOf } from './queues.view.js';

/**
 * Cluster queues: quota per resource flavor, cohorts, fair-sharing weight. Platform admins
 * change them; any signed-in caller may read them (to see why a job waits). A change takes
 * effect on the next scheduling cycle: the controller reads the queues every cycle.
 */
@ApiTags('queues')
@ApiBearerAuth()
@Controller('v1/cluster-queues')
export class ClusterQueuesController {
  constructor(private readonly queues: QueuesService) {}

  @Get()
  @ApiOkResponse({ schema: jsonSchema(clusterQueueListSchema) })
  list() {
    return this.queues.listClusterQueues();
  }

  @Post()
  @PlatformAdmin()
  @ApiConflictResponse({ description: 'A cluster queue with this name exists' })
  @ApiBody({ schema: jsonSchema(createClusterQueueSchema) })
  @ApiCreatedResponse({ schema: jsonSchema(clusterQueueSchema) })
  async create(@CurrentPrincipal() principal: Principal, @Body(new ZodPipe(createClusterQueueSchema)) body: CreateClusterQueue, @Res({ passthrough: true }) res: Response) {
    const view = await this.queues.createClusterQueue(body, principal);
    res.setHeader('ETag', etagOf(view.version));
    return view;
  }

  @Get(':name')
  @ApiOkResponse({ schema: jsonSchema(clusterQueueWithStatusSchema), description: 'ETag: the version, for If-Match' })
  async get(@Param('name') name: string, @Res({ passthrough: true }) res: Response) {
    const view = await this.queues.getClusterQueue(name);
    res.setHeader('ETag', etagOf(view.version));
    return view;
  }

  @Patch(':name')
  @PlatformAdmin()
  @ApiOperation({ summary: 'Change cohort, strategy, weight or quota (quota replaces the whole list); needs If-Match: 428 without, 412 when stale' })
  @ApiHeader({ name: 'If-Match', required: true, description: 'the ETag of the version read, e.g. "3"' })
  @ApiBody({ schema: jsonSchema(updateClusterQueueSchema) })
  @ApiOkResponse({ schema: jsonSchema(clusterQueueSchema) })
  async update(
    @CurrentPrincipal() principal: Principal,
    @Param('name') name: string,
    @Body(new ZodPipe(updateClusterQueueSchema)) body: UpdateClusterQueue,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    const view = await this.queues.updateClusterQueue(name, body, ifMatch, principal);
    res.setHeader('ETag', etagOf(view.version));
    return view;
  }

  @Delete(':name')
  @PlatformAdmin()
  @ApiOperation({ summary: 'Delete a cluster queue and its project queues: 409 while jobs use it, unless drain=true (cancels the waiting ones; running ones finish)' })
  @ApiQuery({ name: 'drain', required: false, enum: ['true', 'false'] })
  @ApiHeader({ name: 'If-Match', required: false })
  @ApiOkResponse({ schema: jsonSchema(drainResultSchema) })
  @ApiConflictResponse({ description: 'Jobs use the queue and drain is not true' })
  delete(
    @CurrentPrincipal() principal: Principal,
    @Param('name') name: string,
    @Query(new ZodPipe(deleteClusterQueueQuerySchema, 'query')) query: z.output<typeof deleteClusterQueueQuerySchema>,
    @Headers('if-match') ifMatch: string | undefined,
  ) {
    return this.queues.deleteClusterQueue(name, query.drain === 'true', ifMatch, principal);
  }

  @Get(':name/history')
  @ApiOkResponse({ schema: jsonSchema(queueHistorySchema) })
  history(@Param('name') name: string) {
    return this.queues.clusterHistory(name);
  }
}
