import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../../common/auth/public.decorator.js';
import { EndpointsRepository } from './endpoints.repository.js';
import type { ObservedState } from './endpoints.view.js';

/**
 * Prometheus HTTP service discovery for replicas Prometheus cannot find by itself: the
 * local driver's runtime processes on loopback ports. (On Kubernetes a PodMonitor finds
 * the pods by label; see deploy/prometheus.) Public like /metrics: addresses only.
 */
@ApiTags('monitoring')
@Controller('v1/prometheus')
export class PrometheusTargetsController {
  constructor(private readonly repo: EndpointsRepository) {}

  @Get('targets')
  @Public()
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
