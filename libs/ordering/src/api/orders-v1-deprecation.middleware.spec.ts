import { successorOf } from './orders-v1-deprecation.middleware.js';

describe('successorOf', () => {
  it.each([
    ['/api/v1/orders', '/api/v2/orders'],
    ['/api/v1/orders?limit=5&offset=10', '/api/v2/orders'],
    ['/api/v1/orders/0b7e6c1a-4a5f-4d2e-9c3b-8f1e2d3c4b5a', '/api/v2/orders/0b7e6c1a-4a5f-4d2e-9c3b-8f1e2d3c4b5a'],
    ['/api/v1/orders/0b7e6c1a-4a5f-4d2e-9c3b-8f1e2d3c4b5a/cancel', '/api/v2/orders/0b7e6c1a-4a5f-4d2e-9c3b-8f1e2d3c4b5a/cancel'],
  ])('names the same resource in v2: %s -> %s', (path, successor) => {
    expect(successorOf(path)).toBe(successor);
  });

  it.each([['/api/v1/orders/a%3E%3Cb'], ['/api/v1/orders/x/y/z'], ['/api/v1/orders/'], ['']])(
    'links the v2 collection for a path it would not copy into a header as is: %s',
    (path) => {
      expect(successorOf(path)).toBe('/api/v2/orders');
    },
  );
});
