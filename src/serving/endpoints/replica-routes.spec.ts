import { describe, expect, it } from 'vitest';
import { replicaPath } from './replica-routes.js';

describe('replicaPath', () => {
  it.each([
    ['/v2', '/v2'],
    ['/v2/', '/v2'],
    ['/v2/health/live', '/v2/health/live'],
    ['/v2/health/ready', '/v2/health/ready'],
    ['/v2/models/m', '/v2/models/m'],
    ['/v2/models/m/', '/v2/models/m'],
    ['/v2/models/m/ready', '/v2/models/m/ready'],
    ['/v2/models/m/infer', '/v2/models/m/infer'],
    ['/v2/models/m/versions/3', '/v2/models/m/versions/3'],
    ['/v2/models/m/versions/3/infer', '/v2/models/m/versions/3/infer'],
    ['/v2/models/my.model-1/versions/3/ready', '/v2/models/my.model-1/versions/3/ready'],
    // Decoded once and encoded again: the replica sees what matched, nothing more.
    ['/v2/models/a%20b/infer', '/v2/models/a%20b/infer'],
    ['/v2/models/%252e%252e/infer', '/v2/models/%252e%252e/infer'],
  ])('forwards %s as %s', (raw, forwarded) => {
    expect(replicaPath(raw)).toBe(forwarded);
  });

  it.each([
    '/metrics',
    '/v2/../metrics',
    '/v2/models/../../metrics',
    '/v2/models/m/../../../metrics',
    '/v2/%2e%2e/metrics',
    '/v2/%2E%2E/metrics',
    '/v2/models/%2e%2e%2fmetrics/infer',
    '/v2/models/m%2f..%2f..%2fmetrics',
    '/v2/models/..%5c..%5cmetrics/infer',
    '/v2\\..\\metrics',
    '/v2/models/m\\..\\..\\metrics',
    '/v2//metrics',
    '//v2/models/m/infer',
    '/v2/models//infer',
    '/v2/./health/live',
    '/v2/health',
    '/v2/health/live/x',
    '/v2/models',
    '/v2/models/m/versions',
    '/v2/models/m/versions/1/2',
    '/v2/models/m/load',
    '/v2/repository/index',
    '/v2/models/m/%00',
    '/v2/models/%zz',
    'v2',
    '',
  ])('refuses %s', (raw) => {
    expect(replicaPath(raw)).toBeUndefined();
  });
});
