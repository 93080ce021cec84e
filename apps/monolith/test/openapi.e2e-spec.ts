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

/** Routes added beside the contract: the orders of /api/v2, the API usage view, the shadow's counts, settings and samples. */
const ADDED_ROUTES: Array<[method: string, path: string, access: 'public' | 'bearer']> = [
  ['post', '/api/v2/orders', 'bearer'],
  ['get', '/api/v2/orders', 'bearer'],
  ['get', '/api/v2/orders/{id}', 'bearer'],
  ['post', '/api/v2/orders/{id}/cancel', 'bearer'],
  ['get', '/api/v1/admin/api-usage', 'bearer'],
  ['get', '/metrics', 'bearer'],
  ['get', '/api/v1/admin/strangler/outcomes/{context}', 'bearer'],
  ['get', '/api/v1/admin/strangler/gates/{context}', 'bearer'],
  ['put', '/api/v1/admin/strangler/gates/{context}', 'bearer'],
  ['delete', '/api/v1/admin/strangler/gates/{context}', 'bearer'],
  ['get', '/api/v1/admin/strangler/plans/{context}', 'bearer'],
  ['put', '/api/v1/admin/strangler/plans/{context}', 'bearer'],
  ['post', '/api/v1/admin/strangler/plans/{context}/pause', 'bearer'],
  ['post', '/api/v1/admin/strangler/plans/{context}/resume', 'bearer'],
  ['post', '/api/v1/admin/strangler/plans/{context}/abort', 'bearer'],
  ['post', '/api/v1/admin/strangler/plans/{context}/promote', 'bearer'],
  ['get', '/api/v1/admin/strangler/decider', 'bearer'],
  ['put', '/api/v1/admin/users/{id}/roles', 'bearer'],
  ['get', '/api/v1/admin/strangler/shadow', 'bearer'],
  ['get', '/api/v1/admin/strangler/shadow/{context}/settings', 'bearer'],
  ['put', '/api/v1/admin/strangler/shadow/{context}/settings', 'bearer'],
  ['get', '/api/v1/admin/strangler/shadow/{context}/samples', 'bearer'],
];

const V1_ORDERS = CONTRACT_ROUTES.filter(([, path]) => path.startsWith('/api/v1/orders'));

interface SchemaObject {
  properties?: Record<string, { type?: string; allOf?: Array<{ $ref?: string }>; nullable?: boolean }>;
}

interface Operation {
  security?: unknown[];
  requestBody?: unknown;
  deprecated?: boolean;
  parameters?: Array<{ name: string; in: string }>;
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }>; headers?: Record<string, unknown> }>;
}

describe('OpenAPI document (/docs-json)', () => {
  let shop: ShopUnderTest;
  let document: { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, SchemaObject> } };
  let paths: Record<string, Record<string, Operation>>;

  beforeAll(async () => {
    shop = await startShop();
    document = (await shop.http().get('/docs-json').expect(200)).body;
    paths = document.paths;
  });
  afterAll(() => shop.close());

  it.each([...CONTRACT_ROUTES, ...ADDED_ROUTES])('describes %s %s with its auth requirement', (method, path, access) => {
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

  it.each(V1_ORDERS)('marks %s %s deprecated, with the headers that say so on every answer', (method, path) => {
    const operation = paths[path]![method]!;
    expect(operation.deprecated).toBe(true);
    for (const response of Object.values(operation.responses)) {
      expect(Object.keys(response.headers ?? {}).sort()).toEqual(['Deprecation', 'Link', 'Sunset']);
    }
  });

  it('marks no other operation deprecated', () => {
    const deprecated = Object.entries(paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([, operation]) => operation.deprecated)
        .map(([method]) => `${method} ${path}`),
    );
    expect(deprecated.sort()).toEqual(V1_ORDERS.map(([method, path]) => `${method} ${path}`).sort());
  });

  it('describes v2 money as a decimal string with its currency, and the v2 list by cursor', () => {
    const schemas = document.components.schemas;
    expect(schemas.MoneyDto!.properties).toMatchObject({ amount: { type: 'string' }, currency: { type: 'string' } });
    expect(schemas.OrderV2ResponseDto!.properties).toMatchObject({ total: { allOf: [{ $ref: '#/components/schemas/MoneyDto' }] } });
    expect(schemas.OrderV2ResponseDto!.properties).not.toHaveProperty('totalCents');
    expect(schemas.OrderListV2ResponseDto!.properties).toMatchObject({ nextCursor: { type: 'string', nullable: true } });
    const listParameters = paths['/api/v2/orders']!.get!.parameters!.map(({ name, in: where }) => `${where}:${name}`);
    expect(listParameters.sort()).toEqual(['header:X-Strangler-Route', 'query:cursor', 'query:limit']);
  });

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
