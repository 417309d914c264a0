import type { OpenAPIObject, OperationObject, ParameterObject, PathItemObject, ResponseObject } from '@nestjs/swagger';
import { jsonSchema } from './json-schema.js';
import { problemSchema } from './problem.schema.js';
import type { RouteFacts } from './route-facts.js';

/** The methods an OpenAPI 3.1 path item may hold; an @All route also yields e.g. `search`, which it may not. */
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** Why each standard error happens, written once for every operation that can answer it. */
const ERRORS: Record<number, string> = {
  400: 'The body, query, a path parameter or a header is invalid; `errors` names each field',
  401: 'No credential, or an unknown, expired or revoked one',
  403: "The credential's role or scopes do not allow this",
  404: 'A resource named in the path does not exist (or is not visible to the caller)',
  412: 'If-Match names a version the resource no longer has: read it again',
  413: 'The body exceeds BEAMLINE_BODY_LIMIT',
  415: 'The Content-Type is not one the operation accepts',
  428: 'The change needs If-Match with the version read (the ETag of GET)',
  429: 'A rate limit is spent; Retry-After says when to retry',
};

const PATH_DESCRIPTIONS: Record<string, string> = {
  project: 'the project name',
  path: 'the rest of the V2 path, e.g. `models/<model>/infer` or `health/ready`',
};

/**
 * Turns what SwaggerModule builds into a valid OpenAPI 3.1 document, so no controller
 * restates what the routes already know:
 * 1. declare every `{param}` of the path template that no decorator declared;
 * 2. give query parameters the types of the zod schema the route validates them with;
 * 3. drop methods 3.1 does not allow (an @All route's `search`);
 * 4. add the standard problem+json errors each operation can answer, and give any error a
 *    decorator declared (409, 422, ...) the same body.
 * `facts` is keyed by swagger's default operationId (route-facts.ts).
 */
export function completeDocument(doc: OpenAPIObject, facts: Map<string, RouteFacts>): OpenAPIObject {
  doc.openapi = '3.1.0';
  doc.components = { ...doc.components, schemas: { ...doc.components?.schemas, Problem: jsonSchema(problemSchema) } };
  // DocumentBuilder always says bearerFormat JWT; API tokens are opaque, so the format is left unstated.
  for (const scheme of Object.values(doc.components.securitySchemes ?? {})) delete (scheme as { bearerFormat?: string }).bearerFormat;
  for (const [path, item] of Object.entries(doc.paths) as [string, PathItemObject & Record<string, unknown>][]) {
    for (const key of Object.keys(item)) {
      if (!(METHODS as readonly string[]).includes(key) && key !== 'parameters' && key !== 'summary' && key !== 'description') delete item[key];
    }
    for (const method of METHODS) {
      const op = item[method];
      if (op) completeOperation(path, method, op, factsOf(facts, op.operationId));
    }
  }
  return doc;
}

function factsOf(facts: Map<string, RouteFacts>, operationId = ''): RouteFacts | undefined {
  if (facts.has(operationId)) return facts.get(operationId);
  const [controller, method] = operationId.split('_');
  return facts.get(`${controller}_${method}`);
}

function completeOperation(path: string, method: string, op: OperationObject, facts: RouteFacts | undefined): void {
  const params = (op.parameters ?? []) as ParameterObject[];
  // 1. Path parameters from the template.
  const pathNames = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
  for (const name of pathNames) {
    if (params.some((p) => p.in === 'path' && p.name === name)) continue;
    params.push({ name, in: 'path', required: true, description: PATH_DESCRIPTIONS[name], schema: { type: 'string' } });
  }
  // 2. Query parameters typed from the zod schema, keeping a decorator's description.
  const query = facts?.query ? (jsonSchema(facts.query) as { properties?: Record<string, Record<string, unknown>>; required?: string[] }) : undefined;
  for (const [name, schema] of Object.entries(query?.properties ?? {})) {
    const declared = params.find((p) => p.in === 'query' && p.name === name);
    const described = { ...schema, description: (declared?.description ?? schema.description) as string | undefined };
    const param: ParameterObject = { name, in: 'query', required: query?.required?.includes(name) && schema.default === undefined, schema: described };
    if (declared) Object.assign(declared, param);
    else params.push(param);
  }
  for (const p of params) if (!p.schema || Object.keys(p.schema).length === 0) p.schema = { type: 'string' };
  op.parameters = params;

  // 4. Errors: the standard ones by what the route does, then problem+json bodies for all.
  // Every path parameter and query value is checked for text PostgreSQL cannot store
  // (UrlTextGuard), and header values are parsed (Idempotency-Key, If-Match): all can be a 400.
  const hasBody = op.requestBody !== undefined;
  const ifMatch = params.some((p) => p.in === 'header' && p.name.toLowerCase() === 'if-match');
  const statuses = [
    ...(hasBody || facts?.validatesBody || params.length > 0 ? [400] : []),
    ...(facts?.public ? [] : [401, 403]),
    ...(pathNames.length > 0 ? [404] : []),
    ...(ifMatch ? [412, 428] : []),
    ...(hasBody && method !== 'get' ? [413, 415] : []),
    ...(facts?.rateLimited ? [429] : []),
  ];
  for (const status of statuses) op.responses[status] ??= { description: ERRORS[status] };
  for (const [status, response] of Object.entries(op.responses) as [string, ResponseObject][]) {
    if (Number(status) < 400) continue;
    response.content = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } };
    if (status === '429') response.headers = { 'Retry-After': { description: 'seconds until a retry can succeed', schema: { type: 'integer' } } };
  }
  if (facts?.public) op.security = [];
}
