import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy the test can cut and restore: from the relay's side this is
 * exactly a database going away (connections reset, new ones refused) and
 * coming back on the same address, without touching the shared server. It can
 * also hold what clients send (a request stuck in the network) and let it go later.
 */
export class TcpProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private holding = false;
  private readonly held: Array<{ to: Socket; chunk: Buffer }> = [];

  constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}

  async start(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.on('data', (chunk: Buffer) => (this.holding ? this.held.push({ to: upstream, chunk }) : upstream.write(chunk)));
      upstream.pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      this.server?.once('error', reject);
      this.server?.listen(this.port, '127.0.0.1', () => resolve());
    });
  }

  /** From now on, what clients send is kept here instead of being forwarded. */
  hold(): void {
    this.holding = true;
  }

  /** Bytes sent by clients and held so far. */
  get heldBytes(): number {
    return this.held.reduce((sum, h) => sum + h.chunk.length, 0);
  }

  /** Forwards what was held, and everything after it. */
  release(): void {
    this.holding = false;
    for (const { to, chunk } of this.held.splice(0)) to.write(chunk);
  }

  /** Refuses new connections and resets every open one. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }
}
