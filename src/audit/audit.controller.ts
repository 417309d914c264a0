import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { PlatformAdmin } from '../common/auth/public.decorator.js';
import { jsonSchema } from '../common/openapi/json-schema.js';
import { ZodPipe } from '../common/validation/zod-body.pipe.js';
import { listAuditSchema, type ListAudit } from './audit.dto.js';
import { auditPageSchema } from './audit.responses.js';
import { AuditService } from './audit.service.js';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('v1/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @PlatformAdmin()
  @ApiOperation({ summary: 'The audit log, newest first, with cursor pagination (platform admins only)' })
  @ApiQuery({ name: 'actor', required: false, description: 'token or user id, or its recorded name' })
  @ApiQuery({ name: 'project', required: false, description: 'project name' })
  @ApiQuery({ name: 'action', required: false, description: "exact ('endpoint.rollback') or a prefix ending in a dot ('endpoint.')" })
  @ApiQuery({ name: 'outcome', required: false, enum: ['success', 'denied', 'failed'] })
  @ApiQuery({ name: 'since', required: false, description: 'ISO time, inclusive' })
  @ApiQuery({ name: 'until', required: false, description: 'ISO time, exclusive' })
  @ApiQuery({ name: 'limit', required: false, description: '1-200, default 50' })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiOkResponse({ schema: jsonSchema(auditPageSchema) })
  list(@Query(new ZodPipe(listAuditSchema, 'query')) query: ListAudit) {
    return this.audit.list(query);
  }
}
