import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../common/auth/public.decorator.js';
import { jsonSchema } from '../common/openapi/json-schema.js';
import { authConfigSchema, type AuthConfig } from './auth.responses.js';
import { OidcVerifier } from './oidc/oidc-verifier.js';

@ApiTags('auth')
@Controller('v1/auth')
export class AuthController {
  constructor(private readonly verifier: OidcVerifier) {}

  /** Public: a client must learn how to log in before it holds any credential. */
  @Get('config')
  @Public()
  @ApiOkResponse({ schema: jsonSchema(authConfigSchema) })
  config(): AuthConfig {
    return this.verifier.loginConfig();
  }
}
