import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { inCanary } from '@shop/strangler';
import { createProducts, eventually, Ledger, ShopProcesses, SteadyLoad } from '@shop/testing';

/** Debian's Chromium (`.ci/run` installs the package when it is missing); playwright-core downloads no browser. */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const WIDE = { width: 1280, height: 800 };
const NARROW = { width: 390, height: 844 };
/** What the console promises: an action's new state is on the page within 2 s. */
const SHOWN_WITHIN_MS = 2000;
const ADMIN = { email: 'admin@shop.test', password: `console-${randomUUID()}` };
const SCREENSHOTS = new URL('../../../docs/img/', import.meta.url).pathname;
const GET_ORDER = 'ordering.GetOrder.v1';
type Side = 'monolith' | 'service';
const SIDES: Side[] = ['monolith', 'service'];
/** The X-Served-By of each side's answers. */
const SERVED_BY: Record<Side, string> = { monolith: 'monolith', service: 'order-service' };

/**
 * The migration console in headless Chromium, against the shop as it is deployed: the built monolith
 * (which serves the built console at /console/) and an order-service, as processes on PostgreSQL and
 * RabbitMQ, while customers keep placing and cancelling orders. Everything is done through the page
 * and checked on what the page shows; the API is read only to confirm the page tells the truth.
 */
describe('the migration console in a browser', () => {
  let shop: ShopProcesses;
  let load: SteadyLoad;
  let browser: BrowserContext;
  let page: Page;
  let profile: string;
  let adminId: string;
  let customers: Array<{ id: string; bearer: string }>;
  const ledger = new Ledger();

  const url = (path: string) => `${shop.baseUrl}${path}`;
  const api = async (method: string, path: string, bearer: string, body?: unknown) => {
    const response = await fetch(url(`/api/v1${path}`), {
      method,
      headers: { authorization: bearer, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const screenshot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `console-${name}.png`) });
  const ordering = () => page.locator('[data-context="ordering"]');
  const field = (name: string) => ordering().locator(`[data-field="${name}"]`);
  const text = async (name: string) => ((await field(name).first().textContent()) ?? '').trim();
  /** Waits until the page shows `expected` in a field, within `withinMs`, and answers how long it took. */
  const shows = async (name: string, expected: string | RegExp, withinMs = SHOWN_WITHIN_MS) => {
    const started = Date.now();
    await eventually(
      async () => {
        const shown = await text(name);
        return (typeof expected === 'string' ? shown === expected : expected.test(shown)) ? true : undefined;
      },
      withinMs,
      `the page shows ${name}: ${expected}`,
      50,
    );
    return Date.now() - started;
  };
  /** Who answered the orders placed (2xx) while the load was labelled `phase`. */
  const servedIn = (phase: string) =>
    new Set(
      ledger
        .of(phase)
        .attempts.filter((attempt) => attempt.outcome === 200 || attempt.outcome === 201)
        .map((attempt) => attempt.servedBy),
    );
  /** A figure of the shadow table on the page for one route (0 while the route has no row yet). */
  const shadowFigure = async (route: string, figure: string) => {
    const cell = field('shadow').locator(`tr[data-route="${route}"] [data-figure="${figure}"]`);
    return (await cell.count()) === 0 ? 0 : Number(await cell.textContent());
  };
  const signIn = async (email: string, password: string) => {
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  };

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    shop = await ShopProcesses.start({ label: 'console', monolithEnv: { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password } });
    const admin = shop.bearer(['admin']);
    const products = await createProducts(shop, admin);
    // Half the customers in the canary's 25 %, half out of it: both sides answer during the canary.
    const ids = Array.from({ length: 400 }, () => randomUUID());
    customers = [...ids.filter((id) => inCanary(id, 25)).slice(0, 3), ...ids.filter((id) => !inCanary(id, 25)).slice(0, 3)].map((id) => ({
      id,
      bearer: shop.bearer(['customer'], id),
    }));
    load = new SteadyLoad(
      {
        baseUrl: shop.baseUrl,
        customers,
        products: [...products.keys()],
        keylessIntervalMs: 1000,
        cancelEvery: 3,
        thinkMs: 150,
        maxRetryWaitMs: 1000,
        finishWithinMs: 20_000,
        requestTimeoutMs: 10_000,
      },
      ledger,
    );
    load.phase = 'monolith';
    load.start();
    profile = mkdtempSync(join(tmpdir(), 'console-chromium-'));
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: WIDE,
    });
    page = browser.pages()[0] ?? (await browser.newPage());
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await load?.stop().catch(() => undefined);
    await shop?.close();
  }, 60_000);

  it('is served by the monolith at /console/: the page revalidated, its hashed assets cached for good', async () => {
    const bare = await fetch(url('/console'), { redirect: 'manual' });
    expect([bare.status, bare.headers.get('location')]).toEqual([301, '/console/']);

    const index = await fetch(url('/console/'));
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/^text\/html/);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
    const asset = /\/console\/assets\/[\w-]+\.js/.exec(await index.text())?.[0];
    expect(asset).toBeDefined();
    const script = await fetch(url(asset!));
    expect([script.status, script.headers.get('cache-control')]).toEqual([200, 'public, max-age=31536000, immutable']);

    const missing = await fetch(url('/console/nowhere.js'));
    expect([missing.status, missing.headers.get('content-type')]).toEqual([404, expect.stringMatching(/^application\/problem\+json/)]);
  });

  it('tells a customer who signs in, plainly, that the console is for admins, and shows them nothing', async () => {
    const customer = { email: `customer-${randomUUID().slice(0, 8)}@shop.test`, password: 'a customer password' };
    expect((await api('POST', '/auth/register', '', customer)).status).toBe(201);
    await page.goto(url('/console/'));
    await signIn(customer.email, customer.password);

    await page.getByText('This console is for admins only.').waitFor({ timeout: 5000 });
    expect(await page.getByRole('button', { name: 'Sign in' }).isVisible()).toBe(true);
    expect(await ordering().count()).toBe(0);
    await screenshot('customer-refused');
  });

  it('signs an admin in with the keyboard alone and shows ordering served by the monolith', async () => {
    await page.goto(url('/console/'));
    await page.keyboard.press('Tab');
    await page.keyboard.type(ADMIN.email);
    await page.keyboard.press('Tab');
    await page.keyboard.type(ADMIN.password);
    await page.keyboard.press('Enter');

    await ordering().waitFor({ timeout: 10_000 });
    await shows('mode', 'monolith');
    await shows('instances', '1', 10_000);
    await shows('circuit', 'closed');
    expect(await page.getByText(`Signed in as ${ADMIN.email}`).isVisible()).toBe(true);
    const me = await api('POST', '/auth/login', '', ADMIN);
    adminId = (await api('GET', '/auth/me', `Bearer ${String(me.body.accessToken)}`)).body.id as string;
    await screenshot('monolith');
  });

  it('names every control it shows (a label, an aria-label or its text)', async () => {
    const unnamed = await page.evaluate(`[...document.querySelectorAll('input, button, select, textarea, [role="tab"]')]
      .filter((control) => !(control.labels?.length || control.getAttribute('aria-label') || control.textContent.trim()))
      .map((control) => control.outerHTML)`);
    expect(unnamed).toEqual([]);
    expect(await page.locator('input').count()).toBeGreaterThan(4);
  });

  it('keeps every panel where it is while the figures update', async () => {
    const boxes = () =>
      ordering()
        .locator('.card')
        .evaluateAll((cards) => cards.map((card) => JSON.stringify(card.getBoundingClientRect())));
    const before = await boxes();
    const readAt = await page.locator('.freshness time').getAttribute('datetime');
    await eventually(
      async () => ((await page.locator('.freshness time').getAttribute('datetime')) !== readAt ? true : undefined),
      3000,
      'the page read the state again',
      50,
    );
    expect(await boxes()).toEqual(before);
  });

  it('moves ordering monolith -> shadow -> canary 25 -> service -> monolith under load, each step on the page within 2 s', async () => {
    /** The page's request count of each side over the window (the outcomes panel). */
    const requests = async () => {
      const of = async (side: Side) => Number(await ordering().locator(`[data-side="${side}"] [data-figure="requests"]`).textContent());
      return { monolith: await of('monolith'), service: await of('service') };
    };
    /** Waits until every side in `serving` shows more than `since[side] + by` requests, and answers what the page shows then. */
    const grown = (serving: Side[], since: Record<Side, number>, by: number) =>
      eventually(
        async () => {
          const now = await requests();
          return serving.every((side) => now[side] > since[side] + by) ? now : undefined;
        },
        15_000,
        `${serving.join(' and ')} requests grow by more than ${by}`,
        200,
      );
    const move = async (
      phase: string,
      apply: () => Promise<void>,
      shown: string,
      servedBy: Set<string>,
      whileThere?: () => Promise<void>,
    ) => {
      load.phase = `to ${phase}`;
      await apply();
      expect(await shows('mode', shown)).toBeLessThanOrEqual(SHOWN_WITHIN_MS);
      load.phase = phase;
      await eventually(async () => (servedIn(phase).size >= servedBy.size ? true : undefined), 15_000, `orders placed in ${phase}`, 100);
      expect(servedIn(phase)).toEqual(servedBy);
      // The outcomes panel counts each request on the side that answered it: the serving sides grow,
      // the other one stays put (counted once the requests sent before the move have been answered and shown).
      const serving = SIDES.filter((side) => servedBy.has(SERVED_BY[side]));
      const settled = await grown(serving, await requests(), 0);
      const later = await grown(serving, settled, 10);
      for (const side of SIDES.filter((side) => !serving.includes(side))) expect([side, later[side]]).toEqual([side, settled[side]]);
      await whileThere?.();
      await screenshot(phase.replace(/\s+/g, '-'));
    };
    const choose = async (mode: string) => {
      await ordering().getByRole('radio', { name: mode, exact: true }).check();
      await ordering().getByRole('button', { name: 'Apply mode' }).click();
    };

    await move(
      'shadow',
      () => choose('shadow'),
      'shadow',
      new Set(['monolith']),
      async () => {
        // Reads in shadow mode are answered by the monolith and compared with the service's answers, counted fleet-wide.
        const matchesBefore = await shadowFigure(GET_ORDER, 'matches');
        const placed = ledger.placements.filter((placement) => placement.result === 'placed').slice(-5);
        for (const placement of placed) {
          const customer = customers.find(({ id }) => id === placement.customerId)!;
          const read = await fetch(url(`/api/v1/orders/${[...placement.orderIds][0]}`), { headers: { authorization: customer.bearer } });
          expect([read.status, read.headers.get('x-served-by')]).toEqual([200, 'monolith']);
        }
        await eventually(
          async () => ((await shadowFigure(GET_ORDER, 'compared')) >= placed.length ? true : undefined),
          10_000,
          'the mirrored reads compared on the page',
          200,
        );
        expect(await shadowFigure(GET_ORDER, 'matches')).toBeGreaterThan(matchesBefore);
      },
    );
    // The canary by keyboard: from the checked radio, the arrow moves to the next mode, Tab reaches the share, Enter applies.
    await move(
      'canary 25',
      async () => {
        await ordering().getByRole('radio', { name: 'shadow', exact: true }).focus();
        await page.keyboard.press('ArrowDown');
        await page.keyboard.press('Tab');
        expect(await page.evaluate('document.activeElement?.id')).toBe('percent-ordering');
        await page.keyboard.press('ControlOrMeta+A');
        await page.keyboard.type('25');
        await page.keyboard.press('Enter');
      },
      'canary · 25 %',
      new Set(['monolith', 'order-service']),
    );
    await move('service', () => choose('service'), 'service', new Set(['order-service']));
    await move('monolith again', () => choose('monolith'), 'monolith', new Set(['monolith']));

    // Each move is in the audit trail, newest first, under the admin's identity, on the page as in the API.
    const rows = await field('audit').locator('tbody tr').allTextContents();
    expect(rows.slice(0, 4)).toEqual([
      expect.stringMatching(/service → monolith.*admin@shop\.test \(you\)/),
      expect.stringMatching(/canary · 25 % → service.*admin@shop\.test \(you\)/),
      expect.stringMatching(/shadow → canary · 25 %.*admin@shop\.test \(you\)/),
      expect.stringMatching(/monolith → shadow.*admin@shop\.test \(you\)/),
    ]);
    const audit = await api('GET', '/admin/strangler/audit?context=ordering&limit=4', shop.bearer(['admin']));
    expect((audit.body.entries as Array<{ by: string }>).map((entry) => entry.by)).toEqual([adminId, adminId, adminId, adminId]);
  }, 180_000);

  it('shows a gate set through the API, and a plan on its step, paused, moved on and aborted from the page', async () => {
    const admin = shop.bearer(['admin']);
    const gate = await api('PUT', '/admin/strangler/gates/ordering', admin, { windowS: 30, minRequests: 3, maxErrorRate: 0.2 });
    expect(gate.status).toBe(200);
    // Served by the monolith alone, the gate has nothing of the service to judge.
    await shows('gate', /^waiting · errors ≤ 20\.0 % over 30 s$/);

    const steps = [
      { mode: 'canary', percent: 25, holdS: 600 },
      { mode: 'service', holdS: 600 },
    ];
    const started = await api('PUT', '/admin/strangler/plans/ordering', admin, { steps, start: true });
    expect([started.status, started.body.status]).toEqual([200, 'running']);
    await shows('mode', 'canary · 25 %');
    await shows('plan-status', /^running · step 1 of 2 since /);
    expect(await ordering().locator('.steps [aria-current="step"]').textContent()).toBe('canary · 25 % · hold 600 s');
    await shows('plan-waiting', /^waiting for: held \d+ of 600 s/);
    // The canary's customers are served by the service: once three of them were answered well, the gate is green.
    await shows('gate', /^green · errors ≤ 20\.0 % over 30 s$/, 15_000);
    await ordering()
      .locator('.card.plan')
      .screenshot({ path: join(SCREENSHOTS, 'console-plan-and-gate.png') });

    await ordering().getByRole('button', { name: 'Pause', exact: true }).click();
    await shows('plan-status', /^paused · step 1 of 2 /);
    await shows('action-outcome', 'ordering: plan paused');
    await shows('mode', 'canary · 25 %');

    await ordering().getByRole('button', { name: 'Next step now' }).click();
    await page.getByRole('dialog', { name: 'Next step now: ordering' }).getByRole('button', { name: 'Next step now' }).click();
    await shows('plan-status', /^running · step 2 of 2 since /);
    await shows('mode', 'service');
    expect(await ordering().locator('.steps [aria-current="step"]').textContent()).toBe('service · hold 600 s');

    await ordering().getByRole('button', { name: 'Abort plan' }).click();
    await page.getByRole('dialog', { name: 'Abort plan: ordering' }).getByRole('button', { name: 'Abort plan' }).click();
    await shows('plan-status', /^aborted · /);
    await shows('mode', 'monolith');
    const plan = await api('GET', '/admin/strangler/plans/ordering', admin);
    expect([plan.body.status, plan.body.stepIndex]).toEqual(['aborted', 1]);
    const audit = await api('GET', '/admin/strangler/audit?context=ordering&limit=4', admin);
    expect((audit.body.entries as Array<{ action: string; by: string }>).map(({ action, by }) => [action, by === adminId])).toEqual([
      ['plan.abort', true],
      ['plan.promote', true],
      ['plan.pause', true],
      ['plan.start', false],
    ]);
  }, 60_000);

  it('shows the latest mismatch sample as the API gives it, its differing paths marked on both sides', async () => {
    // A sample as the shadow stores one (a wrong unit price from the service): planted in the store's
    // table, since no regression can be planted in an order-service running as a process.
    const requestId = `console-e2e-${randomUUID()}`;
    const orderId = randomUUID();
    const answer = (unitPriceCents: number) => ({ id: orderId, status: 'CONFIRMED', items: [{ quantity: 1, unitPriceCents }] });
    await shop.sql(
      `INSERT INTO strangler.shadow_samples
         (context, route, instance, at, request_id, paths, concrete_paths, noisy_paths, monolith, service)
       VALUES ('ordering', $1, 'console-e2e', now(), $2, $3, $4, '[]', $5, $6)`,
      [
        GET_ORDER,
        requestId,
        JSON.stringify(['$.items[*].unitPriceCents']),
        JSON.stringify(['$.items[0].unitPriceCents']),
        JSON.stringify(answer(500)),
        JSON.stringify(answer(501)),
      ],
    );
    const samples = await fetch(url('/api/v1/admin/strangler/shadow/ordering/samples?limit=1'), {
      headers: { authorization: shop.bearer(['admin']) },
    });
    expect((await samples.json()) as unknown).toEqual([expect.objectContaining({ requestId, paths: ['$.items[*].unitPriceCents'] })]);

    const newest = ordering().locator('details.sample').first();
    await eventually(
      async () => ((await newest.locator('.quiet').textContent())?.includes(requestId) ? true : undefined),
      SHOWN_WITHIN_MS,
      'the planted sample on the page',
      50,
    );
    expect(await newest.getAttribute('open')).not.toBeNull();
    expect(await newest.locator('summary').textContent()).toMatch(
      new RegExp(`${GET_ORDER.replaceAll('.', '\\.')}: \\$\\.items\\[\\*\\]\\.unitPriceCents$`),
    );
    expect(await newest.locator('figure', { hasText: 'monolith' }).locator('mark').allTextContents()).toEqual(['"unitPriceCents": 500']);
    expect(await newest.locator('figure', { hasText: 'service' }).locator('mark').allTextContents()).toEqual(['"unitPriceCents": 501']);
    await ordering()
      .locator('.card.shadow')
      .screenshot({ path: join(SCREENSHOTS, 'console-mismatch-sample.png') });
  });

  it("shows the API's reason when it refuses an action, and changes nothing", async () => {
    await shop.killOrderService(0);
    await shows('instances', '0', 10_000);
    const refusal = await api('PUT', '/admin/strangler/routes/ordering', shop.bearer(['admin']), { mode: 'service' });
    expect(refusal.status).toBe(409);

    await ordering().getByRole('radio', { name: 'service', exact: true }).check();
    await ordering().getByRole('button', { name: 'Apply mode' }).click();
    await shows('action-outcome', `Refused (409 Conflict): ${String(refusal.body.detail)}`);
    expect(await ordering().getByRole('alert').textContent()).toContain('409');
    await shows('mode', 'monolith');
    await screenshot('refused');
  });

  it('asks before a handoff, sends nothing when cancelled, and shows the refusal when confirmed', async () => {
    const handoffs: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url().includes('/handoffs/')) handoffs.push(request.url());
    });
    await ordering().getByRole('button', { name: 'Hand off', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Hand off: ordering' });
    await dialog.waitFor();
    await screenshot('confirm-handoff');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(handoffs).toEqual([]);

    await ordering().getByRole('button', { name: 'Hand off', exact: true }).click();
    await dialog.getByRole('button', { name: 'Hand off' }).click();
    await shows('action-outcome', /^Refused \(409 Conflict\): .+/);
    expect(handoffs).toHaveLength(1);
  });

  it('is readable on a narrow window (nothing wider than it) and shows the context map on its own tab', async () => {
    await page.setViewportSize(NARROW);
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    await screenshot('narrow');
    await page.setViewportSize(WIDE);

    await page.getByRole('tab', { name: 'Context map' }).click();
    await page.getByRole('heading', { name: 'Context map' }).waitFor();
    expect(await page.getByRole('heading', { name: 'Contexts and their messages' }).isVisible()).toBe(true);
    await screenshot('context-map');
    await page.getByRole('tab', { name: 'Migration' }).click();
    await ordering().waitFor();
  });

  it('signs out: the page forgets the token and asks for a sign-in again', async () => {
    const calls: string[] = [];
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    page.on('request', (request) => {
      if (request.headers().authorization) calls.push(request.url());
    });
    expect(await ordering().count()).toBe(0);
    // A fresh read of the page (what a reload does) starts signed out: nothing of the token was kept.
    await page.reload();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(calls).toEqual([]);
  });
});
