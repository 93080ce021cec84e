// A loopback proxy in front of PostgreSQL that counts an app's round trips to the database and the
// statements it sends, exactly, by reading the frontend side of the wire protocol: a simple Query
// ('Q') or a Sync ('S', which ends an extended-protocol Parse/Bind/Execute batch) is one round trip.
// pg_stat_database's transaction counters would also count other clients and are flushed lazily.
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface RoundTripCount {
  roundTrips: number;
  /** Statement text (whitespace collapsed, cut at 100 characters) → times sent. */
  statements: Map<string, number>;
}

export class PgRoundTripCounter {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private count: RoundTripCount = { roundTrips: 0, statements: new Map() };

  private constructor(private readonly target: URL) {}

  /** Starts a proxy for the server of `serverUrl`. */
  static async start(serverUrl: string): Promise<PgRoundTripCounter> {
    const counter = new PgRoundTripCounter(new URL(serverUrl));
    await counter.listen();
    return counter;
  }

  /** A URL of the same server (any database on it) pointed at the proxy. */
  rewrite(databaseUrl: string): string {
    const url = new URL(databaseUrl);
    url.hostname = '127.0.0.1';
    url.port = String((this.server!.address() as { port: number }).port);
    return url.toString();
  }

  /** Starts counting afresh. */
  reset(): void {
    this.count = { roundTrips: 0, statements: new Map() };
  }

  /** What was counted since the last reset. */
  read(): RoundTripCount {
    return this.count;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  private listen(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = connect(Number(this.target.port || 5432), this.target.hostname);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.setNoDelay(true);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => socket.destroy());
      }
      const reader = this.frontendReader();
      client.on('data', (chunk: Buffer) => reader(chunk));
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    return new Promise((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
  }

  /** Splits one connection's frontend byte stream into messages; the first (startup) has no type byte. */
  private frontendReader(): (chunk: Buffer) => void {
    let pending = Buffer.alloc(0);
    let started = false;
    return (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      for (;;) {
        const header = started ? 5 : 4;
        if (pending.length < header) return;
        const length = pending.readInt32BE(started ? 1 : 0);
        const total = length + (started ? 1 : 0);
        if (pending.length < total) return;
        if (started) this.message(String.fromCharCode(pending[0]!), pending.subarray(5, total));
        else if (pending.readInt32BE(4) !== 80877103) started = true; // an SSLRequest is followed by the real startup
        pending = pending.subarray(total);
      }
    };
  }

  private message(type: string, body: Buffer): void {
    if (type === 'Q' || type === 'S') this.count.roundTrips += 1;
    const text = type === 'Q' ? cString(body, 0) : type === 'P' ? cString(body, body.indexOf(0) + 1) : undefined;
    if (text === undefined) return;
    const statement = text.replace(/\s+/g, ' ').trim().slice(0, 100);
    this.count.statements.set(statement, (this.count.statements.get(statement) ?? 0) + 1);
  }
}

const cString = (buffer: Buffer, from: number): string => buffer.toString('utf8', from, buffer.indexOf(0, from));
