import { describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS, auditActionFor, outcomeOf } from './audit-actions.js';

describe('auditActionFor', () => {
  it.each([
    ['POST', '/v1/projects/:project/training-jobs', 'training-job.create'],
    ['post', '/v1/projects/:project/training-jobs', 'training-job.create'],
    ['PUT', '/v1/projects/:project/models/:name/aliases/:alias', 'model-alias.set'],
    ['DELETE', '/v1/projects/:project/endpoints/:name', 'endpoint.delete'],
    // @All routes are keyed ALL and found for any method.
    ['PUT', '/v1/projects/:project/endpoints/:name/v2/*path', 'endpoint.infer'],
    // Not in the table: still recorded, named after the method.
    ['POST', '/v1/projects/:project/something-new', 'http.post'],
    ['DELETE', undefined, 'http.delete'],
  ])('%s %s → %s', (method, path, action) => {
    expect(auditActionFor(method, path).action).toBe(action);
  });

  it('the fallback names the route, or unmatched', () => {
    expect(auditActionFor('POST', '/v1/x').resource).toBe('/v1/x');
    expect(auditActionFor('POST', undefined).resource).toBe('unmatched');
  });

  it('keys are METHOD /v1/path, actions resource.verb, and only inference is denied-only', () => {
    for (const [key, entry] of Object.entries(AUDIT_ACTIONS)) {
      expect(key).toMatch(/^(POST|PUT|PATCH|DELETE|ALL) \/v1\//);
      expect(entry.action).toMatch(/^[a-z-]+\.[a-z-]+$/);
      expect(entry.action.startsWith(`${entry.resource}.`) || entry.action === 'auth.login').toBe(true);
      if (entry.deniedOnly) expect(entry.action).toBe('endpoint.infer');
    }
  });

  it('no entry copies the token secret from an answer', () => {
    for (const entry of Object.values(AUDIT_ACTIONS)) {
      expect(entry.fromResponse?.details ?? []).not.toContain('token');
      expect(entry.fromResponse?.id).not.toBe('token');
    }
  });
});

describe('outcomeOf', () => {
  it.each([
    [200, 'success'],
    [201, 'success'],
    [204, 'success'],
    [401, 'denied'],
    [403, 'denied'],
    [400, 'failed'],
    [404, 'failed'],
    [409, 'failed'],
    [429, 'failed'],
    [500, 'failed'],
  ])('%i → %s', (status, outcome) => {
    expect(outcomeOf(status)).toBe(outcome);
  });
});
