import type { Server } from 'node:http';

/**
 * Stops accepting connections and waits for the requests in flight, before anything they
 * need (the database pool, Redis) is closed: Nest's `app.close()` runs the modules' destroy
 * hooks first and closes the HTTP server last, so a request still being received when
 * SIGTERM arrived could meet an ended pool (a 500 in the rolling-update test). Kubernetes has
 * already stopped sending new connections by then (the pod's preStop sleep covers the gap).
 *
 * Idle keep-alive sockets are closed as they turn idle (a client's next request on one would
 * otherwise keep it open); whatever is left at `timeoutMs` (a followed log stream) is cut.
 * Resolves with whether every request finished in time.
 */
export async function drainHttp(server: Server, timeoutMs: number): Promise<boolean> {
  if (!server.listening) return true;
  let closed = false;
  const done = new Promise<void>((resolve) => server.close(() => resolve())).then(() => void (closed = true));
  const deadline = Date.now() + timeoutMs;
  while (!closed && Date.now() < deadline) {
    server.closeIdleConnections();
    await Promise.race([done, new Promise((r) => setTimeout(r, 50))]);
  }
  if (!closed) server.closeAllConnections();
  await done;
  return Date.now() <= deadline;
}
