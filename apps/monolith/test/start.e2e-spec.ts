import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppProcess, freePort } from '@shop/testing';

/** The built monolith (jest's global setup builds it), started as `npm start` starts it. */
const startMonolith = (port: number, env: Record<string, string>) => AppProcess.start('monolith', port, { PORT: String(port), ...env });

describe('npm start: the built monolith as a process (embedded PGlite)', () => {
  let dataDir: string;

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'shop-start-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('starts with no server configured, serves the shop, stops on SIGTERM, and keeps its data across restarts', async () => {
    const port = await freePort();
    const api = (path: string, init?: RequestInit) =>
      fetch(`http://127.0.0.1:${port}/api/v1${path}`, { ...init, headers: { 'Content-Type': 'application/json' } });
    const credentials = JSON.stringify({ email: 'restart@shop.test', password: 'long enough secret' });

    const first = await startMonolith(port, { DATA_DIR: dataDir, LOG_LEVEL: 'info' });
    expect((await api('/auth/register', { method: 'POST', body: credentials })).status).toBe(201);
    const products = (await (await api('/products')).json()) as { total: number };
    const consolePage = await fetch(`http://127.0.0.1:${port}/console/`);
    expect([consolePage.status, await consolePage.text()]).toEqual([
      200,
      expect.stringContaining('<title>Shop · migration console</title>'),
    ]);
    expect(products.total).toBeGreaterThan(0); // development seeds a demo catalog
    expect(await first.stop('SIGTERM')).toBe(0);
    const firstLog = first.output.join('');
    expect(firstLog).toMatch(/"level":30[^\n]*Nest application successfully started/);
    expect(firstLog).toMatch(/generated password/);
    expect(firstLog).toContain(`Migration console: http://localhost:${port}/console/`);

    const second = await startMonolith(port, { DATA_DIR: dataDir, LOG_LEVEL: 'info' });
    expect((await api('/auth/login', { method: 'POST', body: credentials })).status).toBe(200);
    expect(((await (await api('/products')).json()) as { total: number }).total).toBe(products.total);
    expect(await second.stop('SIGTERM')).toBe(0);
    expect(second.output.join('')).not.toMatch(/generated password/);
  }, 120_000);

  it('refuses to start on a bad configuration, naming each bad variable', async () => {
    const app = AppProcess.launch('monolith', { PORT: 'eighty', STRANGLER_ORDERING: 'sideways', DATA_DIR: dataDir });
    expect(await app.exited).toBe(78);
    const output = app.output.join('');
    expect(output).toContain('PORT: must be a whole number (got "eighty")');
    expect(output).toContain('STRANGLER_ORDERING: must be one of monolith, service, shadow, canary (got "sideways")');
  }, 30_000);

  it('refuses to start in production with generated secrets', async () => {
    const app = AppProcess.launch('monolith', { NODE_ENV: 'production', DATA_DIR: dataDir });
    expect(await app.exited).toBe(78);
    expect(app.output.join('')).toContain('JWT_PRIVATE_KEY: required when NODE_ENV=production');
  }, 30_000);
});
