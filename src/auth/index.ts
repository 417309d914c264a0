export { AuthModule } from './auth.module.js';
export { OidcVerifier, OIDC_CLOCK, type OidcIdentity, type OidcSettings } from './oidc/oidc-verifier.js';
