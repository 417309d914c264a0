import { describe, expect, it } from 'vitest';
import { LogSourceGone, type ClusterDriver } from '../cluster/cluster-driver.js';
import type { ArchivedLogs } from './logs/archived-logs.js';
import type { TrainingRepository } from './training.repository.js';
import { TrainingLogs } from './training.logs.js';

const ID = '0b6f1c3e-7d7a-4d51-9a43-5f6f3c1e2a10';
const project = { id: 'p', name: 'default' };
const job = (status: string) => ({ id: ID, projectId: 'p', status, attempt: 0, workers: 1, scheduledAt: new Date(), startedAt: status === 'Scheduled' ? null : new Date() });

/** Strict fakes: the repository answers the statuses given in order; the driver records when it was asked. */
function setup(statuses: string[], live: 'there' | 'gone' = 'there') {
  const asked: string[] = [];
  let reads = 0;
  const repo = {
    findInProject: async () => {
      const status = statuses[Math.min(reads++, statuses.length - 1)];
      asked.push(`read ${status}`);
      return job(status);
    },
  } as unknown as TrainingRepository;
  const driver = {
    logs: async function* () {
      asked.push('driver.logs');
      if (live === 'gone') throw new LogSourceGone('worker 0');
      yield 'hello\n';
    },
  } as unknown as ClusterDriver;
  const archive = {
    read: async function* () {
      asked.push('archive.read');
      yield 'archived\n';
    },
  } as unknown as ArchivedLogs;
  return { logs: new TrainingLogs(repo, archive, driver), asked };
}

async function read(stream: AsyncIterable<string>): Promise<string> {
  let out = '';
  for await (const chunk of stream) out += chunk;
  return out;
}

describe('TrainingLogs', () => {
  it('a follow of a Scheduled job waits until it starts, then streams', async () => {
    const { logs, asked } = setup(['Scheduled', 'Scheduled', 'Scheduled', 'Running', 'Succeeded']);
    const out = await read(await logs.open(project, ID, { follow: true, worker: 0 }, new AbortController().signal));
    expect(out).toBe('hello\n');
    expect(asked).toEqual(['read Scheduled', 'read Scheduled', 'read Scheduled', 'read Running', 'driver.logs', 'read Succeeded']);
  });

  it('without follow, a Scheduled job answers at once with what there is', async () => {
    const { logs, asked } = setup(['Scheduled']);
    expect(await read(await logs.open(project, ID, { follow: false, worker: 0 }, new AbortController().signal))).toBe('hello\n');
    expect(asked).toEqual(['read Scheduled', 'driver.logs']);
  });

  it('stops waiting when the client goes away', async () => {
    const { logs, asked } = setup(['Scheduled']);
    const abort = new AbortController();
    const stream = await logs.open(project, ID, { follow: true, worker: 0 }, abort.signal);
    setTimeout(() => abort.abort(), 300);
    expect(await read(stream)).toBe('');
    expect(asked).not.toContain('driver.logs');
  });

  it('serves the live log while the cluster has it, without reading the archive', async () => {
    const { logs, asked } = setup(['Succeeded']);
    expect(await read(await logs.open(project, ID, { follow: true, worker: 0 }, new AbortController().signal))).toBe('hello\n');
    expect(asked).toEqual(['read Succeeded', 'driver.logs', 'read Succeeded']);
  });

  it('a follow ends once the attempt is recorded as ended, not only when its log closes', async () => {
    // The log closes while the controller has not yet recorded the exit: Running twice, then Succeeded.
    const { logs, asked } = setup(['Running', 'Running', 'Running', 'Succeeded']);
    expect(await read(await logs.open(project, ID, { follow: true, worker: 0 }, new AbortController().signal))).toBe('hello\n');
    expect(asked).toEqual(['read Running', 'driver.logs', 'read Running', 'read Running', 'read Succeeded']);
  });

  it('without follow, ends with the log even while the job runs', async () => {
    const { logs, asked } = setup(['Running']);
    expect(await read(await logs.open(project, ID, { follow: false, worker: 0 }, new AbortController().signal))).toBe('hello\n');
    expect(asked).toEqual(['read Running', 'driver.logs']);
  });

  it('serves the archive once the live log is gone, and a follow ends with it', async () => {
    const { logs, asked } = setup(['Succeeded'], 'gone');
    expect(await read(await logs.open(project, ID, { follow: true, worker: 0 }, new AbortController().signal))).toBe('archived\n');
    expect(asked).toEqual(['read Succeeded', 'driver.logs', 'archive.read', 'read Succeeded']);
  });
});
