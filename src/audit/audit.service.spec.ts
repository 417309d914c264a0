import { Logger } from '@nestjs/common';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MetricsService } from '../common/metrics/metrics.service.js';
import type { AuditEventInput } from './audit-event.js';
import type { AuditRepository } from './audit.repository.js';
import { AuditService } from './audit.service.js';

const event: AuditEventInput = {
  actorType: 'token',
  actorId: 'tok-1',
  actorName: 'ci',
  project: 'alpha',
  action: 'training-job.create',
  resourceType: 'training-job',
  resourceId: 'r'.repeat(1000),
  outcome: 'success',
  status: 201,
  ip: '127.0.0.1',
  requestId: 'req-1',
  details: { name: 'job' },
};

/** A strict fake: only `append` exists, so any other call fails the test. */
function service(append: AuditRepository['append']) {
  const metrics = new MetricsService();
  return { audit: new AuditService({ append } as AuditRepository, metrics), metrics };
}

afterEach(() => vi.restoreAllMocks());

describe('AuditService.record', () => {
  it('writes the row and one log line with the same fields', async () => {
    const log = vi.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    const append = vi.fn(async (e: AuditEventInput) => ({ ...e, id: 7n, at: new Date('2026-12-01T00:00:00Z') }) as never);
    await service(append).audit.record(event);
    expect(append).toHaveBeenCalledTimes(1);
    // Caller-chosen text (a route param) is bounded before it reaches the row.
    expect(append.mock.calls[0][0].resourceId).toHaveLength(256);
    expect(log).toHaveBeenCalledTimes(1);
    expect(log.mock.calls[0][0]).toMatchObject({ audit: true, id: '7', action: 'training-job.create', actorName: 'ci', requestId: 'req-1', outcome: 'success' });
  });

  it('a failed write never throws: it logs the whole event at error level and counts it', async () => {
    const error = vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const { audit, metrics } = service(async () => {
      throw new Error('connection refused');
    });
    await expect(audit.record(event)).resolves.toBeUndefined();
    expect(error).toHaveBeenCalledTimes(1);
    expect(error.mock.calls[0][0]).toMatchObject({ auditWriteFailed: true, action: 'training-job.create', requestId: 'req-1' });
    expect(await metrics.registry.getSingleMetricAsString('beamline_audit_write_failures_total')).toMatch(/ 1$/m);
  });
});
