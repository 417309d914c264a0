import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import express, { type NextFunction, type Request, type Response } from 'express';
import { AppModule, rolesOf } from './app.module.js';
import type { AppConfig } from './common/config/config.schema.js';
import { toProblem } from './common/errors/problem.filter.js';
import { completeDocument } from './common/openapi/complete-document.js';
import { collectRouteFacts } from './common/openapi/route-facts.js';
import { JsonLogger } from './common/logging/json-logger.js';
import { requestContext } from './common/logging/request-context.js';
import { isJsonMediaType } from './common/validation/json-body.interceptor.js';
import { MetricsService } from './common/metrics/metrics.service.js';
import { PROXY_PATH } from './serving/endpoints/endpoint-proxy.js';
import { InferFastPath } from './serving/endpoints/infer-fast-path.js';

/**
 * Builds the Nest app for a resolved config (DATABASE_URL and REDIS_URL set) without
 * listening, so tests and main.ts share exactly the same wiring.
 */
export async function createApp(config: AppConfig, logger = new JsonLogger(config.BEAMLINE_LOG_LEVEL)): Promise<NestExpressApplication> {
  const metrics = new MetricsService();
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forConfig(config, metrics), {
    logger,
    bodyParser: false,
    abortOnError: false,
  });
  // No app.enableShutdownHooks(): main.ts owns SIGINT/SIGTERM and calls app.close() itself
  // (which runs the shutdown hooks) before stopping the embedded services. Nest's own
  // listener closed the app and then re-sent the signal to the process, a second signal.
  app.set('x-powered-by', false);
  const context = requestContext(logger, metrics);
  app.use(context);
  // `POST …/infer` is answered ahead of express, with this same request context (infer-fast-path.ts).
  if (rolesOf(config.BEAMLINE_ROLE).api) app.get(InferFastPath, { strict: false }).install(app.getHttpServer(), app.getHttpAdapter().getInstance(), context);
  // The infer proxy forwards bodies as they came (JSON or V2 binary): the JSON parser leaves them alone.
  app.use(express.json({ limit: config.BEAMLINE_BODY_LIMIT, type: (req) => isJsonMediaType(req.headers['content-type']) && !PROXY_PATH.test((req as Request).originalUrl ?? req.url ?? '') }));
  // body-parser failures (413, malformed JSON) happen before Nest's filters: answer them as problem+json too.
  app.use((error: unknown, req: Request & { id?: string }, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    const body = toProblem(error, req.originalUrl, req.id);
    res.status(body.status).type('application/problem+json').send(JSON.stringify(body));
  });

  const built = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setOpenAPIVersion('3.1.0')
      .setTitle('Beamline API')
      .setDescription('GPU training jobs, model registry and inference endpoints')
      .setVersion('v1')
      // No bearerFormat: API tokens are opaque (bl_…); OIDC access tokens (JWTs) are accepted too (docs/security.md).
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An API token (opaque, `bl_…`) or an OIDC access token (a JWT) from the configured issuer' })
      .build(),
  );
  const document = completeDocument(built, collectRouteFacts(app));
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'openapi.json', useGlobalPrefix: false });
  return app;
}
