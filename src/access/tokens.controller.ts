import { Body, Controller, Delete, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, CurrentProject } from '../common/auth/current.decorator.js';
import type { Principal, ProjectRef } from '../common/auth/principal.js';
import { RequireRole } from '../common/auth/public.decorator.js';
import { jsonSchema } from '../common/openapi/json-schema.js';
import { ZodPipe } from '../common/validation/zod-body.pipe.js';
import { createTokenSchema, listTokensSchema, rotateTokenSchema, type CreateToken, type ListTokens, type RotateToken } from './tokens.dto.js';
import { createdTokenSchema, rotatedTokenSchema, tokenListSchema, tokenSchema } from './tokens.responses.js';
import { TokensService } from './tokens.service.js';

/** A project's tokens: its ADMINs make, list, rotate and revoke them. */
@ApiTags('tokens')
@ApiBearerAuth()
@RequireRole('ADMIN')
@Controller('v1/projects/:project/tokens')
export class ProjectTokensController {
  constructor(private readonly tokens: TokensService) {}

  @Post()
  @ApiOperation({ summary: "Make a token for this project (the secret is shown once)" })
  @ApiBody({ schema: jsonSchema(createTokenSchema) })
  @ApiCreatedResponse({ schema: jsonSchema(createdTokenSchema) })
  create(@CurrentPrincipal() principal: Principal, @CurrentProject() project: ProjectRef, @Body(new ZodPipe(createTokenSchema)) body: CreateToken) {
    return this.tokens.create(principal, project, body);
  }

  @Get()
  @ApiQuery({ name: 'includeRevoked', required: false })
  @ApiOkResponse({ schema: jsonSchema(tokenListSchema) })
  list(@CurrentProject() project: ProjectRef, @Query(new ZodPipe(listTokensSchema, 'query')) query: ListTokens) {
    return this.tokens.list({ projectId: project.id }, query);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Revoke a token (it stops working within a second)' })
  @ApiOkResponse({ schema: jsonSchema(tokenSchema) })
  revoke(@CurrentProject() project: ProjectRef, @Param('id') id: string) {
    return this.tokens.revoke({ projectId: project.id }, id);
  }

  @Post(':id/rotate')
  @ApiOperation({ summary: 'A new secret now; the old one keeps working for graceSeconds' })
  @ApiBody({ schema: jsonSchema(rotateTokenSchema) })
  @ApiCreatedResponse({ schema: jsonSchema(rotatedTokenSchema) })
  rotate(
    @CurrentPrincipal() principal: Principal,
    @CurrentProject() project: ProjectRef,
    @Param('id') id: string,
    @Body(new ZodPipe(rotateTokenSchema)) body: RotateToken,
  ) {
    return this.tokens.rotate(principal, { projectId: project.id }, project, id, body ?? {});
  }
}
