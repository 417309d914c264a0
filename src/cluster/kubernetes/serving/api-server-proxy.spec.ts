import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReplicaPathError } from '../../../serving/endpoints/replica-access.js';
import { ApiServerProxyAccess, serviceProxyPath } from './api-server-proxy.js';

describe('serviceProxyPath', () => {
  it.each([
    ['http://ep-vision-resnet.beamline-jobs.svc:8080', '/v2/models/m/infer', '/api/v1/namespaces/beamline-jobs/services/ep-vision-resnet:8080/proxy/v2/models/m/infer'],
    ['http://ep-a-b.ns.svc.cluster.local:8080', '/v2/health/ready?x=1', '/api/v1/namespaces/ns/services/ep-a-b:8080/proxy/v2/health/ready?x=1'],
    ['http://ep-a-b.ns.svc', '/v2', '/api/v1/namespaces/ns/services/ep-a-b:80/proxy/v2'],
  ])('%s + %s', (upstream, path, expected) => {
    expect(serviceProxyPath(upstream, path)).toBe(expected);
  });

  it.each(['http://127.0.0.1:41234', 'http://ep-a.example.com:8080', 'https://ep-a.ns.svc:8080', 'http://ep_a.ns.svc:8080', 'http://ep-a.svc:8080'])('refuses %s', (upstream) => {
    expect(() => serviceProxyPath(upstream, '/v2')).toThrow(/not a Kubernetes Service URL/);
  });
});

/**
 * A stand-in API server on plain HTTP (the real one is in test/k8s/in-cluster.test.ts):
 * it records what arrives and answers what the test asks for.
 */
describe('ApiServerProxyAccess', () => {
  let server: Server;
  let seen: { url?: string; headers?: IncomingHttpHeaders; body?: string } = {};
  let answer: { status: number; body: string; type?: string } = { status: 200, body: '{}' };
  let access: ApiServerProxyAccess;
  const upstream = 'http://ep-p-e.ns.svc:8080';
  const send = () => access.send(upstream, { method: 'POST', path: '/v2/models/m/infer', headers: { 'content-type': 'application/json' }, body: Buffer.from('{"inputs":[]}'), replicaToken: 'rt' });
  const text = async (body: NodeJS.ReadableStream) => {
    let out = '';
    for await (const c of body) out += String(c);
    return out;
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen = { url: req.url, headers: req.headers, body };
        res.writeHead(answer.status, { 'content-type': answer.type ?? 'application/json', 'content-length': Buffer.byteLength(answer.body) }).end(answer.body);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'c', server: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, skipTLSVerify: true }],
      users: [{ name: 'u', token: 'kube-token' }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      currentContext: 'x',
    });
    access = new ApiServerProxyAccess(kc);
  });
  afterAll(() => new Promise((r) => server.close(r)));

  it("sends to the Service's proxy path with the kubeconfig's credentials and the replica token in its own header", async () => {
    answer = { status: 200, body: '{"outputs":[]}' };
    const got = await send();
    expect(got.statusCode).toBe(200);
    expect(await text(got.body)).toBe('{"outputs":[]}');
    expect(seen.url).toBe('/api/v1/namespaces/ns/services/ep-p-e:8080/proxy/v2/models/m/infer');
    expect(seen.headers).toMatchObject({ authorization: 'Bearer kube-token', 'x-beamline-replica-token': 'rt', 'content-type': 'application/json' });
    expect(seen.body).toBe('{"inputs":[]}');
  });

  it("passes the replica's own error on untouched", async () => {
    answer = { status: 400, body: '{"error":"input x: expected FP32"}' };
    const got = await send();
    expect(got.statusCode).toBe(400);
    expect(await text(got.body)).toBe(answer.body);
  });

  const status = (code: number, reason: string, message: string) => JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message });

  it.each([
    [503, 'ServiceUnavailable', 'no endpoints available for service "ep-p-e"', true],
    [502, '', 'error trying to reach service: dial tcp 10.1.2.3:8080: connect: connection refused', true],
    [404, 'NotFound', 'services "ep-p-e" not found', true],
    [403, 'Forbidden', 'services "ep-p-e" is forbidden: User "alice" cannot create resource "services/proxy"', false],
    [401, 'Unauthorized', 'Unauthorized', false],
  ])("turns the API server's own %i Status into a ReplicaPathError", async (code, reason, message, retryable) => {
    answer = { status: code, body: status(code, reason, message) };
    const error = (await send().catch((e: unknown) => e)) as ReplicaPathError;
    expect(error).toBeInstanceOf(ReplicaPathError);
    expect(error.retryable).toBe(retryable);
    expect(error.message).toContain(message);
    if (!retryable) expect(error.message).toMatch(/services\/proxy \(\/api\/v1\/namespaces\/ns\/services\/ep-p-e:8080\)/);
  });
});
