import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../common/auth/current.decorator.js';
import type { Principal } from '../common/auth/principal.js';
import { jsonSchema } from '../common/openapi/json-schema.js';
import { ZodPipe } from '../common/validation/zod-body.pipe.js';
import { usageQuerySchema, type UsageQuery } from './usage.dto.js';
import { usageReportSchema } from './usage.responses.js';
import { UsageService } from './usage.service.js';

/** GPU-hour accounting (docs/queues.md, "Usage"): what training attempts held, per project, queue, user and flavor. */
@ApiTags('usage')
@ApiBearerAuth()
@Controller('v1/usage')
export class UsageController {
  constructor(private readonly usage: UsageService) {}

  @Get()
  @ApiOperation({ summary: 'GPU-seconds and CPU-seconds used in [from, to), grouped; admins see every project, others their own' })
  @ApiQuery({ name: 'from', required: false, description: 'RFC 3339 instant; default: 7 days before `to`' })
  @ApiQuery({ name: 'to', required: false, description: 'RFC 3339 instant; default: now' })
  @ApiQuery({ name: 'groupBy', required: false, description: 'comma-separated: project, queue, user, flavor (default project)' })
  @ApiQuery({ name: 'project', required: false, description: 'only this project' })
  @ApiOkResponse({ schema: jsonSchema(usageReportSchema) })
  @ApiNotFoundResponse({ description: 'The project named by `project` does not exist' })
  report(@CurrentPrincipal() principal: Principal, @Query(new ZodPipe(usageQuerySchema, 'query')) query: UsageQuery) {
    return this.usage.report(principal, query);
  }
}
