import { Agent as HttpAgent } from 'node:http';
import { Agent } from 'node:https';
import { HttpMethod, KubeConfig, RequestContext } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { KeepAliveAuth } from './k8s-keep-alive.js';

/** A KubeConfig that does what client-node 1.x does per request: a new agent from its TLS material, and a header. */
function kubeConfig(material: () => { cert: string; key: string }, agentOf: (o: object) => object = (o) => new Agent(o)): KubeConfig {
  const kc = new KubeConfig();
  kc.applySecurityAuthentication = async (context: RequestContext) => {
    context.setHeaderParam('Authorization', 'Bearer t');
    context.setAgent(agentOf({ ...material(), ca: 'ca', rejectUnauthorized: true }) as Agent);
  };
  return kc;
}

async function agentFor(auth: KeepAliveAuth): Promise<{ agent: unknown; headers: Record<string, string> }> {
  const context = new RequestContext('https://127.0.0.1:6443/api/v1/pods', HttpMethod.GET);
  await auth.applySecurityAuthentication(context);
  return { agent: context.getAgent(), headers: context.getHeaders() };
}

describe('KeepAliveAuth', () => {
  it('gives every request with the same TLS material one shared keep-alive agent, and keeps what the KubeConfig set', async () => {
    const auth = new KeepAliveAuth(kubeConfig(() => ({ cert: 'c1', key: 'k1' })));
    const [a, b] = [await agentFor(auth), await agentFor(auth)];
    expect(a.agent).toBe(b.agent);
    expect((a.agent as Agent & { keepAlive: boolean }).keepAlive).toBe(true);
    expect((a.agent as Agent).options).toMatchObject({ cert: 'c1', key: 'k1', ca: 'ca', rejectUnauthorized: true });
    expect(a.headers.Authorization).toBe('Bearer t');
    auth.destroy();
  });

  it('gives new TLS material (a rotated client certificate) its own agent', async () => {
    let cert = 'c1';
    const auth = new KeepAliveAuth(kubeConfig(() => ({ cert, key: 'k1' })));
    const before = await agentFor(auth);
    cert = 'c2';
    const after = await agentFor(auth);
    expect(after.agent).not.toBe(before.agent);
    expect((after.agent as Agent).options).toMatchObject({ cert: 'c2' });
    auth.destroy();
  });

  it('leaves an agent that is not https (a proxy, plain http) as the KubeConfig made it', async () => {
    const made: object[] = [];
    const auth = new KeepAliveAuth(kubeConfig(() => ({ cert: 'c', key: 'k' }), (o) => (made.push(new HttpAgent(o)), made.at(-1)!)));
    expect((await agentFor(auth)).agent).toBe(made[0]);
    expect((await agentFor(auth)).agent).toBe(made[1]);
  });
});
