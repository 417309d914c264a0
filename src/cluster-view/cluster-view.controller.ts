import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../common/auth/current.decorator.js';
import type { Principal } from '../common/auth/principal.js';
import { jsonSchema } from '../common/openapi/json-schema.js';
import { ZodPipe } from '../common/validation/zod-body.pipe.js';
import { allocationQuerySchema, MAX_POINTS, type AllocationQuery } from './allocation.dto.js';
import { clusterAllocationSchema, clusterNodesSchema } from './cluster-view.responses.js';
import { ClusterViewService } from './cluster-view.service.js';

/** What the cluster has and who uses it, for any signed-in caller (the console's Cluster page). */
@ApiTags('cluster')
@ApiBearerAuth()
@Controller('v1/cluster')
export class ClusterViewController {
  constructor(private readonly view: ClusterViewService) {}

  @Get('nodes')
  @ApiOperation({ summary: "Nodes and their GPUs (product, memory, MIG slices, sharing) with the jobs holding each device; other projects' jobs without name" })
  @ApiOkResponse({ schema: jsonSchema(clusterNodesSchema) })
  @ApiServiceUnavailableResponse({ description: 'No controller has published the node list yet' })
  nodes(@CurrentPrincipal() principal: Principal) {
    return this.view.nodes(principal);
  }

  @Get('allocation')
  @ApiOperation({ summary: "GPUs held over time per GPU flavor and project, from the stored usage ledger and the running attempts; other projects' share without name" })
  @ApiQuery({ name: 'from', required: false, description: 'RFC 3339 instant; default: 24 hours before `to`' })
  @ApiQuery({ name: 'to', required: false, description: 'RFC 3339 instant; default: now' })
  @ApiQuery({ name: 'step', required: false, description: `seconds per point (default: a round step giving at most 200 points); at most ${MAX_POINTS} points` })
  @ApiOkResponse({ schema: jsonSchema(clusterAllocationSchema) })
  allocation(@CurrentPrincipal() principal: Principal, @Query(new ZodPipe(allocationQuerySchema, 'query')) query: AllocationQuery) {
    return this.view.allocation(principal, query);
  }
}
