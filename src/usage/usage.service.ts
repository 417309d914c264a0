import { Injectable } from '@nestjs/common';
import type { Principal } from '../common/auth/principal.js';
import { AppError } from '../common/errors/app-error.js';
import type { UsageKey, UsageQuery } from './usage.dto.js';
import { heldUsage, UNKNOWN_SUBMITTER } from './usage-ledger.js';
import { UsageRepository, type UsageSnapshot } from './usage.repository.js';
import type { UsageReport } from './usage.responses.js';
import { overlapSeconds } from './usage.js';

/** One attributed amount before grouping: a ledger group, or a running attempt's share of the range. */
export interface UsageAmount {
  projectId: string;
  queue: string;
  user: string;
  flavor: string;
  gpuSeconds: number;
  cpuSeconds: number;
  attempts: number;
}

const round = (n: number) => Math.round(n * 1000) / 1000;

/**
 * Every amount of a snapshot inside [from, to): the ledger's (already clipped in SQL) and,
 * for attempts still holding devices, what they used from their bind up to min(to, now).
 */
export function amountsOf(snapshot: UsageSnapshot, from: Date, to: Date, now: Date): UsageAmount[] {
  const out: UsageAmount[] = snapshot.ledger.map((g) => ({ projectId: g.projectId, queue: g.queue, user: g.submittedBy, flavor: g.flavor, gpuSeconds: g.gpuSeconds, cpuSeconds: g.cpuSeconds, attempts: g.attempts }));
  const until = new Date(Math.min(to.getTime(), now.getTime()));
  for (const job of snapshot.holding) {
    if (!job.scheduledAt || until <= job.scheduledAt) continue;
    const held = (until.getTime() - job.scheduledAt.getTime()) / 1000;
    const share = overlapSeconds(job.scheduledAt, until, from, to) / held;
    if (share <= 0) continue;
    for (const u of heldUsage(job, until)) {
      out.push({ projectId: job.projectId, queue: job.queue, user: job.submittedBy ?? UNKNOWN_SUBMITTER, flavor: u.flavor, gpuSeconds: u.gpuSeconds * share, cpuSeconds: u.cpuSeconds * share, attempts: 1 });
    }
  }
  return out;
}

@Injectable()
export class UsageService {
  constructor(private readonly repo: UsageRepository) {}

  /** Platform admins see every project; anyone else the projects their token or groups grant. */
  async report(principal: Principal, query: UsageQuery, now = new Date()): Promise<UsageReport> {
    const projectIds = await this.scope(principal, query.project);
    const snapshot = await this.repo.snapshot(query.from, query.to, projectIds);
    const amounts = amountsOf(snapshot, query.from, query.to, now);
    const names = await this.repo.projectNames([...new Set(amounts.map((a) => a.projectId))]);
    const groups = new Map<string, UsageReport['items'][number]>();
    const keys: UsageKey[] = query.groupBy;
    for (const a of amounts) {
      const labels: Record<UsageKey, string> = { project: names.get(a.projectId) ?? a.projectId, queue: a.queue, user: a.user, flavor: a.flavor };
      const id = keys.map((k) => labels[k]).join('\u0000');
      const row = groups.get(id) ?? { ...Object.fromEntries(keys.map((k) => [k, labels[k]])), gpuSeconds: 0, gpuHours: 0, cpuSeconds: 0, attempts: 0 };
      row.gpuSeconds += a.gpuSeconds;
      row.cpuSeconds += a.cpuSeconds;
      row.attempts += a.attempts;
      groups.set(id, row);
    }
    const items = [...groups.values()]
      .map((r) => ({ ...r, gpuSeconds: round(r.gpuSeconds), gpuHours: round(r.gpuSeconds / 3600), cpuSeconds: round(r.cpuSeconds) }))
      .filter((r) => r.gpuSeconds > 0 || r.cpuSeconds > 0)
      .sort((a, b) => b.gpuSeconds - a.gpuSeconds || b.cpuSeconds - a.cpuSeconds);
    const gpuSeconds = amounts.reduce((s, a) => s + a.gpuSeconds, 0);
    const cpuSeconds = amounts.reduce((s, a) => s + a.cpuSeconds, 0);
    return {
      from: query.from.toISOString(),
      to: query.to.toISOString(),
      groupBy: keys,
      items,
      total: { gpuSeconds: round(gpuSeconds), gpuHours: round(gpuSeconds / 3600), cpuSeconds: round(cpuSeconds) },
    };
  }

  /** null means every project. A project the caller cannot read is answered like a missing one. */
  private async scope(principal: Principal, project: string | undefined): Promise<string[] | null> {
    const mine = principal.platformAdmin ? null : [...principal.projectRoles.keys()];
    if (project === undefined) return mine;
    const id = await this.repo.projectIdByName(project);
    if (!id || (mine !== null && !mine.includes(id))) throw AppError.notFound(`Project '${project}'`);
    return [id];
  }
}
