import { describe, expect, it } from 'vitest';
import { AppError, ErrorCode } from '../../common/errors/app-error.js';
import type { ModelVersionsService } from '../../models/model-versions.service.js';
import type { EndpointRow, EndpointsRepository } from './endpoints.repository.js';
import { EndpointsService } from './endpoints.service.js';

const project = { id: 'p1', name: 'lab' } as never;

function row(name: string): EndpointRow {
  const at = new Date('2026-12-07T12:00:00Z');
  return { id: `id-${name}`, name, desiredRevision: 1, goodRevision: 1, replicas: 1, phase: 'Deleting', reason: null, message: null, observed: {}, canary: null, shadow: null, alias: null, maxSurge: 1, progressDeadlineSeconds: 60, createdAt: at, updatedAt: at, model: { name: 'iris' } } as unknown as EndpointRow;
}

/** A repository where `gone` endpoints were read as rows but their deletion (revisions cascade) finished before the revision read. */
function service(rows: EndpointRow[], gone: Set<string>) {
  const template = { model: { version: 1 }, resources: { cpu: '1', memory: '1Gi', gpu: null }, batching: {}, env: {}, replicas: 1 };
  const repo = {
    find: async (_p: string, name: string) => rows.find((r) => r.name === name) ?? null,
    list: async () => rows,
    revision: async (endpointId: string) => (gone.has(endpointId) ? null : { template }),
  } as unknown as EndpointsRepository;
  return new EndpointsService(repo, {} as ModelVersionsService);
}

describe('EndpointsService while a deletion finishes', () => {
  it('answers 404, not a TypeError (500), when the revisions went after the row was read', async () => {
    const err = await service([row('iris')], new Set(['id-iris'])).get(project, 'iris').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe(ErrorCode.NotFound);
    expect((err as AppError).message).toContain("Endpoint 'iris'");
  });

  it('lists the others, leaving out the one whose deletion finished between the reads', async () => {
    const page = await service([row('a'), row('b'), row('c')], new Set(['id-b'])).list(project, { limit: 10 } as never);
    expect(page.items.map((v) => v.name)).toEqual(['a', 'c']);
  });

  it('still serves an endpoint whose revision is there', async () => {
    expect((await service([row('iris')], new Set()).get(project, 'iris')).modelVersion).toBe(1);
  });
});
