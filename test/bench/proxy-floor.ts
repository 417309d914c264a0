import { fork } from 'node:child_process';
import { Agent, createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

/**
 * The floor of `npm run bench:proxy`: the least a Node proxy can cost on this machine. A
 * plain `http` server in a process of its own that pipes each request to the replica over
 * a keep-alive agent (LIFO, like EndpointProxy's per-replica pools) and pipes the answer
 * back: no auth, no routing, no metrics, no logs, no body buffering. Whatever the API's
 * path costs above this row is the platform's own; what this row cannot reach, no proxy
 * written in Node on these cores will.
 */
export interface Floor {
  url: string;
  pid: number;
  stop(): void;
}

export function startFloor(upstream: string, replicaToken: string): Promise<Floor> {
  const child = fork(fileURLToPath(import.meta.url), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, BEAMLINE_PROXY_FLOOR_UPSTREAM: upstream, BEAMLINE_PROXY_FLOOR_TOKEN: replicaToken },
  });
  return new Promise((resolve, reject) => {
    child.once('message', (message: { port: number }) => resolve({ url: `http://127.0.0.1:${message.port}`, pid: child.pid!, stop: () => child.kill() }));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`floor proxy exited with code ${code}`)));
  });
}

/**
 * The same floor on this process's own event loop (the bench runs the platform in its
 * process): how much of the API's cost is its process (heap, GC, the platform's timers and
 * connections on the same thread) rather than the fast path's own code.
 */
export function startFloorHere(upstream: string, replicaToken: string): Promise<{ url: string; stop(): void }> {
  return new Promise((resolve) => {
    const server = serve(new URL(upstream), replicaToken, (port) => resolve({ url: `http://127.0.0.1:${port}`, stop: () => server.close() }));
  });
}

function serve(upstream: URL, token: string, listening: (port: number) => void): Server {
  const agent = new Agent({ keepAlive: true, maxSockets: 512, scheduling: 'lifo' });
  const authorization = `Bearer ${token}`;
  const server = createServer((req, res) => {
    const headers: Record<string, string> = { authorization };
    if (req.headers['content-type']) headers['content-type'] = req.headers['content-type'];
    if (req.headers['content-length']) headers['content-length'] = req.headers['content-length'];
    const out = request({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, agent, headers }, (answer) => {
      const back: Record<string, string> = {};
      if (answer.headers['content-type']) back['content-type'] = answer.headers['content-type'];
      if (answer.headers['content-length']) back['content-length'] = answer.headers['content-length'];
      res.writeHead(answer.statusCode ?? 502, back);
      answer.pipe(res);
    });
    out.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(out);
  });
  server.keepAliveTimeout = 65_000;
  server.listen(0, '127.0.0.1', () => listening((server.address() as AddressInfo).port));
  return server;
}

if (process.env.BEAMLINE_PROXY_FLOOR_UPSTREAM && process.send) {
  serve(new URL(process.env.BEAMLINE_PROXY_FLOOR_UPSTREAM), process.env.BEAMLINE_PROXY_FLOOR_TOKEN ?? '', (port) => process.send!({ port }));
}
