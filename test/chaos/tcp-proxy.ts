import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy the chaos suite controls, put between one platform process and PostgreSQL.
 * `cut()` is the partition: every open connection is reset and new ones are refused until
 * `heal()`. `retarget()` follows a restarted PostgreSQL to its new port without the
 * platform's DATABASE_URL changing.
 *
 * A cut resets both sides at once, as a firewall that rejects does. `silence()` is the
 * other kind: bytes stop flowing both ways and nothing is closed, as when packets are
 * dropped; `endUpstream()` then plays PostgreSQL's keepalive giving up on its side only
 * (the real server's keepalives would be answered by this proxy's own TCP stack).
 */
export class TcpProxy {
  private server?: Server;
  private readonly open = new Set<Socket>();
  private partitioned = false;
  private silent = false;
  private readonly upstreams = new Set<Socket>();
  port = 0;

  constructor(private targetPort: number) {}

  async start(): Promise<void> {
    this.server = createServer((client) => this.accept(client));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
  }

  retarget(port: number): void {
    this.targetPort = port;
  }

  /** The partition: resets every connection and refuses new ones. */
  cut(): void {
    this.partitioned = true;
    for (const socket of this.open) socket.resetAndDestroy();
    this.open.clear();
  }

  heal(): void {
    this.partitioned = false;
    this.silent = false;
  }

  /** A silent partition of the open connections: nothing forwarded, nothing closed. */
  silence(): void {
    this.silent = true;
    for (const socket of this.open) {
      socket.unpipe();
      socket.pause();
    }
  }

  /** The server side ends its sessions; the client side hears nothing of it. */
  endUpstream(): void {
    for (const socket of this.upstreams) socket.destroy();
    this.upstreams.clear();
  }

  /** Resets every connection (PostgreSQL went away) without refusing new ones. */
  dropAll(): void {
    for (const socket of this.open) socket.resetAndDestroy();
    this.open.clear();
  }

  async stop(): Promise<void> {
    this.dropAll();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private accept(client: Socket): void {
    if (this.partitioned) {
      client.resetAndDestroy();
      return;
    }
    if (this.silent) {
      // The partition goes on for new connections too: accepted, never answered.
      this.open.add(client);
      client.on('error', () => undefined);
      client.on('close', () => this.open.delete(client));
      client.pause();
      return;
    }
    const upstream = connect(this.targetPort, '127.0.0.1');
    this.upstreams.add(upstream);
    for (const [a, b] of [
      [client, upstream],
      [upstream, client],
    ]) {
      this.open.add(a);
      a.on('error', () => b.destroy());
      a.on('close', () => {
        this.open.delete(a);
        this.upstreams.delete(a);
        if (!this.silent) b.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
