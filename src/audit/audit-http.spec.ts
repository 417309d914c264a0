import type { Response } from 'express';
import { describe, expect, it } from 'vitest';
import type { Principal } from '../common/auth/principal.js';
import { AUDIT_RESULT, httpAuditEvent, type AuditedRequest } from './audit-http.js';

const principal: Principal = {
  kind: 'token',
  id: 'tok-1',
  name: 'ci',
  platformAdmin: false,
  projectRoles: new Map(),
  scopes: new Set(['read', 'write']),
};

function req(overrides: Partial<AuditedRequest> & { path?: string } = {}): AuditedRequest {
  const path = overrides.path ?? '/v1/projects/alpha/tokens';
  return { method: 'POST', path, originalUrl: `${path}?secret=x`, headers: {}, params: {}, ip: '10.0.0.9', id: 'req-1', ...overrides } as unknown as AuditedRequest;
}
const res = (statusCode: number) => ({ statusCode }) as Response;

describe('httpAuditEvent', () => {
  it("a created token: id from the answer, whitelisted details, never the secret nor the query", () => {
    const r = req({ principal, project: { id: 'p-1', name: 'alpha' }, [AUDIT_RESULT]: { id: 't-2', name: 'new', role: 'VIEWER', token: 'bl_secret' } });
    const event = httpAuditEvent(r, res(201), '/v1/projects/:project/tokens')!;
    expect(event).toMatchObject({ actorType: 'token', actorId: 'tok-1', actorName: 'ci', projectId: 'p-1', project: 'alpha', action: 'token.create', resourceId: 't-2', outcome: 'success', status: 201, ip: '10.0.0.9', requestId: 'req-1' });
    expect(event.details).toEqual({ method: 'POST', path: '/v1/projects/alpha/tokens', id: 't-2', name: 'new', role: 'VIEWER' });
    expect(JSON.stringify(event)).not.toContain('secret');
  });

  it('a denial: anonymous, project named from the path, answer not read', () => {
    const event = httpAuditEvent(req({ path: '/v1/projects/be%20ta/training-jobs', [AUDIT_RESULT]: { id: 'x' } }), res(401), '/v1/projects/:project/training-jobs')!;
    expect(event).toMatchObject({ actorType: 'anonymous', actorId: null, project: 'be ta', projectId: null, outcome: 'denied', resourceId: null });
  });

  it("a job's own token is a job actor", () => {
    const event = httpAuditEvent(req({ principal: { ...principal, jobId: 'job-1' } }), res(201), undefined)!;
    expect(event.actorType).toBe('job');
  });

  it('inference: nothing when it succeeds or fails, an event when denied', () => {
    const r = req({ principal, path: '/v1/projects/alpha/endpoints/e/infer', params: { project: 'alpha', name: 'e' } });
    expect(httpAuditEvent(r, res(200), '/v1/projects/:project/endpoints/:name/infer')).toBeUndefined();
    expect(httpAuditEvent(r, res(502), '/v1/projects/:project/endpoints/:name/infer')).toBeUndefined();
    expect(httpAuditEvent(r, res(403), '/v1/projects/:project/endpoints/:name/infer')).toMatchObject({ action: 'endpoint.infer', resourceId: 'e', outcome: 'denied' });
  });

  it('an aborted request is recorded as failed with no status', () => {
    const event = httpAuditEvent(req({ principal }), res(200), '/v1/projects/:project/tokens', true)!;
    expect(event).toMatchObject({ outcome: 'failed', status: null });
    expect(event.details?.aborted).toBe(true);
  });

  it('a new project names itself as the project', () => {
    const event = httpAuditEvent(req({ principal, path: '/v1/projects', [AUDIT_RESULT]: { id: 'p-9', name: 'gamma' } }), res(201), '/v1/projects')!;
    expect(event).toMatchObject({ action: 'project.create', resourceId: 'gamma', project: 'gamma' });
  });
});
