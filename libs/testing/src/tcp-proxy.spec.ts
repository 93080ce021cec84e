import { connect, createServer, type Server, type Socket } from 'node:net';
import { eventually } from './eventually.js';
import { TcpProxy } from './tcp-proxy.js';

/** An echo server: what a client sends comes back. */
async function echoServer(): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => socket.pipe(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { server, port: (server.address() as { port: number }).port };
}

describe('TcpProxy.delay', () => {
  let echo: { server: Server; port: number };
  let proxy: TcpProxy;
  let client: Socket;
  let received: string;

  beforeEach(async () => {
    echo = await echoServer();
    proxy = await TcpProxy.start({ host: '127.0.0.1', port: echo.port });
    client = connect(proxy.port, '127.0.0.1');
    received = '';
    client.on('data', (chunk: Buffer) => (received += chunk.toString()));
    await new Promise((resolve) => client.once('connect', resolve));
  });
  afterEach(async () => {
    client.destroy();
    await proxy.stop();
    await new Promise((resolve) => echo.server.close(resolve));
  });

  const roundTrip = async (text: string): Promise<number> => {
    const before = received.length;
    const started = performance.now();
    client.write(text);
    await eventually(() => (received.length >= before + text.length ? true : undefined), 5000, 'the echo', 5);
    return performance.now() - started;
  };

  it('holds the bytes each way for the delay, and passes them at once again when it is cleared', async () => {
    expect(await roundTrip('a')).toBeLessThan(100);
    proxy.delay(200);
    expect(await roundTrip('b')).toBeGreaterThanOrEqual(400); // 200 ms there, 200 ms back
    proxy.delay(0);
    expect(await roundTrip('c')).toBeLessThan(100);
    expect(received).toBe('abc');
  });

  it('keeps the order of the bytes when the delay is cleared while some are held', async () => {
    proxy.delay(300);
    client.write('1');
    client.write('2');
    await new Promise((resolve) => setTimeout(resolve, 50));
    proxy.delay(0);
    client.write('3');
    await eventually(() => (received.length === 3 ? true : undefined), 5000, 'every byte', 5);
    expect(received).toBe('123');
  });
});
