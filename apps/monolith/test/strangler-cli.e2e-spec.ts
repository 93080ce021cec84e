import { spawn } from 'node:child_process';
import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startShop, type ShopUnderTest } from './support/shop.js';

const workspace = fileURLToPath(new URL('../../..', import.meta.url));

/** Runs `npm run strangler -- <args>` against the shop; resolves with its exit code and output. */
function strangler(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '--silent', 'strangler', '--', ...args], {
      cwd: workspace,
      env: { PATH: process.env.PATH, ...env },
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk));
    child.on('exit', (code) => resolve({ code, out }));
  });
}

describe('npm run strangler', () => {
  let shop: ShopUnderTest;
  let env: Record<string, string>;

  beforeAll(async () => {
    shop = await startShop({ transport: 'in-process' });
    const server: Server = await new Promise((resolve) => {
      const listening = shop.app.getHttpServer().listen(0, '127.0.0.1', () => resolve(listening));
    });
    env = { SHOP_URL: `http://127.0.0.1:${(server.address() as { port: number }).port}`, ADMIN_EMAIL, ADMIN_PASSWORD };
  });
  afterAll(() => shop.close());

  it('shows the routes (logging in as the admin)', async () => {
    const { code, out } = await strangler(['status'], env);
    expect(code).toBe(0);
    expect(out).toMatch(/^ordering\s+monolith\s+since \S+ by boot$/m);
  });

  it('sets a route and prints it', async () => {
    const { code, out } = await strangler(['set', 'ordering', 'monolith'], env);
    expect(code).toBe(0);
    expect(out).toMatch(/^ordering\s+monolith\s+since /m);
  });

  it("prints the API's reason and exits 1 when the change is refused", async () => {
    const { code, out } = await strangler(['set', 'ordering', 'canary', '25'], env);
    expect(code).toBe(1);
    expect(out).toMatch(/409 Conflict: .*AMQP_URL/);
  });

  it('sets a gate, shows it and takes it off', async () => {
    const set = await strangler(
      ['gate', 'ordering', 'set', '--window', '30', '--min-requests', '20', '--max-error-rate', '0.05', '--max-p99-ms', '800', '--dry-run'],
      env,
    );
    expect(set.code).toBe(0);
    expect(set.out).toMatch(/^gate: window 30 s, at least 20 requests, error rate <= 0\.05, p99 <= 800 ms, dry run$/m);
    const shown = await strangler(['gate', 'ordering', 'show'], env);
    expect(shown.out).toMatch(/^state: waiting/m);
    expect((await strangler(['gate', 'ordering', 'off'], env)).out).toMatch(/ordering: no gate any more/);
    expect((await strangler(['gate', 'ordering', 'show'], env)).out).toMatch(/^no gate$/m);
  });

  it("shows the plan, and refuses to pause one that is not running with the API's reason", async () => {
    expect((await strangler(['plan', 'ordering', 'show'], env)).out).toMatch(/^plan: none \(idle\)$/m);
    const { code, out } = await strangler(['pause', 'ordering'], env);
    expect(code).toBe(1);
    expect(out).toMatch(/409 Conflict: The plan for ordering is idle/);
  });

  it('prints its usage on bad arguments', async () => {
    const { code, out } = await strangler(['flip'], env);
    expect(code).toBe(64);
    expect(out).toMatch(/usage: strangler status/);
  });
});
