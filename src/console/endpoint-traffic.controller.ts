import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { CurrentProject } from '../common/auth/current.decorator.js';
import type { ProjectRef } from '../common/auth/principal.js';
import { PrismaService } from '../common/database/prisma.service.js';
import { AppError } from '../common/errors/app-error.js';
import { MetricsService } from '../common/metrics/metrics.service.js';
import { jsonSchema } from '../common/openapi/json-schema.js';
import { endpointTraffic } from './endpoint-traffic.js';

const trafficSchema = z.strictObject({
  scope: z.literal('this api instance'),
  since: z.iso.datetime(),
  requests: z.record(z.string(), z.number()),
  latency: z.strictObject({
    count: z.number(),
    sumSeconds: z.number(),
    buckets: z.array(z.strictObject({ le: z.union([z.number(), z.literal('+Inf')]), count: z.number() })),
  }),
});

/** When this process started: the counters count from here. */
const STARTED = new Date();

/**
 * The console's request-rate, latency and error charts read this: one endpoint's
 * cumulative infer-proxy counters in the answering api process. Prometheus (/metrics) has
 * the same numbers for every replica; this route needs no Prometheus server.
 */
@ApiTags('endpoints')
@ApiBearerAuth()
@Controller('v1/projects/:project/endpoints')
export class EndpointTrafficController {
  constructor(
    private readonly metrics: MetricsService,
    private readonly prisma: PrismaService,
  ) {}

  @Get(':name/traffic')
  @ApiOperation({ summary: "An endpoint's infer-proxy requests by status and latency histogram, cumulative, counted by the api instance that answers (not the cluster's total)" })
  @ApiOkResponse({ schema: jsonSchema(trafficSchema) })
  async traffic(@CurrentProject() project: ProjectRef, @Param('name') name: string) {
    const found = await this.prisma.endpoint.findUnique({ where: { projectId_name: { projectId: project.id, name } }, select: { id: true } });
    if (!found) throw AppError.notFound(`Endpoint '${name}'`);
    return endpointTraffic(this.metrics.registry, project.name, name, STARTED);
  }
}
