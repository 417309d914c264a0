import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { drainHttp } from './http-drain.js';

let server: Server | undefined;
afterEach(() => void server?.closeAllConnections());

/** A server whose handler answers only when the test says so, and records what it answered. */
async function start() {
  const held: ServerResponse[] = [];
  const arrived: string[] = [];
  let onArrive = () => {};
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      arrived.push(body);
      held.push(res);
      onArrive();
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  const call = (body: string) =>
    new Promise<number>((resolve, reject) => {
      const req = request({ port, host: '127.0.0.1', method: 'POST', agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end(body);
    });
  const nextArrival = () => new Promise<void>((r) => (onArrive = r));
  return { server: server!, port, held, arrived, call, nextArrival };
}

describe('drainHttp', () => {
  it('waits for the request in flight, answered after the drain began, and refuses new connections meanwhile', async () => {
    const s = await start();
    const arrival = s.nextArrival();
    const inFlight = s.call('in flight');
    await arrival;
    let drained = false;
    const drain = drainHttp(s.server, 5000).then((ok) => ((drained = true), ok));
    await new Promise((r) => setTimeout(r, 100));
    expect(drained).toBe(false); // still waiting for the held request
    await expect(s.call('late')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    s.held[0].end('ok');
    expect(await inFlight).toBe(200);
    expect(await drain).toBe(true);
    expect(s.arrived).toEqual(['in flight']);
  });

  it('cuts what is still open at the timeout and says so', async () => {
    const s = await start();
    const arrival = s.nextArrival();
    const stuck = s.call('never answered').catch((e: NodeJS.ErrnoException) => e.code);
    await arrival;
    expect(await drainHttp(s.server, 200)).toBe(false);
    expect(await stuck).toBe('ECONNRESET');
  });
});
