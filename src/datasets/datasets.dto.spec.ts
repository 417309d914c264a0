import { describe, expect, it } from 'vitest';
import { datasetUriSchema } from './datasets.dto.js';

describe('datasetUriSchema', () => {
  it.each([
    ['pvc://lab-data/images/2026', { kind: 'pvc', claim: 'lab-data', path: 'images/2026' }],
    ['pvc://lab-data', { kind: 'pvc', claim: 'lab-data', path: '' }],
    ['pvc://lab-data//a/', { kind: 'pvc', claim: 'lab-data', path: 'a' }],
    ['s3://lab-bucket/images/', { kind: 's3', bucket: 'lab-bucket', prefix: 'images/' }],
  ])('parses %s', (raw, expected) => expect(datasetUriSchema.parse(raw)).toEqual(expected));

  it.each(['pvc://lab-data/../etc', 'pvc://Lab/x', 's3://A_B/x', 'ftp://x/y', '/data', 'pvc://ns/claim/./x'])('refuses %s', (raw) => {
    expect(datasetUriSchema.safeParse(raw).success).toBe(false);
  });
});
