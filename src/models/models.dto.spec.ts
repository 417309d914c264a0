import { describe, expect, it } from 'vitest';
import { parseOrThrow } from '../common/validation/zod.js';
import { AppError } from '../common/errors/app-error.js';
import { aliasNameSchema, createModelSchema, createVersionSchema, listModelsSchema, versionRefSchema } from './models.dto.js';

const fieldsOf = (schema: Parameters<typeof parseOrThrow>[0], value: unknown) => {
  try {
    parseOrThrow(schema, value);
    return [];
  } catch (error) {
    return (error as AppError).errors.map((e) => e.field);
  }
};

describe('versionRefSchema', () => {
  it.each([
    ['1', { kind: 'number', version: 1 }],
    ['42', { kind: 'number', version: 42 }],
    ['latest', { kind: 'latest' }],
    ['@production', { kind: 'alias', alias: 'production' }],
  ])('%s', (raw, ref) => {
    expect(parseOrThrow(versionRefSchema, raw)).toEqual(ref);
  });

  it.each(['0', '01', '-1', '1.5', '@', '@Prod', '@latest', 'production', ''])('refuses %j', (raw) => {
    expect(() => parseOrThrow(versionRefSchema, raw)).toThrow(AppError);
  });
});

describe('registry DTOs', () => {
  it('fills defaults and de-duplicates tags', () => {
    expect(parseOrThrow(createModelSchema, { name: 'm', tags: ['a', 'a', 'b'] })).toEqual({ name: 'm', description: '', tags: ['a', 'b'], metadata: {} });
    expect(parseOrThrow(createVersionSchema, { sha256: 'A'.repeat(64) }).sha256).toBe('a'.repeat(64));
    expect(parseOrThrow(listModelsSchema, { tag: 'a, b' }).tag).toEqual(['a', 'b']);
  });

  it.each([
    [createModelSchema, { name: 'UPPER' }, 'name'],
    [createModelSchema, { name: 'm', metadata: { k: [1] } }, 'metadata.k'],
    [createVersionSchema, { metrics: { loss: 'x' } }, 'metrics.loss'],
    [createVersionSchema, { trainingJobId: 'job-1' }, 'trainingJobId'],
    [aliasNameSchema, 'latest', '(root)'],
    [aliasNameSchema, '9lives', '(root)'],
  ])('names the field (%#)', (schema, value, field) => {
    expect(fieldsOf(schema, value)).toContain(field);
  });
});
