import { Global, Module } from '@nestjs/common';
import { OIDC_VERIFIER } from '../common/auth/identity.port.js';
import { AuthController } from './auth.controller.js';
import { OidcVerifier } from './oidc/oidc-verifier.js';

/**
 * Single sign-on. Global because AuthGuard, provided by CommonModule as APP_GUARD,
 * injects the verifier through the OIDC_VERIFIER port, and CommonModule must not import
 * this module (it would import common back).
 */
@Global()
@Module({
  controllers: [AuthController],
  providers: [OidcVerifier, { provide: OIDC_VERIFIER, useExisting: OidcVerifier }],
  exports: [OidcVerifier, OIDC_VERIFIER],
})
export class AuthModule {}
