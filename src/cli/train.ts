import type { Beamline, JobRef, TrainingJob, TrainingJobSpec, TrainingStatus } from '../../sdk/ts/src/index.js';
import { int, parse, positional, readSpec, str, timeoutMs, type Values } from './args.js';
import { fields, present, table, UsageError, type Output } from './output.js';

export const TRAIN_USAGE = `usage: beamline train <command> [options]

  submit -f job.yaml [--wait [--timeout s]] [--idempotency-key k]
  wait <id> [--timeout s]
  list [--status Queued,Running] [--queue q] [--name-prefix p] [--limit n]
  get <id>
  events <id>
  logs <id> [-f|--follow] [--worker n] [--attempt n]
  cancel <id>
  resume <id>

common: --json  --url  --token  --project

A job that ends Failed or Cancelled under --wait (or train wait) exits 7 and prints its
reason, message and last log lines on stderr.
`;

const since = (start: number) => `${Math.round((Date.now() - start) / 1000)}s`;

function jobRows(jobs: TrainingJob[]): string {
  return table(['ID', 'NAME', 'STATUS', 'QUEUE', 'WORKERS', 'CREATED'], jobs.map((j) => [j.id, j.name, j.status, j.queue, j.workers, j.createdAt]));
}

function jobFields(job: TrainingJob): string {
  return fields([
    ['id', job.id], ['name', job.name], ['status', job.status], ['reason', job.statusReason],
    // A Queued job says why it waits and where it stands (docs/queues.md).
    ...present('pending', job.pendingReason),
    ...present('queue position', job.queuePosition),
    ...present('unschedulable since', job.unschedulableSince),
    ...present('estimated start', job.estimatedStartAt),
    ...present('preempted by', job.preemptedBy),
    ['image', job.image], ['command', [...job.command, ...job.args].join(' ')], ['queue', job.queue], ['workers', job.workers],
    ['attempt', job.attempt], ['placement', job.placement], ['created', job.createdAt], ['started', job.startedAt],
    ['finished', job.finishedAt], ['models', job.modelVersions?.map((v) => `${v.model}:${v.version}`).join(', ')],
  ]);
}

/**
 * Follows a job to its end with progress on stderr. A Failed or Cancelled job rejects with
 * the SDK's JobFailedError, which exits 7 with its reason and log tail (output.ts).
 */
async function waitFor(sdk: Beamline, job: JobRef, values: Values, out: Output): Promise<void> {
  const start = Date.now();
  let last = '';
  const done = await sdk.training.wait(job, {
    timeoutMs: timeoutMs(values.timeout),
    onProgress: (j) => {
      const line = `${j.status}${j.pendingReason ? `: ${j.pendingReason}` : ''}`;
      if (line !== last) out.progress(`[${since(start)}] ${j.name} ${(last = line)}`);
    },
  });
  out.result(done, () => jobFields(done));
}

export async function train(argv: string[], out: Output): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'submit': {
      const p = parse(rest, { file: { type: 'string', short: 'f' }, wait: { type: 'boolean' }, timeout: { type: 'string' }, 'idempotency-key': { type: 'string' } });
      const file = str(p.values.file);
      if (!file) throw new UsageError('submit needs -f <job.yaml>');
      const spec = (await readSpec(file)) as TrainingJobSpec;
      const sdk = await p.client();
      const job = await sdk.training.submit(spec, { idempotencyKey: str(p.values['idempotency-key']) });
      if (!p.values.wait) return out.result(job, () => `submitted ${job.name} ${job.id} (${job.status})\n`);
      out.progress(`submitted ${job.name} ${job.id}; waiting`);
      return waitFor(sdk, job, p.values, out);
    }
    case 'wait': {
      const p = parse(rest, { timeout: { type: 'string' } });
      return waitFor(await p.client(), positional(p, 0, 'id'), p.values, out);
    }
    case 'list': {
      const p = parse(rest, { status: { type: 'string' }, queue: { type: 'string' }, 'name-prefix': { type: 'string' }, limit: { type: 'string' } });
      const sdk = await p.client();
      const status = str(p.values.status)?.split(',') as TrainingStatus[] | undefined;
      const limit = int(p.values.limit, '--limit', 1) ?? 50;
      const jobs = await sdk.training.list({ status, queue: str(p.values.queue), namePrefix: str(p.values['name-prefix']), limit: Math.min(limit, 200) }).first(limit);
      return out.result(jobs, () => jobRows(jobs));
    }
    case 'get': {
      const p = parse(rest);
      const job = await (await p.client()).training.get(positional(p, 0, 'id'));
      return out.result(job, () => jobFields(job));
    }
    case 'events': {
      const p = parse(rest);
      const events = await (await p.client()).training.events(positional(p, 0, 'id'));
      return out.result(events, () => table(['AT', 'FROM', 'TO', 'REASON', 'MESSAGE'], events.map((e) => [e.at, e.from, e.to, e.reason, e.message])));
    }
    case 'logs': {
      const p = parse(rest, { follow: { type: 'boolean', short: 'f' }, worker: { type: 'string' }, attempt: { type: 'string' } });
      const sdk = await p.client();
      const lines = sdk.training.logs(positional(p, 0, 'id'), {
        follow: Boolean(p.values.follow),
        worker: int(p.values.worker, '--worker'),
        attempt: int(p.values.attempt, '--attempt'),
      });
      // People see lines as they come; --json collects them into one document.
      const collected: string[] = [];
      for await (const line of lines) {
        if (out.json) collected.push(line);
        else process.stdout.write(`${line}\n`);
      }
      if (out.json) out.result({ lines: collected }, () => '');
      return;
    }
    case 'cancel': {
      const p = parse(rest);
      const job = await (await p.client()).training.cancel(positional(p, 0, 'id'));
      return out.result(job, () => `${job.name} ${job.id} ${job.status}\n`);
    }
    case 'resume': {
      const p = parse(rest);
      const job = await (await p.client()).training.resume(positional(p, 0, 'id'));
      return out.result(job, () => `${job.name} ${job.id} ${job.status} (attempt ${job.attempt}, resumes from its last checkpoint)\n`);
    }
    default:
      throw new UsageError(command ? `unknown command 'train ${command}'` : 'missing command');
  }
}
