import { Body, Controller, Delete, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../common/auth/current.decorator.js';
import type { Principal } from '../common/auth/principal.js';
import { PlatformAdmin } from '../common/auth/public.decorator.js';
import { jsonSchema } from '../common/openapi/json-schema.js';
import { ZodPipe } from '../common/validation/zod-body.pipe.js';
import { createPlatformTokenSchema, listTokensSchema, rotateTokenSchema, type CreatePlatformToken, type ListTokens, type RotateToken } from './tokens.dto.js';
import { createdTokenSchema, rotatedTokenSchema, tokenListSchema, tokenSchema } from './tokens.responses.js';
import { TokensService } from './tokens.service.js';

/** Platform-admin tokens, narrowed by scopes (a `read`-only one for Prometheus discovery). */
@ApiTags('tokens')
@ApiBearerAuth()
@PlatformAdmin()
@Controller('v1/tokens')
export class PlatformTokensController {
  constructor(private readonly tokens: TokensService) {}

  @Post()
  @ApiOperation({ summary: 'Make a platform admin token (the secret is shown once)' })
  @ApiBody({ schema: jsonSchema(createPlatformTokenSchema) })
  @ApiCreatedResponse({ schema: jsonSchema(createdTokenSchema) })
  create(@CurrentPrincipal() principal: Principal, @Body(new ZodPipe(createPlatformTokenSchema)) body: CreatePlatformToken) {
    return this.tokens.createPlatform(principal, body);
  }

  @Get()
  @ApiQuery({ name: 'includeRevoked', required: false })
  @ApiOkResponse({ schema: jsonSchema(tokenListSchema) })
  list(@Query(new ZodPipe(listTokensSchema, 'query')) query: ListTokens) {
    return this.tokens.list({ platform: true }, query);
  }

  @Delete(':id')
  @ApiOkResponse({ schema: jsonSchema(tokenSchema) })
  revoke(@Param('id') id: string) {
    return this.tokens.revoke({ platform: true }, id);
  }

  @Post(':id/rotate')
  @ApiBody({ schema: jsonSchema(rotateTokenSchema) })
  @ApiCreatedResponse({ schema: jsonSchema(rotatedTokenSchema) })
  rotate(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body(new ZodPipe(rotateTokenSchema)) body: RotateToken) {
    return this.tokens.rotate(principal, { platform: true }, undefined, id, body ?? {});
  }
}
