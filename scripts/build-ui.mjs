// Builds the web console (ui/, docs/console.md) into dist/ui: one minified ES module
// (Preact included), one stylesheet and index.html naming both with a content hash, so a
// browser that revalidates (the server sends Cache-Control: no-cache) never mixes versions.
// Run by `npm run build` and `npm start` (scripts/build.mjs); esbuild takes well under a second.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';

const OUT = 'dist/ui';
const started = Date.now();
rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
const result = await build({
  entryPoints: ['ui/src/main.tsx'],
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['chrome110', 'firefox110', 'safari16'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  legalComments: 'none',
  write: false,
  logLevel: 'warning',
});
const js = result.outputFiles[0].contents;
const css = readFileSync('ui/style.css');
const hash = (bytes) => createHash('sha256').update(bytes).digest('hex').slice(0, 12);
writeFileSync(`${OUT}/app.js`, js);
writeFileSync(`${OUT}/app.css`, css);
writeFileSync(
  `${OUT}/index.html`,
  readFileSync('ui/index.html', 'utf8').replace('__JS_HASH__', hash(js)).replace('__CSS_HASH__', hash(css)),
);
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
process.stderr.write(`beamline: console built into ${OUT} (app.js ${kib(js.length)}, app.css ${kib(css.length)}) in ${Date.now() - started} ms\n`);
