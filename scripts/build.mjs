// `npm start`'s build: rebuilds only what changed, and says which it is doing, because a
// full build costs ~100 s against ~7 s to start a built tree. `npm run build` (CI) stays
// the unconditional full build.
//   1. Prisma client: regenerated only when prisma/schema.prisma (or Prisma's version) changed.
//   2. TypeScript: skipped when no file under src/ (nor a tsconfig or the lock file) is newer
//      than the last successful build; otherwise an incremental tsc (build info in dist/, so
//      deleting dist/ also forgets it).
//   3. The web console (scripts/build-ui.mjs): rebuilt when anything under ui/ (or the lock
//      file) is newer than dist/ui/index.html.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SCHEMA_STAMP = 'src/generated/prisma/.schema-sha256';
const BUILD_STAMP = 'dist/.build-stamp';
const INPUTS = ['src', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];
const say = (line) => process.stderr.write(`beamline: ${line}\n`);

// 1. Prisma client.
const prismaVersion = JSON.parse(readFileSync('node_modules/prisma/package.json', 'utf8')).version;
const schemaHash = createHash('sha256').update(prismaVersion).update(readFileSync('prisma/schema.prisma')).digest('hex');
if (!existsSync(SCHEMA_STAMP) || readFileSync(SCHEMA_STAMP, 'utf8') !== schemaHash) {
  say('generating the Prisma client (prisma/schema.prisma changed)…');
  execFileSync(process.execPath, ['scripts/prisma-generate.mjs'], { stdio: 'inherit' });
  writeFileSync(SCHEMA_STAMP, schemaHash);
}

// 2. TypeScript. Directories count too: deleting or renaming a file changes its directory's mtime.
const built = existsSync(BUILD_STAMP) && existsSync('dist/src/main.js') ? statSync(BUILD_STAMP).mtimeMs : -1;
const changed = built < 0 ? 'no earlier build' : newerThan(built);
if (!changed) {
  say('build is up to date');
} else {
  say(`building (sources changed since the last build: ${changed})…`);
  const started = new Date(); // the stamp takes the start time, so an edit made during the build is seen next time
  const tsc = 'node_modules/typescript/bin/tsc';
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--incremental', '--tsBuildInfoFile', 'dist/.tsbuildinfo'], { stdio: 'inherit' });
  mkdirSync('dist', { recursive: true });
  writeFileSync(BUILD_STAMP, '');
  utimesSync(BUILD_STAMP, started, started);
  say(`built in ${((Date.now() - started.getTime()) / 1000).toFixed(1)} s`);
}

// 3. The web console.
const UI_STAMP = 'dist/ui/index.html';
const uiChanged = existsSync(UI_STAMP) ? newerThan(statSync(UI_STAMP).mtimeMs, ['ui', 'scripts/build-ui.mjs', 'package-lock.json']) : 'no earlier build';
if (uiChanged) execFileSync(process.execPath, ['scripts/build-ui.mjs'], { stdio: 'inherit' });

/** The first input (file or directory) modified after `time`, or undefined. */
function newerThan(time, inputs = INPUTS) {
  const stack = [...inputs];
  while (stack.length > 0) {
    const path = stack.pop();
    if (!existsSync(path)) continue;
    const stat = statSync(path);
    if (stat.mtimeMs > time) return path;
    if (stat.isDirectory()) for (const entry of readdirSync(path)) stack.push(join(path, entry));
  }
  return undefined;
}
