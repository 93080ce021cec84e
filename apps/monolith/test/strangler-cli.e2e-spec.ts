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

  it('prints its usage on bad arguments', async () => {
    const { code, out } = await strangler(['flip'], env);
    expect(code).toBe(64);
    expect(out).toMatch(/usage: strangler status/);
  });

  it("changes a context's shadow settings, prints them, and prints the API's reason for bad ones", async () => {
    const changed = await strangler(
      [
        'shadow',
        'settings',
        'ordering',
        '--sample',
        '50',
        '--ignore',
        '$.items[*].updatedAt',
        '--ignore',
        'createdAt',
        '--unordered',
        '$.items',
      ],
      env,
    );
    expect(changed.code).toBe(0);
    expect(changed.out).toMatch(
      /^ordering: mirrors 50% of reads, noise baseline on 10% of them; ignores \$\.items\[\*\]\.updatedAt createdAt; unordered \$\.items$/m,
    );
    const refused = await strangler(['shadow', 'settings', 'ordering', '--noise', '150', '--ignore', '$.items[?(@.x)]'], env);
    expect(refused.code).toBe(1);
    expect(refused.out).toMatch(/400 Validation failed: .*noisePercent: .*ignore: /);
    const read = await strangler(['shadow', 'settings', 'ordering'], env);
    expect(read.out).toMatch(/^ordering: mirrors 50% of reads/m);
  });

  it('prints the shadow samples of a context (none without a mismatch)', async () => {
    const { code, out } = await strangler(['shadow', 'samples', 'ordering', '--route', 'ordering.GetOrder.v1'], env);
    expect(code).toBe(0);
    expect(out).toMatch(/^no mismatch sampled$/m);
  });
});
