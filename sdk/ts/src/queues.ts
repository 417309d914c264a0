import type { CallOptions, Http } from './http.js';
import type { ClusterQueue, ClusterQueueSpec, ClusterQueueUpdate, ProjectQueue, ProjectQueueSpec, ProjectQueueUpdate, QueueDrainResult, QueueRevision } from './types.js';

const seg = encodeURIComponent;

/** An ETag as `If-Match` wants it: a version number becomes `"3"`; a string (an ETag, or `*`) goes as is. */
export const etag = (version: number | string): string => (typeof version === 'number' ? `"${version}"` : version);

/**
 * What cluster and project queues share: every change is versioned. `update` needs the
 * version it read (`ifMatch`: the queue's `version`, or its ETag): a stale one is
 * PreconditionFailed (412), so two admins cannot overwrite each other's quota blindly.
 */
abstract class VersionedQueues<Queue, Spec, Update> {
  constructor(
    protected readonly http: Http,
    protected readonly base: () => string,
  ) {}

  /** Sorted by name. */
  async list(): Promise<Queue[]> {
    return (await this.http.json<{ items: Queue[] }>('GET', this.base())).items;
  }

  get(name: string): Promise<Queue> {
    return this.http.json('GET', `${this.base()}/${seg(name)}`);
  }

  /** Not retried (a POST without an Idempotency-Key); a lost answer shows as Conflict on the name when sent again. */
  create(spec: Spec): Promise<Queue> {
    return this.http.json('POST', this.base(), { json: spec });
  }

  /** Applies `changes` to the version read; PreconditionFailed when someone changed the queue since (read it again). */
  update(name: string, changes: Update, options: { ifMatch: number | string }): Promise<Queue> {
    return this.http.json('PATCH', `${this.base()}/${seg(name)}`, { json: changes, headers: { 'if-match': etag(options.ifMatch) } });
  }

  /** Every change, oldest first: the version, the action, the queue as it became and who changed it. */
  async history(name: string): Promise<QueueRevision[]> {
    return (await this.http.json<{ items: QueueRevision[] }>('GET', `${this.base()}/${seg(name)}/history`)).items;
  }

  /** The path and options of a DELETE; `ifMatch` is optional there (the server checks it when given). */
  protected deleting(name: string, ifMatch: number | string | undefined, query: CallOptions['query'] = {}): [string, CallOptions] {
    const headers: Record<string, string> = ifMatch === undefined ? {} : { 'if-match': etag(ifMatch) };
    return [`${this.base()}/${seg(name)}`, { query, headers }];
  }
}

/**
 * `bl.queues`: the queues of the client's project, the names its jobs give in `queue`, each
 * pointing at a cluster queue whose quota they use. Members change them, viewers read them.
 */
export class Queues extends VersionedQueues<ProjectQueue, ProjectQueueSpec, ProjectQueueUpdate> {
  /** Conflict (409) while jobs of the queue wait or run. */
  async delete(name: string, options: { ifMatch?: number | string } = {}): Promise<void> {
    await this.http.call('DELETE', ...this.deleting(name, options.ifMatch));
  }
}

/**
 * `bl.clusterQueues`: quota per resource flavor, cohorts, strategy and fair-sharing weight.
 * Anyone signed in reads them; platform admins change them. A change counts from the
 * controller's next scheduling cycle.
 */
export class ClusterQueues extends VersionedQueues<ClusterQueue, ClusterQueueSpec, ClusterQueueUpdate> {
  /**
   * Deletes the queue and its project queues. Conflict (409) while their jobs wait or run,
   * unless `drain`: the waiting jobs are cancelled (counted in the answer), running ones finish.
   */
  delete(name: string, options: { drain?: boolean; ifMatch?: number | string } = {}): Promise<QueueDrainResult> {
    return this.http.json('DELETE', ...this.deleting(name, options.ifMatch, { drain: options.drain ? 'true' : undefined }));
  }
}
