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
  /** Each client socket and its upstream; null while a connection accepted during a silence has none yet. */
  private readonly pairs = new Map<Socket, Socket | null>();
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
    this.pairs.clear();
  }

  /**
   * Ends a partition. After a silence the network comes back as a real one does: a
   * connection whose server side still lives flows again (what was written meanwhile is
   * delivered), one whose server side ended (endUpstream) is reset, as the server's TCP
   * stack answers a retransmission for a session it closed, and one accepted during the
   * silence reaches the server now.
   */
  heal(): void {
    this.partitioned = false;
    if (!this.silent) return;
    this.silent = false;
    for (const [client, upstream] of [...this.pairs]) {
      if (client.destroyed) {
        upstream?.destroy();
        this.pairs.delete(client);
      } else if (upstream === null) this.connectUpstream(client);
      else if (upstream.destroyed) {
        this.pairs.delete(client);
        client.resetAndDestroy();
      } else {
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
        upstream.resume();
      }
    }
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
    for (const upstream of this.pairs.values()) upstream?.destroy();
  }

  /** Resets every connection (PostgreSQL went away) without refusing new ones. */
  dropAll(): void {
    for (const socket of this.open) socket.resetAndDestroy();
    this.open.clear();
    this.pairs.clear();
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
    this.open.add(client);
    client.on('error', () => undefined);
    client.on('close', () => {
      this.open.delete(client);
      if (this.silent) return; // the server hears of it once the network is back (heal)
      this.pairs.get(client)?.destroy();
      this.pairs.delete(client);
    });
    if (this.silent) {
      // The partition goes on for new connections too: accepted, never answered.
      this.pairs.set(client, null);
      client.pause();
      return;
    }
    this.connectUpstream(client);
  }

  private connectUpstream(client: Socket): void {
    const upstream = connect(this.targetPort, '127.0.0.1');
    this.pairs.set(client, upstream);
    this.open.add(upstream);
    upstream.on('error', () => client.destroy());
    upstream.on('close', () => {
      this.open.delete(upstream);
      // In a silence the client hears nothing of it (heal() resets it then).
      if (!this.silent) client.destroy();
    });
    client.pipe(upstream);
    upstream.pipe(client);
    client.resume();
  }
}
