import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DocBlock } from './doc-blocks.js';

/**
 * Runs the marked blocks of one Markdown file in order, sharing state the way a reader in
 * one terminal and one notebook would (test/integration/docs.test.ts):
 *
 * - sh: each block is `bash -c` with `set -euo pipefail`, stderr into stdout, and `curl`
 *   is `curl --fail-with-body`: a 4xx/5xx answer fails the block (printing the
 *   problem+json), where the docs' plain `curl -s` would go on. Shell
 *   variables, functions, the working directory and the exported environment carry over to
 *   the file's next blocks (saved at exit to a state file the next block sources). Anything
 *   a block leaves running in the background is killed when the block ends.
 * - python: one `python3` per file, like one notebook kernel: every python block of the file
 *   is exec'd in the same globals, with the environment the sh blocks exported so far.
 * - ts: each block is a module of its own (`node --import tsx`), with that same environment;
 *   `@beamline/sdk` resolves to sdk/ts/src through a tsconfig path (what `npm install
 *   <checkout>/sdk/ts` gives a user, without building it).
 */
export interface BlockResult {
  code: number | null;
  output: string;
  ms: number;
}

const SENTINEL = '__doc_test_block_done__';

/** Python's side of the shared interpreter: one JSON message per block on stdin. */
const PYTHON_DRIVER = `
import json, os, sys, traceback
g = {"__name__": "__main__"}
for line in sys.stdin:
    msg = json.loads(line)
    os.environ.clear(); os.environ.update(msg["env"]); os.chdir(msg["cwd"])
    ok = True
    try:
        exec(compile(msg["code"], msg["name"], "exec"), g)
    except SystemExit as e:
        ok = e.code in (None, 0)
    except BaseException:
        traceback.print_exc(file=sys.stdout); ok = False
    sys.stdout.flush()
    print("\\n${SENTINEL}", 0 if ok else 1, flush=True)
`;

/** Variables bash itself defines: never saved as the reader's state. */
const BASH_OWN = spawnSync('env', ['-i', 'bash', '--norc', '--noprofile', '-c', 'compgen -v'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);

export class DocSession {
  private readonly dir: string;
  private readonly state: string;
  private readonly envFile: string;
  private env: Record<string, string>;
  private python?: { child: ChildProcess; output: string; waiter?: (code: number) => void };
  private count = 0;

  constructor(
    private readonly cwd: string,
    name: string,
    env: Record<string, string>,
  ) {
    this.dir = join(cwd, '.doc-test', name.replace(/[^\w.-]/g, '_'));
    mkdirSync(this.dir, { recursive: true });
    this.state = join(this.dir, 'state.sh');
    this.envFile = join(this.dir, 'env');
    this.env = { ...env };
    writeFileSync(join(this.dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', paths: { '@beamline/sdk': [resolve('sdk/ts/src/index.ts')] } },
    }));
  }

  run(block: DocBlock, timeoutMs: number): Promise<BlockResult> {
    const kind = block.marker?.kind;
    if (kind === 'sh') return this.sh(block, timeoutMs);
    if (kind === 'python') return this.py(block, timeoutMs);
    if (kind === 'ts') return this.ts(block, timeoutMs);
    throw new Error(`${block.file}:${block.line}: not a block that runs (${kind})`);
  }

  private sh(block: DocBlock, timeoutMs: number): Promise<BlockResult> {
    const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    const script = [
      'exec 2>&1',
      `[ -f ${q(this.state)} ] && source ${q(this.state)}`,
      `__dt_own=" ${BASH_OWN.join(' ')} "`,
      '__dt_save() {',
      '  local __dt_rc=$? __dt_v __dt_d __dt_f',
      '  { for __dt_v in $(compgen -v); do',
      '      case "$__dt_own" in *" $__dt_v "*) continue;; esac',
      '      case "$__dt_v" in __dt*|BASH*|FUNCNAME|PIPESTATUS|_) continue;; esac',
      '      __dt_d=$(declare -p "$__dt_v" 2>/dev/null) || continue',
      '      __dt_f=${__dt_d#declare -}; __dt_f=${__dt_f%% *}; [[ $__dt_f == *r* ]] && continue',
      '      echo "$__dt_d"',
      '    done',
      '    for __dt_f in $(compgen -A function); do [[ $__dt_f == __dt* || $__dt_f == curl ]] || declare -f "$__dt_f"; done',
      '    echo "cd $(printf %q "$PWD")"',
      `  } > ${q(this.state)}`,
      `  env -0 > ${q(this.envFile)}`,
      '  exit $__dt_rc',
      '}',
      'trap __dt_save EXIT',
      // An HTTP error answer fails the command (and so the block) but still prints its body.
      'curl() { command curl --fail-with-body "$@"; }',
      'set -euo pipefail',
      block.code,
    ].join('\n');
    return this.spawnBlock('bash', ['-c', script], timeoutMs).then((result) => {
      if (existsSync(this.envFile)) {
        this.env = Object.fromEntries(
          readFileSync(this.envFile, 'utf8').split('\0').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
        );
      }
      return result;
    });
  }

  private ts(block: DocBlock, timeoutMs: number): Promise<BlockResult> {
    const file = join(this.dir, `block-${++this.count}-line-${block.line}.mts`);
    writeFileSync(file, block.code);
    return this.spawnBlock(process.execPath, ['--import', 'tsx', file], timeoutMs, { TSX_TSCONFIG_PATH: join(this.dir, 'tsconfig.json') });
  }

  private py(block: DocBlock, timeoutMs: number): Promise<BlockResult> {
    if (!this.python) {
      const child = spawn('bash', ['-c', 'exec python3 -u -c "$0" 2>&1', PYTHON_DRIVER], { cwd: this.cwd, env: this.env, stdio: ['pipe', 'pipe', 'inherit'] });
      const python: NonNullable<DocSession['python']> = { child, output: '' };
      child.stdout!.on('data', (d: Buffer) => {
        python.output += d.toString();
        const done = new RegExp(`\\n${SENTINEL} (\\d)\\n`).exec(python.output);
        if (done && python.waiter) python.waiter(Number(done[1]));
      });
      child.on('exit', () => python.waiter?.(-1));
      this.python = python;
    }
    const python = this.python;
    const started = Date.now();
    return new Promise((done) => {
      const timer = setTimeout(() => python.child.kill('SIGKILL'), timeoutMs);
      python.output = '';
      python.waiter = (code) => {
        clearTimeout(timer);
        python.waiter = undefined;
        const output = python.output.split(`\n${SENTINEL}`)[0];
        if (code < 0) this.python = undefined;
        done({ code: code < 0 ? null : code, output, ms: Date.now() - started });
      };
      const cwd = readCwd(this.state) ?? this.cwd;
      python.child.stdin!.write(JSON.stringify({ code: block.code, name: `${block.file}:${block.line}`, env: this.env, cwd }) + '\n');
    });
  }

  private spawnBlock(cmd: string, args: string[], timeoutMs: number, extraEnv: Record<string, string> = {}): Promise<BlockResult> {
    const started = Date.now();
    return new Promise((done, fail) => {
      const child = spawn(cmd, args, { cwd: readCwd(this.state) ?? this.cwd, env: { ...this.env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      const killGroup = () => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // the group is gone already
        }
      };
      const timer = setTimeout(killGroup, timeoutMs);
      child.on('error', fail);
      child.on('exit', (code) => {
        clearTimeout(timer);
        killGroup(); // what the block left running in the background
        setTimeout(() => done({ code, output, ms: Date.now() - started }), 50); // the last bytes of the pipes
      });
    });
  }

  close(): void {
    this.python?.child.kill('SIGKILL');
    this.python = undefined;
  }
}

/** The directory the last sh block ended in (its state file's last line). */
function readCwd(state: string): string | undefined {
  if (!existsSync(state)) return undefined;
  const last = readFileSync(state, 'utf8').trim().split('\n').at(-1) ?? '';
  if (!last.startsWith('cd ')) return undefined;
  return spawnSync('bash', ['-c', `${last} && pwd`], { encoding: 'utf8' }).stdout.trim() || undefined;
}
