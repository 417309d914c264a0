import openapiTS, { astToString, type OpenAPI3 } from 'openapi-typescript';

/** Where the generated types are checked in, relative to the repository root. */
export const OPENAPI_TYPES_PATH = 'sdk/ts/src/openapi.d.ts';
export const REGENERATE_COMMAND =
  'UPDATE_OPENAPI=1 npx vitest run test/integration/openapi-drift.test.ts (or, with a server running: npm run sdk:openapi -- --url http://127.0.0.1:8080)';

const HEADER = `/**
 * Generated from the platform's /openapi.json by openapi-typescript. Do not edit:
 * ${REGENERATE_COMMAND}
 */
`;

/** The TypeScript text for an OpenAPI document; the drift test and the script share it so both agree byte for byte. */
export async function openapiTypes(document: unknown): Promise<string> {
  const ast = await openapiTS(document as OpenAPI3, { alphabetize: true });
  return HEADER + astToString(ast);
}
