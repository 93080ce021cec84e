import { randomUUID } from 'node:crypto';
import { inCanary } from './canary.js';

describe('inCanary', () => {
  const users = Array.from({ length: 4000 }, () => randomUUID());

  it('puts nobody in at 0 and everybody at 100', () => {
    expect(users.some((user) => inCanary(user, 0))).toBe(false);
    expect(users.every((user) => inCanary(user, 100))).toBe(true);
  });

  it('puts about `percent` of users in', () => {
    const share = users.filter((user) => inCanary(user, 25)).length / users.length;
    expect(share).toBeGreaterThan(0.22);
    expect(share).toBeLessThan(0.28);
  });

  it('always answers the same for the same user', () => {
    for (const user of users.slice(0, 100)) expect(inCanary(user, 50)).toBe(inCanary(user, 50));
  });

  it('only moves users into the canary as the percent rises', () => {
    const at30 = new Set(users.filter((user) => inCanary(user, 30)));
    const at60 = new Set(users.filter((user) => inCanary(user, 60)));
    for (const user of at30) expect(at60.has(user)).toBe(true);
  });
});
