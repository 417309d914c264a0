import { All, Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query, Req, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiBody, ApiConflictResponse, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentPrincipal, CurrentProject } from '../../common/auth/current.decorator.js';
import { ReadsOnly } from '../../common/auth/public.decorator.js';
import type { Principal, ProjectRef } from '../../common/auth/principal.js';
import { jsonSchema } from '../../common/openapi/json-schema.js';
import { RateLimited } from '../../common/rate-limit/rate-limited.decorator.js';
import { ZodPipe } from '../../common/validation/zod-body.pipe.js';
import { EndpointProxy } from './endpoint-proxy.js';
import {
  createEndpointSchema,
  listEndpointsSchema,
  rollbackEndpointSchema,
  scaleEndpointSchema,
  updateEndpointSchema,
  type CreateEndpoint,
  type ListEndpoints,
  type UpdateEndpoint,
} from './endpoints.dto.js';
import { endpointEventsSchema, endpointPageSchema, endpointRevisionsSchema, endpointSchema } from './endpoints.responses.js';
import { EndpointsService } from './endpoints.service.js';
import { EndpointsTrafficService } from './endpoints-traffic.service.js';

@ApiTags('endpoints')
@ApiBearerAuth()
@Controller('v1/projects/:project/endpoints')
export class EndpointsController {
  constructor(
    private readonly endpoints: EndpointsService,
    private readonly traffic: EndpointsTrafficService,
    private readonly proxy: EndpointProxy,
  ) {}

  @Post()
  @ApiConflictResponse({ description: 'An endpoint with this name exists, or the Idempotency-Key was used for a different body' })
  @ApiOperation({ summary: 'Create an endpoint serving a model version or alias (201; 200 when an Idempotency-Key replays)' })
  @ApiBody({ schema: jsonSchema(createEndpointSchema) })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({ schema: jsonSchema(endpointSchema) })
  @ApiOkResponse({ description: 'An Idempotency-Key replay: the endpoint created the first time', schema: jsonSchema(endpointSchema) })
  async create(
    @CurrentProject() project: ProjectRef,
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodPipe(createEndpointSchema)) body: CreateEndpoint,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { view, created } = await this.endpoints.create(project, principal, body, idempotencyKey);
    res.status(created ? 201 : 200);
    if (!created) res.setHeader('Idempotent-Replayed', 'true');
    return view;
  }

  @Get()
  @ApiOkResponse({ schema: jsonSchema(endpointPageSchema) })
  list(@CurrentProject() project: ProjectRef, @Query(new ZodPipe(listEndpointsSchema, 'query')) query: ListEndpoints) {
    return this.endpoints.list(project, query);
  }

  @Get(':name')
  @ApiOkResponse({ schema: jsonSchema(endpointSchema) })
  get(@CurrentProject() project: ProjectRef, @Param('name') name: string) {
    return this.endpoints.get(project, name);
  }

  @Patch(':name')
  @ApiConflictResponse({ description: 'The endpoint is being deleted' })
  @ApiOperation({ summary: 'Change version, replicas, resources, batching, env or rollout settings: a new revision. Or, alone, canary and shadow traffic' })
  @ApiBody({ schema: jsonSchema(updateEndpointSchema) })
  @ApiOkResponse({ schema: jsonSchema(endpointSchema) })
  update(@CurrentProject() project: ProjectRef, @CurrentPrincipal() principal: Principal, @Param('name') name: string, @Body(new ZodPipe(updateEndpointSchema)) body: UpdateEndpoint) {
    return this.traffic.update(project, principal, name, body);
  }

  @Post(':name/canary/promote')
  @ApiConflictResponse({ description: 'No canary is running, or the endpoint is being deleted' })
  @HttpCode(200)
  @ApiOperation({ summary: "Promote the running canary now: its template becomes the desired revision (a rolling update of the stable replicas)" })
  @ApiOkResponse({ schema: jsonSchema(endpointSchema) })
  promoteCanary(@CurrentProject() project: ProjectRef, @CurrentPrincipal() principal: Principal, @Param('name') name: string) {
    return this.traffic.promote(project, principal, name);
  }

  @Post(':name/canary/rollback')
  @ApiConflictResponse({ description: 'No canary is running, or the endpoint is being deleted' })
  @HttpCode(200)
  @ApiOperation({ summary: 'Roll the running canary back now: stable answers every request, the canary revision is marked Failed' })
  @ApiOkResponse({ schema: jsonSchema(endpointSchema) })
  rollbackCanary(@CurrentProject() project: ProjectRef, @Param('name') name: string) {
    return this.traffic.rollback(project, name);
  }

  @Post(':name/scale')
  @ApiConflictResponse({ description: 'The endpoint is being deleted' })
  @HttpCode(200)
  @ApiBody({ schema: jsonSchema(scaleEndpointSchema) })
  @ApiOkResponse({ schema: jsonSchema(endpointSchema) })
  scale(@CurrentProject() project: ProjectRef, @CurrentPrincipal() principal: Principal, @Param('name') name: string, @Body(new ZodPipe(scaleEndpointSchema)) body: { replicas: number }) {
    return this.endpoints.scale(project, principal, name, body.replicas);
  }

  @Post(':name/rollback')
  @ApiConflictResponse({ description: 'No earlier revision rolled out completely' })
  @HttpCode(200)
  @ApiOperation({ summary: 'Re-apply a named revision, or the previous one that rolled out completely' })
  @ApiBody({ schema: jsonSchema(rollbackEndpointSchema) })
  @ApiOkResponse({ schema: jsonSchema(endpointSchema) })
  rollback(@CurrentProject() project: ProjectRef, @CurrentPrincipal() principal: Principal, @Param('name') name: string, @Body(new ZodPipe(rollbackEndpointSchema)) body: { revision?: number }) {
    return this.endpoints.rollback(project, principal, name, body.revision);
  }

  @Get(':name/revisions')
  @ApiOkResponse({ schema: jsonSchema(endpointRevisionsSchema) })
  revisions(@CurrentProject() project: ProjectRef, @Param('name') name: string) {
    return this.endpoints.revisions(project, name);
  }

  @Get(':name/events')
  @ApiOkResponse({ schema: jsonSchema(endpointEventsSchema) })
  events(@CurrentProject() project: ProjectRef, @Param('name') name: string) {
    return this.endpoints.events(project, name);
  }

  @Delete(':name')
  @HttpCode(202)
  @ApiAcceptedResponse({ description: 'Deletion started: the endpoint, now Deleting', schema: jsonSchema(endpointSchema) })
  remove(@CurrentProject() project: ProjectRef, @Param('name') name: string) {
    return this.endpoints.remove(project, name);
  }

  @Post(':name/infer')
  @ApiServiceUnavailableResponse({ description: 'No replica is ready' })
  @ReadsOnly()
  @RateLimited('infer')
  @ApiOperation({ summary: "V2 infer on the endpoint's model, proxied to a ready replica (JSON or binary extension)" })
  async infer(@CurrentProject() project: ProjectRef, @Param('name') name: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    // No endpoint lookup here: the router's cached route answers 404 for a missing one.
    await this.proxy.forward(project, name, undefined, req, res);
  }

  @All(':name/v2/*path')
  @ApiServiceUnavailableResponse({ description: 'No replica is ready' })
  @ReadsOnly()
  @RateLimited('infer')
  @ApiOperation({ summary: "The V2 routes of the endpoint's replicas (server and model metadata, health, ready, infer), proxied; any other path is 404" })
  async v2(@CurrentProject() project: ProjectRef, @Param('name') name: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.proxy.forwardV2(project, name, req, res);
  }
}
