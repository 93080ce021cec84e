import { memoryCounters } from './rate-limit-counters.js';
import { RateLimitedRegistrations } from './rate-limited-registrations.js';

const clock = import.meta.jest;
const MINUTE = 60_000;

describe('RateLimitedRegistrations (memory store, fake clock)', () => {
  let limiter: RateLimitedRegistrations;
  const admitTimes = async (times: number, clientAddress: string) => {
    for (let i = 0; i < times; i += 1) expect(await limiter.admit(clientAddress)).toEqual({ allowed: true });
  };

  beforeEach(() => {
    clock.useFakeTimers({ now: new Date('2026-12-02T10:00:00Z') });
    limiter = new RateLimitedRegistrations({ perAddress: 10, windowSeconds: 3600 }, memoryCounters);
  });
  afterEach(() => clock.useRealTimers());

  it('admits 10 registrations from one address, then refuses it until its hour is over', async () => {
    await admitTimes(10, '203.0.113.1');
    clock.advanceTimersByTime(15 * MINUTE);
    expect(await limiter.admit('203.0.113.1')).toEqual({ allowed: false, retryAfterSeconds: 45 * 60 });
    clock.advanceTimersByTime(45 * MINUTE);
    await admitTimes(10, '203.0.113.1');
  });

  it('counts each address on its own, and an IPv6 /64 as one address', async () => {
    await admitTimes(10, '2001:db8:0:7::1');
    expect(await limiter.admit('2001:db8:0:7:ffff::2')).toMatchObject({ allowed: false });
    await admitTimes(10, '2001:db8:0:8::1');
    await admitTimes(10, '203.0.113.1');
  });
});
