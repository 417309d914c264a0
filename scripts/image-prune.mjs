// Run by the Containerfile after `npm prune --omit=dev`: removes from node_modules every
// package that nothing needs at run time. npm installs optional peer dependencies as if
// they were production ones (@prisma/client's peer is the whole prisma CLI with its studio
// and dev database, @nestjs/swagger's is typescript: ~150 MB), and keeps type declarations
// and source maps. Kept: what the root's dependencies reach through dependencies,
// optionalDependencies and non-optional peerDependencies, resolved as Node resolves them.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const root = process.cwd();
const manifest = (dir) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));

/** The directory Node would load `name` from when required inside `from`. */
function resolveFrom(from, name) {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === root || dir === dirname(dir)) return undefined;
  }
}

function needs(pkg) {
  const optionalPeers = new Set(Object.entries(pkg.peerDependenciesMeta ?? {}).filter(([, m]) => m.optional).map(([n]) => n));
  const peers = Object.keys(pkg.peerDependencies ?? {}).filter((n) => !optionalPeers.has(n));
  return [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.optionalDependencies ?? {}), ...peers];
}

const kept = new Set();
const queue = [root];
while (queue.length) {
  const dir = queue.pop();
  for (const name of needs(manifest(dir))) {
    const found = resolveFrom(dir, name);
    if (found && !kept.has(found)) {
      kept.add(found);
      queue.push(found);
    }
  }
}

/** Every installed package directory, nested ones included. */
function installed(modules) {
  const out = [];
  if (!existsSync(modules)) return out;
  for (const entry of readdirSync(modules)) {
    if (entry.startsWith('.')) continue;
    const names = entry.startsWith('@') ? readdirSync(join(modules, entry)).map((n) => join(entry, n)) : [entry];
    for (const name of names) {
      const dir = join(modules, name);
      if (!existsSync(join(dir, 'package.json'))) continue;
      out.push(dir, ...installed(join(dir, 'node_modules')));
    }
  }
  return out;
}

let removed = 0;
for (const dir of installed(join(root, 'node_modules'))) {
  if (kept.has(dir) || !existsSync(dir)) continue;
  rmSync(dir, { recursive: true, force: true });
  removed++;
}

/** Declarations and source maps: read by editors and debuggers, never by Node. */
function dropFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) dropFiles(path);
    else if (/\.(d\.[cm]?ts|map)$/.test(entry.name)) rmSync(path);
  }
}
dropFiles(join(root, 'node_modules'));
console.log(`image-prune: kept ${kept.size} packages, removed ${removed} (${relative(root, join(root, 'node_modules'))})`);
