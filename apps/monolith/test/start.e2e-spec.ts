import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const main = join(root, 'dist/apps/monolith/src/main.js');

/** The built monolith, started the way `npm start` starts it, as its own process. */
class MonolithProcess {
  readonly output: string[] = [];
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;

  constructor(env: Record<string, string>) {
    this.child = spawn(process.execPath, [main], { cwd: root, env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (chunk: Buffer) => this.output.push(chunk.toString()));
    this.child.stderr!.on('data', (chunk: Buffer) => this.output.push(chunk.toString()));
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
  }

  stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    this.child.kill(signal);
    return this.exited;
  }
}

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

async function waitUntilReady(port: number, app: MonolithProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const status = await fetch(`http://127.0.0.1:${port}/health/ready`).then((r) => r.status, () => 0);
    if (status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`monolith not ready within ${timeoutMs} ms:\n${app.output.join('')}`);
}

describe('npm start: the built monolith as a process (embedded PGlite)', () => {
  let dataDir: string;

  beforeAll(() => {
    const build = spawnSync('npm', ['run', 'build'], { cwd: root, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`build failed:\n${build.stdout}${build.stderr}`);
    dataDir = mkdtempSync(join(tmpdir(), 'shop-start-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('starts with no server configured, serves the shop, stops on SIGTERM, and keeps its data across restarts', async () => {
    const port = await freePort();
    const api = (path: string, init?: RequestInit) =>
      fetch(`http://127.0.0.1:${port}/api/v1${path}`, { ...init, headers: { 'Content-Type': 'application/json' } });
    const credentials = JSON.stringify({ email: 'restart@shop.test', password: 'long enough secret' });

    const first = new MonolithProcess({ PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'info' });
    await waitUntilReady(port, first);
    expect((await api('/auth/register', { method: 'POST', body: credentials })).status).toBe(201);
    const products = (await (await api('/products')).json()) as { total: number };
    expect(products.total).toBeGreaterThan(0); // development seeds a demo catalog
    expect(await first.stop('SIGTERM')).toBe(0);
    const firstLog = first.output.join('');
    expect(firstLog).toMatch(/"level":30[^\n]*Nest application successfully started/);
    expect(firstLog).toMatch(/generated password/);

    const second = new MonolithProcess({ PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'info' });
    await waitUntilReady(port, second);
    expect((await api('/auth/login', { method: 'POST', body: credentials })).status).toBe(200);
    expect(((await (await api('/products')).json()) as { total: number }).total).toBe(products.total);
    expect(await second.stop('SIGTERM')).toBe(0);
    expect(second.output.join('')).not.toMatch(/generated password/);
  }, 120_000);

  it('refuses to start on a bad configuration, naming each bad variable', async () => {
    const app = new MonolithProcess({ PORT: 'eighty', STRANGLER_ORDERING: 'sideways', DATA_DIR: dataDir });
    expect(await app.exited).toBe(78);
    const output = app.output.join('');
    expect(output).toContain('PORT: must be a whole number (got "eighty")');
    expect(output).toContain('STRANGLER_ORDERING: must be one of monolith, service, shadow, canary (got "sideways")');
  }, 30_000);

  it('refuses to start in production with generated secrets', async () => {
    const app = new MonolithProcess({ NODE_ENV: 'production', DATA_DIR: dataDir });
    expect(await app.exited).toBe(78);
    expect(app.output.join('')).toContain('JWT_PRIVATE_KEY: required when NODE_ENV=production');
  }, 30_000);
});
