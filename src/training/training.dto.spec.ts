import { describe, expect, it } from 'vitest';
import { parseOrThrow } from '../common/validation/zod.js';
import { AppError } from '../common/errors/app-error.js';
import { listTrainingJobsSchema, normaliseResources, submitTrainingJobSchema } from './training.dto.js';

const valid = {
  name: 'resnet-sweep',
  image: 'ghcr.io/lab/train:1.2',
  command: ['python', 'train.py'],
  resources: { cpu: '4', memory: '16Gi', gpu: { count: 2, product: ['NVIDIA-A100-SXM4-80GB'] } },
};

function fieldsOf(body: unknown): string[] {
  try {
    parseOrThrow(submitTrainingJobSchema, body);
  } catch (error) {
    return (error as AppError).errors.map((e) => e.field);
  }
  return [];
}

describe('submitTrainingJobSchema', () => {
  it('accepts a valid job and fills defaults', () => {
    const job = parseOrThrow(submitTrainingJobSchema, valid);
    expect(job).toMatchObject({ workers: 1, priority: 0, queue: 'default', maxRetries: 0, args: [], env: {} });
    expect(job.resources).toMatchObject({ cpu: 4000, memory: 16384 });
  });

  it.each([
    [{ ...valid, name: 'Bad_Name' }, 'name'],
    [{ ...valid, image: '' }, 'image'],
    [{ ...valid, command: 'python train.py' }, 'command'],
    [{ ...valid, env: { 'not-valid': 'x' } }, 'env.not-valid'],
    [{ ...valid, workers: 0 }, 'workers'],
    [{ ...valid, workers: 1.5 }, 'workers'],
    [{ ...valid, priority: 5000 }, 'priority'],
    [{ ...valid, workingDir: '/' }, 'workingDir'],
    [{ ...valid, workingDir: '/work' }, 'workingDir'],
    [{ ...valid, workingDir: '../../x' }, 'workingDir'],
    [{ ...valid, workingDir: 'a/../../x' }, 'workingDir'],
    [{ ...valid, resources: { ...valid.resources, cpu: 'lots' } }, 'resources.cpu'],
    [{ ...valid, resources: { ...valid.resources, memory: 16 } }, 'resources.memory'],
    [{ ...valid, resources: { ...valid.resources, gpu: { count: 1, fraction: 0.5 } } }, 'resources.gpu'],
    [{ ...valid, resources: { ...valid.resources, gpu: { fraction: 1.5 } } }, 'resources.gpu.fraction'],
    [{ ...valid, resources: { ...valid.resources, gpu: { migProfile: '9g.big' } } }, 'resources.gpu.migProfile'],
    [{ ...valid, resources: { ...valid.resources, gpu: { count: 1, vendor: 'amd' } } }, 'resources.gpu.vendor'],
    [{ ...valid, surprise: true }, 'surprise'],
    [{ ...valid, timeoutSeconds: -1 }, 'timeoutSeconds'],
    [{ ...valid, startTimeoutSeconds: 0 }, 'startTimeoutSeconds'],
    [{ ...valid, startTimeoutSeconds: -5 }, 'startTimeoutSeconds'],
    [{ ...valid, startTimeoutSeconds: 2.5 }, 'startTimeoutSeconds'],
    [{ ...valid, startTimeoutSeconds: '60' }, 'startTimeoutSeconds'],
  ])('names the offending field (%#)', (body, field) => {
    expect(fieldsOf(body)).toContain(field);
  });

  it('defaults startTimeoutSeconds to 10 minutes', () => {
    expect(parseOrThrow(submitTrainingJobSchema, valid).startTimeoutSeconds).toBe(600);
  });

  it('accepts a workingDir relative to the job directory', () => {
    for (const workingDir of ['src', 'runs/1', './x', 'a/./b']) expect(fieldsOf({ ...valid, workingDir })).toEqual([]);
  });

  it('reports every missing required field', () => {
    expect(fieldsOf({})).toEqual(expect.arrayContaining(['name', 'image', 'resources']));
  });

  it('takes a topology (mode defaults to required), kept with the stored resources; refuses unknown scopes', () => {
    const job = parseOrThrow(submitTrainingJobSchema, { ...valid, workers: 4, topology: { scope: 'rack' } });
    expect(normaliseResources(job.resources, job.topology).topology).toEqual({ scope: 'rack', mode: 'required' });
    expect(fieldsOf({ ...valid, topology: { scope: 'zone' } })).toEqual(['topology.scope']);
  });
});

describe('normaliseResources', () => {
  it('turns a fraction into milli-GPU and a single product into a list', () => {
    const job = parseOrThrow(submitTrainingJobSchema, {
      ...valid,
      resources: { cpu: '500m', memory: '512Mi', gpu: { fraction: 0.25, product: 'T4', minMemoryMiB: 8000 } },
    });
    expect(normaliseResources(job.resources)).toEqual({
      cpuMilli: 500,
      memoryMiB: 512,
      gpu: { milli: 250, products: ['T4'], minMemoryMiB: 8000 },
    });
  });
});

describe('listTrainingJobsSchema', () => {
  it('parses a comma-separated status filter and refuses unknown statuses', () => {
    expect(parseOrThrow(listTrainingJobsSchema, { status: 'Queued,Running' }).status).toEqual(['Queued', 'Running']);
    expect(() => parseOrThrow(listTrainingJobsSchema, { status: 'Sleeping' })).toThrow(AppError);
    expect(() => parseOrThrow(listTrainingJobsSchema, { limit: '1000' })).toThrow(AppError);
  });
});
