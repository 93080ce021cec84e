import { counterKey, limitedNetwork } from './client-address-key.js';

describe('limitedNetwork', () => {
  it('counts an IPv4 address as itself, also when it arrives IPv4-mapped', () => {
    expect(limitedNetwork('203.0.113.7')).toBe('203.0.113.7');
    expect(limitedNetwork('::ffff:203.0.113.7')).toBe('203.0.113.7');
  });

  it('counts every address of one IPv6 /64 as one network, however it is written', () => {
    const network = '2001:db8:0:12::/64';
    expect(limitedNetwork('2001:db8:0:12:a:b:c:d')).toBe(network);
    expect(limitedNetwork('2001:0db8:0000:0012::1')).toBe(network);
    expect(limitedNetwork('2001:db8:0:12:0:0:0:1')).toBe(network);
    expect(limitedNetwork('2001:db8:0:12::1%eth0')).toBe(network);
  });

  it('keeps two /64 networks apart', () => {
    expect(limitedNetwork('2001:db8:0:13::1')).not.toBe(limitedNetwork('2001:db8:0:12::1'));
  });

  it('expands a leading ::, and an embedded IPv4 tail as two groups', () => {
    expect(limitedNetwork('::1')).toBe('0:0:0:0::/64');
    expect(limitedNetwork('64:ff9b::198.51.100.1')).toBe('64:ff9b:0:0::/64');
  });
});

describe('counterKey', () => {
  it('is a short key that differs for other parts and does not show the parts in clear', () => {
    const key = counterKey('ann@shop.test', '203.0.113.7');
    expect(key).not.toBe(counterKey('ann@shop.test', '203.0.113.8'));
    expect(key).toMatch(/^[\w-]{43}$/);
    expect(key).not.toContain('ann');
  });
});
