import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../common/auth/current.decorator.js';
import type { Principal } from '../common/auth/principal.js';
import { jsonSchema } from '../common/openapi/json-schema.js';
import { clusterNodesSchema } from './cluster-view.responses.js';
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
}
