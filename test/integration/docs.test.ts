import { chmod, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProjectsService } from '../../src/projects/projects.service.js';
import { checkMarkers, missingOutput, parseBlocks, type DocBlock } from '../helpers/doc-blocks.js';
import { DocSession } from '../helpers/doc-session.js';
import { closeApp, startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Docs are tests (issue 16): every sh, Python and TypeScript block of README.md and
 * docs/*.md carries a `<!-- doc-test: ... -->` marker (test/helpers/doc-blocks.ts), and the
 * ones that run here run as written, in order, against a freshly started platform: the real
 * app on http://127.0.0.1:8080 with `npm start`'s embedded defaults (local driver, bootstrap
 * on), its home being `.beamline` in the directory the blocks run in. That directory stands
 * for the checkout: a temp folder of symlinks to the checkout's entries plus its own
 * `.beamline`, so `cat .beamline/admin-token` reads this platform's token and files a block
 * writes (model.onnx) stay out of the checkout. Each file starts from a fresh shell; its
 * blocks share state as described in test/helpers/doc-session.ts. The Python SDK is this
 * checkout's (PYTHONPATH=sdk/python/src), not a pip-installed copy.
 *
 * A block passes when it exits 0 and, if an `output` block follows it, that block's lines
 * appear in what it printed. Per-block times are printed.
 *
 * Time budget: 4 minutes on 2 cores; it took 50 s (December 2026), 37 s of it the README
 * (four trainings, five rollouts). One block may take BLOCK_TIMEOUT_MS.
 */
const BLOCK_TIMEOUT_MS = 180_000;
const PORT = 8080;

const files = ['README.md', ...(await readdir('docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];
const docs = await Promise.all(files.map(async (file) => {
  const text = await readFile(file, 'utf8');
  const blocks = parseBlocks(text, file);
  return { file, blocks, problems: checkMarkers(blocks, text) };
}));
const runs = (b: DocBlock) => ['sh', 'python', 'ts'].includes(b.marker?.kind ?? '');

let t: TestApp | undefined;
let view: string;

function portFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
  });
}

beforeAll(async () => {
  if (!(await portFree(PORT))) {
    throw new Error(`port ${PORT} is in use: the docs' examples call http://127.0.0.1:${PORT}, so the docs tests need it; stop what listens there (an \`npm start\`?)`);
  }
  view = await mkdtemp(join(tmpdir(), 'beamline-docs-'));
  await chmod(view, 0o755); // the job user reads the examples through it
  for (const entry of await readdir('.')) {
    if (!['.beamline', '.git', '.doc-test'].includes(entry)) await symlink(resolve(entry), join(view, entry));
  }
  // `npm link` as the README says, without touching the global prefix: `beamline` on the
  // PATH runs this checkout's CLI from source; its saved login stays in the temp folder.
  await mkdir(join(view, '.doc-test', 'bin'), { recursive: true });
  await writeFile(join(view, '.doc-test', 'bin', 'beamline'), `#!/bin/sh\nexec node --import tsx ${resolve('src/cli/beamline.ts')} "$@"\n`, { mode: 0o755 });
  t = await startTestApp({
    port: PORT,
    home: join(view, '.beamline'),
    env: { BEAMLINE_CLUSTER_DRIVER: 'local', BEAMLINE_BOOTSTRAP: 'auto', BEAMLINE_PORT: String(PORT), BEAMLINE_SCHEDULER_INTERVAL_MS: '200' },
  });
  await t.app.get(ProjectsService).bootstrap();
}, 120_000);

afterAll(async () => {
  await closeApp(t);
  if (view) await rm(view, { recursive: true, force: true });
});

/**
 * What a reader's shell has: no BEAMLINE_* of the test's own, this checkout's Python SDK,
 * `beamline` on the PATH (the README's `npm link`), the CLI's saved login in the temp folder.
 */
function readerEnv(): Record<string, string> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k, v]) => v !== undefined && !k.startsWith('BEAMLINE_') && !k.startsWith('VITEST') && k !== 'NODE_OPTIONS')) as Record<string, string>;
  return {
    ...env,
    PATH: `${join(view, '.doc-test', 'bin')}:${env.PATH}`,
    BEAMLINE_CONFIG_DIR: join(view, '.doc-test', 'config'),
    PYTHONPATH: resolve('sdk/python/src'),
    PYTHONUNBUFFERED: '1',
    PYTHONDONTWRITEBYTECODE: '1',
  };
}

describe('docs are tests', () => {
  it('every sh, Python and TypeScript block is marked to run or skipped with a reason', () => {
    expect(docs.flatMap((d) => d.problems)).toEqual([]);
  });

  // DOCS_TEST_FILES=README.md,docs/models.md runs only those files' blocks (while editing them).
  const only = process.env.DOCS_TEST_FILES?.split(',');
  for (const { file, blocks } of docs.filter((d) => d.blocks.some(runs) && (!only || only.includes(d.file)))) {
    it(`${file}: every marked block runs as written`, async () => {
      const session = new DocSession(view, file, readerEnv());
      try {
        for (const block of blocks.filter(runs)) {
          const { code, output, ms } = await session.run(block, BLOCK_TIMEOUT_MS);
          console.log(`${file}:${block.line} ${block.marker!.kind} ${(ms / 1000).toFixed(1)} s`);
          const where = `${file}:${block.line} (${block.marker!.kind}) exited ${code}; its output:\n${output.slice(-6000)}`;
          expect(code, where).toBe(0);
          if (block.expected) expect(missingOutput(block.expected, output), `${file}:${block.line}: lines of its output block not printed; it printed:\n${output.slice(-6000)}`).toEqual([]);
        }
      } finally {
        session.close();
      }
    }, 600_000);
  }
});
