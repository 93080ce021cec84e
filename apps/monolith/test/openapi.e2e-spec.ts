import { createConfig, lintFromString } from '@redocly/openapi-core';
import { startShop, type ShopUnderTest } from './support/shop.js';

/** Every route of shared/spec/http-api.md, and who may call it. */
const CONTRACT_ROUTES: Array<[method: string, path: string, access: 'public' | 'bearer']> = [
  ['post', '/api/v1/auth/register', 'public'],
  ['post', '/api/v1/auth/login', 'public'],
  ['get', '/api/v1/auth/me', 'bearer'],
  ['get', '/api/v1/products', 'public'],
  ['get', '/api/v1/products/{id}', 'public'],
  ['post', '/api/v1/products', 'bearer'],
  ['patch', '/api/v1/products/{id}', 'bearer'],
  ['post', '/api/v1/orders', 'bearer'],
  ['get', '/api/v1/orders', 'bearer'],
  ['get', '/api/v1/orders/{id}', 'bearer'],
  ['post', '/api/v1/orders/{id}/cancel', 'bearer'],
  ['get', '/api/v1/payments', 'bearer'],
  ['get', '/api/v1/admin/strangler/routes', 'bearer'],
  ['put', '/api/v1/admin/strangler/routes/{context}', 'bearer'],
  ['get', '/health/live', 'public'],
  ['get', '/health/ready', 'public'],
];

interface Operation {
  security?: unknown[];
  requestBody?: unknown;
  responses: Record<string, { content?: Record<string, unknown> }>;
}

describe('OpenAPI document (/docs-json)', () => {
  let shop: ShopUnderTest;
  let document: { paths: Record<string, Record<string, Operation>> };
  let paths: Record<string, Record<string, Operation>>;

  beforeAll(async () => {
    shop = await startShop();
    document = (await shop.http().get('/docs-json').expect(200)).body;
    paths = document.paths;
  });
  afterAll(() => shop.close());

  it.each(CONTRACT_ROUTES)('describes %s %s with its auth requirement', (method, path, access) => {
    const operation = paths[path]?.[method];
    expect(operation).toBeDefined();
    expect(operation!.security).toEqual(access === 'bearer' ? [{ bearer: [] }] : []);
  });

  const withBody = CONTRACT_ROUTES.filter(([method, path]) => method !== 'get' && !path.endsWith('/cancel'));
  it.each(withBody)('describes the body of %s %s', (method, path) => {
    expect(paths[path]![method]!.requestBody).toBeDefined();
  });

  it.each(CONTRACT_ROUTES.filter(([, path]) => path.startsWith('/api')))(
    'describes the success and the problem+json errors of %s %s',
    (method, path) => {
      const responses = paths[path]![method]!.responses;
      expect(Object.keys(responses).some((status) => status.startsWith('2'))).toBe(true);
      const errors = Object.entries(responses).filter(([status]) => Number(status) >= 400);
      expect(errors.length).toBeGreaterThan(0);
      for (const [, response] of errors) expect(Object.keys(response.content ?? {})).toEqual(['application/problem+json']);
    },
  );

  it("passes Redocly's recommended ruleset without errors or warnings", async () => {
    // The shop is private and unlicensed: a licence in the document would be made up, so the two licence rules are off.
    const config = await createConfig({ extends: ['recommended'], rules: { 'info-license': 'off', 'info-license-strict': 'off' } });
    const problems = await lintFromString({ source: JSON.stringify(document), absoluteRef: 'openapi.json', config });
    // One readable line per finding, so a regression names its rule and where it is.
    const findings = problems.map(
      ({ severity, ruleId, location, message }) => `${severity} ${ruleId} at ${location[0]?.pointer ?? '?'}: ${message}`,
    );
    expect(findings).toEqual([]);
  });
});
