import { ADMIN_EMAIL, ADMIN_PASSWORD, startShop, type ShopUnderTest } from './support/shop.js';
import { listening, strangler } from './support/strangler-cli.js';

describe('npm run strangler', () => {
  let shop: ShopUnderTest;
  let env: Record<string, string>;

  beforeAll(async () => {
    shop = await startShop({ transport: 'in-process' });
    env = { SHOP_URL: await listening(shop.app), ADMIN_EMAIL, ADMIN_PASSWORD };
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
