import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { isAlive } from '../worker-process.js';
import { supervisorsCarrying } from './stray-replicas.js';

const started: number[] = [];
afterAll(() => {
  for (const pid of started) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
});

/** A long-lived process with `arg` in its argv, as a supervisor has its exit file. */
function sleeper(arg: string): number {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', arg], { stdio: 'ignore', detached: true });
  child.unref();
  started.push(child.pid!);
  return child.pid!;
}

describe('supervisorsCarrying', () => {
  it('finds the processes whose argv holds an exit file, by exact argument, and nothing else', async () => {
    const a = sleeper('/tmp/ep-x/replica-aaa.exit');
    const b = sleeper('/tmp/ep-x/replica-bbb.exit');
    sleeper('/tmp/ep-x/replica-aaa.exit.old'); // a longer path is not the same file
    const found = await supervisorsCarrying(['/tmp/ep-x/replica-aaa.exit', '/tmp/ep-x/replica-bbb.exit', '/tmp/ep-x/replica-ccc.exit']);
    expect(found.get('/tmp/ep-x/replica-aaa.exit')).toEqual([a]);
    expect(found.get('/tmp/ep-x/replica-bbb.exit')).toEqual([b]);
    expect(found.has('/tmp/ep-x/replica-ccc.exit')).toBe(false);
  });

  it('looks for nothing when asked for nothing', async () => {
    expect((await supervisorsCarrying([])).size).toBe(0);
  });
});
