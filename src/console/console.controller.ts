import { Controller, Get, Inject, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../common/auth/public.decorator.js';
import { APP_CONFIG } from '../common/config/config.js';
import type { AppConfig } from '../common/config/config.schema.js';
import { AppError, ErrorCode } from '../common/errors/app-error.js';
import { CONSOLE_DIR, consoleFile } from './console-files.js';

/**
 * The web console (docs/console.md): static files built by scripts/build-ui.mjs into
 * dist/ui. Public because a browser fetches the page before anyone has typed a token; the
 * page itself holds no data, and every call it makes goes to the API with the token.
 * Any /ui path that is not a file answers index.html, so the console's own URLs
 * (/ui/p/lab/jobs/<id>) can be shared and reloaded.
 */
@ApiExcludeController()
@Public()
@Controller('ui')
export class ConsoleController {
  private readonly csp: string;

  constructor(@Inject(CONSOLE_DIR) private readonly dir: string, @Inject(APP_CONFIG) config: AppConfig) {
    this.csp = consoleCsp(config);
  }

  @Get()
  index(@Res() res: Response): void {
    this.send(res, 'index.html');
  }

  @Get('*path')
  file(@Param('path') path: string | string[], @Res() res: Response): void {
    const name = (Array.isArray(path) ? path.join('/') : path) ?? '';
    this.send(res, consoleFile(this.dir, name) ?? 'index.html');
  }

  private send(res: Response, name: string): void {
    if (consoleFile(this.dir, 'index.html') === undefined) {
      throw new AppError(ErrorCode.Unavailable, 'The console is not built: run `npm run build` (or `npm start`, which builds it)');
    }
    // Revalidate every time (ETag, 304): the files are small and a stale app.js after an upgrade would call routes that moved.
    res.setHeader('Cache-Control', 'no-cache');
    // The console renders API data as text only; the policy stops any script but its own even if that slipped.
    res.setHeader('Content-Security-Policy', this.csp);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.sendFile(name, { root: this.dir, dotfiles: 'deny' });
  }
}

/**
 * The console's Content-Security-Policy. With single sign-on for the console configured,
 * the page also talks to the identity provider (discovery and the token request, by
 * `fetch`), so connect-src adds the issuer's origin and nothing else; the login itself is a
 * top-level navigation, which the policy does not restrict.
 */
export function consoleCsp(config: Pick<AppConfig, 'BEAMLINE_OIDC_ISSUER' | 'BEAMLINE_OIDC_CONSOLE_CLIENT_ID'>): string {
  const sso = config.BEAMLINE_OIDC_ISSUER && config.BEAMLINE_OIDC_CONSOLE_CLIENT_ID ? ` ${new URL(config.BEAMLINE_OIDC_ISSUER).origin}` : '';
  return `default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'${sso}; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`;
}
