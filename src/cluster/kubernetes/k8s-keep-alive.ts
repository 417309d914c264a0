import { createHash } from 'node:crypto';
import { Agent } from 'node:https';
import { createConfiguration, ServerConfiguration, type Configuration, type KubeConfig, type RequestContext, type SecurityAuthentication } from '@kubernetes/client-node';

/**
 * client-node 1.x builds a new https.Agent for every request (KubeConfig.applySecurityAuthentication),
 * so no connection is ever reused: each API call pays a TCP and a TLS handshake (with client-
 * certificate verification) on both ends, which on a small control plane costs the API server
 * more CPU than the call itself. kube-scheduler's Go client keeps one connection.
 *
 * This auth method lets the KubeConfig do everything it does (headers, token files re-read,
 * TLS material) and then hands the request one keep-alive agent per distinct TLS material, so
 * concurrent calls share a pool of open connections. Proxy agents and plain http are left as
 * client-node made them.
 */
export class KeepAliveAuth implements SecurityAuthentication {
  private readonly agents = new Map<string, Agent>();

  constructor(private readonly kc: KubeConfig) {}

  getName(): string {
    return 'keep-alive';
  }

  async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await this.kc.applySecurityAuthentication(context);
    const made = context.getAgent();
    if (!(made instanceof Agent)) return;
    const o = made.options;
    const key = createHash('sha256')
      .update(JSON.stringify([o.ca, o.cert, o.key, o.pfx, o.passphrase, o.servername, o.rejectUnauthorized].map((v) => (v === undefined ? null : String(v)))))
      .digest('hex');
    let shared = this.agents.get(key);
    if (!shared) {
      shared = new Agent({ ...o, keepAlive: true });
      this.agents.set(key, shared);
    }
    context.setAgent(shared);
  }

  /** Closes the pooled connections (a stopped driver keeps no socket open). */
  destroy(): void {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
  }
}

/** Like kc.makeApiClient(type), with connections kept alive and reused (KeepAliveAuth). */
export function makeKeepAliveClient<T>(kc: KubeConfig, auth: KeepAliveAuth, apiClientType: new (config: Configuration) => T): T {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('No active cluster!');
  return new apiClientType(createConfiguration({ baseServer: new ServerConfiguration(cluster.server, {}), authMethods: { default: auth } }));
}
