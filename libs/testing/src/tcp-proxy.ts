import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A loopback TCP proxy in front of a real server, so a test can take the server away from one app
 * (`cut`: drop every connection and refuse new ones) and give it back (`restore`), or make it slow
 * (`delay`), without touching the shared server that other suites use.
 */
export class TcpProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private open = true;
  private delayMs = 0;

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
  }

  /**
   * From now on, every byte is held `ms` before it is passed on, in each direction (a slow network or
   * a slow server, not a dead one); 0 clears it. Bytes keep their order, those already held included.
   */
  delay(ms: number): void {
    this.delayMs = Math.max(0, ms);
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  /** Passes `from`'s bytes to `to`, each once the delay in force when it arrived has passed, in order. */
  private forward(from: Socket, to: Socket): void {
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
      if (this.delayMs === 0 && held.length === 0) {
        if (!to.destroyed) to.write(chunk);
        return;
      }
      held.push({ at: Math.max(Date.now() + this.delayMs, held.at(-1)?.at ?? 0), chunk });
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
      const upstream = connect(this.targetPort, this.targetHost);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.setNoDelay(true);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => socket.destroy());
      }
      this.forward(client, upstream);
      this.forward(upstream, client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    return new Promise((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
  }
}
