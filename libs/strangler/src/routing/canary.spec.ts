import { randomUUID } from 'node:crypto';
import { inCanary } from './canary.js';

describe('inCanary', () => {
  const users = Array.from({ length: 4000 }, () => randomUUID());

  it('puts nobody in at 0 and everybody at 100', () => {
    expect(users.some((user) => inCanary(user, 0))).toBe(false);
    expect(users.every((user) => inCanary(user, 100))).toBe(true);
  });

  it.each([
    [50, 0.4, 0.6],
    [25, 0.2, 0.3],
  ])('puts about %i percent of 1,000 users in', (percent, low, high) => {
    const sample = Array.from({ length: 1000 }, () => randomUUID());
    const inside = sample.filter((user) => inCanary(user, percent)).length;
    expect(inside).toBeGreaterThanOrEqual(low * sample.length);
    expect(inside).toBeLessThanOrEqual(high * sample.length);
  });

  it('answers later what it answered first for the same user', () => {
    const sample = users.slice(0, 100);
    const first = new Map(sample.map((user) => [user, inCanary(user, 50)]));
    // Other users and other percents in between, so an answer that drifts with use would show.
    for (const user of users.slice(100, 1100)) inCanary(user, 50);
    for (const user of sample) inCanary(user, 10);

    for (const user of [...sample].reverse()) expect({ user, inCanary: inCanary(user, 50) }).toEqual({ user, inCanary: first.get(user) });
  });

  it('answers by the text of the id alone, however the string was built', () => {
    const sample = users.slice(0, 100);
    const first = new Map(sample.map((user) => [user, inCanary(user, 50)]));

    for (const user of sample) {
      // As the id arrives on a request (parsed from a token's JSON) or pieced together.
      const copies = [JSON.parse(JSON.stringify({ sub: user })).sub as string, [...user].join(''), `${user.slice(0, 8)}${user.slice(8)}`];
      for (const copy of copies) expect({ user, inCanary: inCanary(copy, 50) }).toEqual({ user, inCanary: first.get(user) });
    }
  });

  it('only moves users into the canary as the percent rises', () => {
    const at30 = new Set(users.filter((user) => inCanary(user, 30)));
    const at60 = new Set(users.filter((user) => inCanary(user, 60)));
    for (const user of at30) expect(at60.has(user)).toBe(true);
  });
});
