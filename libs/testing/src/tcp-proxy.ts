import { createServer, connect, type Server, type Socket } from 'node:net';

/** `upstream`: from the app to the server; `downstream`: from the server back to the app. */
type Direction = 'upstream' | 'downstream';

/**
 * A loopback TCP proxy in front of a real server, so a test can take the server away from one app
 * (`cut`: drop every connection and refuse new ones) and give it back (`restore`), make it slow
 * (`delay`) or silent (`silence`), without touching the shared server that other suites use.
 */
export class TcpProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private open = true;
  private silent = false;
  private readonly delays: Record<Direction, number> = { upstream: 0, downstream: 0 };

  private constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const proxy = new TcpProxy(target.host, target.port);
    await proxy.listen();
    return proxy;
  }

  get port(): number {
    return (this.server!.address() as { port: number }).port;
  }

  /** The same URL pointed at the proxy. */
  rewrite(url: string): string {
    const parsed = new URL(url);
    parsed.hostname = '127.0.0.1';
    parsed.port = String(this.port);
    return parsed.toString().replace(/\/$/, '');
  }

  cut(): void {
    this.open = false;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  restore(): void {
    this.open = true;
    this.silent = false;
    this.delay(0);
  }

  /**
   * From now on nothing passes either way, and neither end's closing reaches the other: every
   * connection goes silent without closing (half-open, as behind a NAT that forgot it), and a new one
   * is taken but never answered. `restore` ends it for new connections.
   */
  silence(): void {
    this.silent = true;
  }

  /**
   * From now on, every byte is held `ms` before it is passed on (a slow network or a slow server, not a
   * dead one); 0 clears it. `both` directions by default, or only `downstream` (what the server sends
   * the app: to an app behind a broker's link, every request the broker delivers arrives that much
   * later) or `upstream`. Bytes keep their order, those already held included.
   */
  delay(ms: number, direction: Direction | 'both' = 'both'): void {
    for (const side of direction === 'both' ? (['upstream', 'downstream'] as const) : [direction]) this.delays[side] = Math.max(0, ms);
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  /** Passes `from`'s bytes to `to`, each once the delay in force when it arrived has passed, in order. */
  private forward(from: Socket, to: Socket, direction: Direction): void {
    const held: Array<{ at: number; chunk: Buffer }> = [];
    let timer: NodeJS.Timeout | undefined;
    const release = () => {
      timer = undefined;
      while (held.length > 0 && held[0]!.at <= Date.now()) {
        const { chunk } = held.shift()!;
        if (!to.destroyed) to.write(chunk);
      }
      if (held.length > 0) timer = setTimeout(release, held[0]!.at - Date.now());
    };
    from.on('data', (chunk: Buffer) => {
      if (this.silent) return;
      if (this.delays[direction] === 0 && held.length === 0) {
        if (!to.destroyed) to.write(chunk);
        return;
      }
      held.push({ at: Math.max(Date.now() + this.delays[direction], held.at(-1)?.at ?? 0), chunk });
      timer ??= setTimeout(release, held[0]!.at - Date.now());
    });
    from.on('close', () => clearTimeout(timer));
  }

  private listen(): Promise<void> {
    this.server = createServer((client) => {
      if (!this.open) {
        client.destroy();
        return;
      }
      if (this.silent) {
        this.sockets.add(client);
        client.on('close', () => this.sockets.delete(client));
        client.on('error', () => client.destroy());
        return;
      }
      const upstream = connect(this.targetPort, this.targetHost);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.setNoDelay(true);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => socket.destroy());
      }
      this.forward(client, upstream, 'upstream');
      this.forward(upstream, client, 'downstream');
      client.on('close', () => this.silent || upstream.destroy());
      upstream.on('close', () => this.silent || client.destroy());
    });
    return new Promise((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
  }
}
