// A module hook for benches that start the Nest app under tsx: tsx (esbuild) does not emit
// decorator metadata, which Nest's dependency injection needs, so the platform's own
// sources under src/ are compiled with SWC instead, as vitest.config.mts does for tests.
// Register it before the first import of anything under src/.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { transform } from '@swc/core';

const SRC = new URL('../../src/', import.meta.url).href;

export async function load(url, context, next) {
  if (!url.startsWith(SRC) || !url.endsWith('.ts')) return next(url, context);
  const filename = fileURLToPath(url);
  const { code } = await transform(await readFile(filename, 'utf8'), {
    filename,
    sourceMaps: 'inline',
    module: { type: 'es6' },
    jsc: {
      target: 'es2022',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
    },
  });
  return { format: 'module', source: code, shortCircuit: true };
}
