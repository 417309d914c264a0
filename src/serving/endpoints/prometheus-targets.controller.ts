import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PlatformAdmin } from '../../common/auth/public.decorator.js';
import { EndpointsRepository } from './endpoints.repository.js';
import type { ObservedState } from './endpoints.view.js';

/**
 * Prometheus HTTP service discovery for replicas Prometheus cannot find by itself: the
 * local driver's runtime processes on loopback ports. (On Kubernetes a PodMonitor finds
 * the pods by label; see deploy/prometheus.) Platform admins only: it maps every project's
 * endpoints to loopback ports, which is a map for anyone who can reach them. Prometheus
 * gets a platform-admin token with only the `read` scope (docs/monitoring.md).
 */
@ApiTags('monitoring')
@ApiBearerAuth()
@Controller('v1/prometheus')
export class PrometheusTargetsController {
  constructor(private readonly repo: EndpointsRepository) {}

  @Get('targets')
  @PlatformAdmin()
  @ApiOperation({ summary: 'Prometheus http_sd_configs targets: one group per endpoint with its ready local replicas' })
  async targets() {
    const rows = await this.repo.all();
    return rows
      .map((row) => {
        const observed = (row.observed ?? {}) as ObservedState;
        const targets = (observed.upstreams ?? []).filter((u) => u.startsWith('http://127.0.0.1:')).map((u) => new URL(u).host);
        return { targets, labels: { project: row.project.name, endpoint: row.name, revision: String(observed.revision ?? row.desiredRevision) } };
      })
      .filter((group) => group.targets.length > 0);
  }
}
