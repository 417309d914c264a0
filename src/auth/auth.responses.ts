import { z } from 'zod';

/**
 * GET /v1/auth/config: how a client logs people in. `oidc` is null when single sign-on
 * is off (API tokens only); `clientId` is null when no public client is configured for
 * `beamline login`, `consoleClientId` when none is for the web console's "Log in with SSO".
 */
export const authConfigSchema = z.strictObject({
  oidc: z
    .strictObject({
      issuer: z.string(),
      clientId: z.string().nullable(),
      consoleClientId: z.string().nullable(),
      /** Space-separated, as sent in the authorization request. */
      scopes: z.string(),
    })
    .nullable(),
});
export type AuthConfig = z.infer<typeof authConfigSchema>;
