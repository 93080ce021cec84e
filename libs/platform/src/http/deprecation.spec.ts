import { deprecationHeaders } from './deprecation.js';

describe('deprecationHeaders', () => {
  it('writes Deprecation as @epoch-seconds (RFC 9745), Sunset as an HTTP-date (RFC 8594) and the successor link', () => {
    expect(
      deprecationHeaders({
        deprecatedAt: new Date('2026-12-02T00:00:00.999Z'),
        sunsetAt: new Date('2027-07-01T00:00:00Z'),
        successor: '/api/v2/orders/42',
      }),
    ).toEqual({
      Deprecation: '@1796169600',
      Sunset: 'Thu, 01 Jul 2027 00:00:00 GMT',
      Link: '</api/v2/orders/42>; rel="successor-version"',
    });
  });
});
