import { Groups, Tokens } from './access.js';
import { Audit } from './audit.js';
import { Datasets } from './datasets.js';
import { Endpoints } from './endpoints.js';
import { Http } from './http.js';
import { Models } from './models.js';
import { ClusterQueues, Queues } from './queues.js';
import { Training } from './training.js';
import type { PlatformTokenSpec, TokenSpec, WhoAmI } from './types.js';

export interface BeamlineOptions {
  /** The platform, e.g. http://127.0.0.1:8080 (Node: BEAMLINE_URL). */
  url?: string;
  /** API token (Node: BEAMLINE_TOKEN). */
  token?: string;
  /** Project name (Node: BEAMLINE_PROJECT, else `default`). */
  project?: string;
  /** Retries of idempotent calls on 502/503/504 and network errors (3). */
  retries?: number;
  /** First retry delay; doubles each time (250 ms). */
  retryBaseMs?: number;
  /** A fetch to use instead of the global one (tests, proxies, custom agents). */
  fetch?: typeof fetch;
}

/** Environment variables in Node; nothing in a browser, where `process` does not exist. */
function environment(): Record<string, string | undefined> {
  return (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};
}

/**
 * The Beamline API: `training`, `models`, `datasets`, `endpoints`, `queues`, `tokens` and `groups` of one
 * project; `clusterQueues` (read by anyone, changed by platform admins); `platformTokens` and
 * `audit` for platform admins; `whoami()` for anyone.
 */
export class Beamline {
  readonly url: string;
  readonly project: string;
  readonly training: Training;
  readonly models: Models;
  readonly datasets: Datasets;
  readonly endpoints: Endpoints;
  readonly queues: Queues;
  readonly clusterQueues: ClusterQueues;
  readonly tokens: Tokens<TokenSpec>;
  readonly platformTokens: Tokens<PlatformTokenSpec>;
  readonly groups: Groups;
  readonly audit: Audit;
  private readonly http: Http;

  constructor(options: BeamlineOptions = {}) {
    const env = environment();
    const url = options.url ?? env.BEAMLINE_URL;
    if (!url) throw new TypeError('Beamline needs a url (option `url` or BEAMLINE_URL)');
    this.url = url.replace(/\/+$/, '');
    this.project = options.project ?? env.BEAMLINE_PROJECT ?? 'default';
    const http = (this.http = new Http({
      url: this.url,
      token: options.token ?? env.BEAMLINE_TOKEN,
      fetch: options.fetch ?? ((input, init) => fetch(input, init)),
      retries: options.retries ?? 3,
      retryBaseMs: options.retryBaseMs ?? 250,
    }));
    const project = `/v1/projects/${encodeURIComponent(this.project)}`;
    this.training = new Training(http, () => `${project}/training-jobs`);
    this.models = new Models(http, () => `${project}/models`);
    this.datasets = new Datasets(http, () => `${project}/datasets`);
    this.endpoints = new Endpoints(http, () => `${project}/endpoints`);
    this.queues = new Queues(http, () => `${project}/queues`);
    this.clusterQueues = new ClusterQueues(http, () => '/v1/cluster-queues');
    this.tokens = new Tokens(http, () => `${project}/tokens`);
    this.platformTokens = new Tokens(http, () => '/v1/tokens');
    this.groups = new Groups(http, () => `${project}/groups`);
    this.audit = new Audit(http);
  }

  /** Who the token (or single sign-on session) is: its kind, name, scopes and role in each project. */
  whoami(): Promise<WhoAmI> {
    return this.http.json('GET', '/v1/auth/whoami');
  }
}
