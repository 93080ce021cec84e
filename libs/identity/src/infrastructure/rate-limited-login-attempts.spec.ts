import type { Admission, LoginAttempt } from '../application/ports/login-attempt-limiter.port.js';
import type { LoginLimits } from '../identity.config.js';
import { memoryCounters } from './rate-limit-counters.js';
import { RateLimitedLoginAttempts } from './rate-limited-login-attempts.js';

// The test's clock: rate-limiter-flexible's memory store reads Date.now() and expires keys with timers.
const clock = import.meta.jest;

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const DAY = 24 * 60 * MINUTE;
const LIMITS: LoginLimits = {
  perAccountAndAddress: 5,
  perAddress: 20,
  windowSeconds: 15 * 60,
  slowdownAfter: 10,
  slowdownWindowSeconds: 60 * 60,
  maxSlowdownSeconds: 60,
};
const ALLOWED: Admission = { allowed: true };
const wait = (retryAfterSeconds: number): Admission => ({ allowed: false, retryAfterSeconds });

describe('RateLimitedLoginAttempts (memory store, fake clock)', () => {
  let limiter: RateLimitedLoginAttempts;
  let addresses = 0;
  const freshAddress = () => `198.51.100.${(addresses += 1)}`;
  const attempt = (email: string, clientAddress: string): LoginAttempt => ({ email, clientAddress });
  const admit = (email: string, clientAddress: string) => limiter.admit(attempt(email, clientAddress));
  /** `times` attempts that are admitted (their passwords then turn out wrong). */
  const failAdmitted = async (times: number, email: string, clientAddress: string) => {
    for (let i = 0; i < times; i += 1) expect(await admit(email, clientAddress)).toEqual(ALLOWED);
  };
  /** An attempt whose password is right: admitted, then reported as a success. */
  const logInRight = async (email: string, clientAddress: string) => {
    expect(await admit(email, clientAddress)).toEqual(ALLOWED);
    await limiter.succeeded(attempt(email, clientAddress));
  };
  /** Fails the account 10 times from two addresses: it is then slowed, nobody is locked. */
  const failTenTimes = async (email: string) => {
    await failAdmitted(5, email, freshAddress());
    await failAdmitted(5, email, freshAddress());
  };

  beforeEach(() => {
    clock.useFakeTimers({ now: new Date('2026-12-02T10:00:00Z') });
    limiter = new RateLimitedLoginAttempts(LIMITS, memoryCounters);
  });
  afterEach(() => clock.useRealTimers());

  describe('per account and address', () => {
    it('admits 5 attempts, then refuses that pair until its 15-minute window is over', async () => {
      await failAdmitted(5, 'ann@shop.test', '203.0.113.1');
      expect(await admit('ann@shop.test', '203.0.113.1')).toEqual(wait(15 * 60));
      clock.advanceTimersByTime(10 * MINUTE);
      expect(await admit('ann@shop.test', '203.0.113.1')).toEqual(wait(5 * 60));
      clock.advanceTimersByTime(5 * MINUTE);
      expect(await admit('ann@shop.test', '203.0.113.1')).toEqual(ALLOWED);
    });

    it('does not refuse the same account from another address', async () => {
      await failAdmitted(5, 'ann@shop.test', '203.0.113.1');
      expect(await admit('ann@shop.test', '203.0.113.2')).toEqual(ALLOWED);
    });

    it('counts an IPv6 /64 as one address', async () => {
      for (let i = 1; i <= 5; i += 1) expect(await admit('ann@shop.test', `2001:db8:0:7::${i}`)).toEqual(ALLOWED);
      expect(await admit('ann@shop.test', '2001:db8:0:7::99')).toEqual(wait(15 * 60));
    });

    it("forgets the pair's failures when its password is right", async () => {
      await failAdmitted(4, 'ann@shop.test', '203.0.113.1');
      await logInRight('ann@shop.test', '203.0.113.1');
      await failAdmitted(5, 'ann@shop.test', '203.0.113.1');
      expect(await admit('ann@shop.test', '203.0.113.1')).toMatchObject({ allowed: false });
    });
  });

  describe('per address', () => {
    const spreadOverAccounts = async (failures: number, clientAddress: string) => {
      for (let i = 0; i < failures; i += 1) expect(await admit(`user${i}@shop.test`, clientAddress)).toEqual(ALLOWED);
    };

    it('admits 20 attempts across accounts, then refuses the address for every account', async () => {
      await spreadOverAccounts(20, '203.0.113.1');
      expect(await admit('new@shop.test', '203.0.113.1')).toEqual(wait(15 * 60));
      expect(await admit('new@shop.test', '203.0.113.2')).toEqual(ALLOWED);
    });

    it("gives back only the successful attempt's count, so one good account cannot launder guesses at others", async () => {
      await spreadOverAccounts(19, '203.0.113.1');
      await logInRight('mine@shop.test', '203.0.113.1');
      expect(await admit('other@shop.test', '203.0.113.1')).toEqual(ALLOWED);
      expect(await admit('another@shop.test', '203.0.113.1')).toMatchObject({ allowed: false });
    });
  });

  describe('per account, across addresses', () => {
    it('never refuses the first 10 failures, whichever addresses they come from', async () => {
      for (let i = 0; i < 10; i += 1) expect(await admit('ann@shop.test', freshAddress())).toEqual(ALLOWED);
    });

    it('then admits one attempt at a time, each holding the next off for 1 s, 2 s, 4 s ... up to 60 s', async () => {
      await failTenTimes('ann@shop.test');
      const waits: number[] = [];
      for (let slowed = 1; slowed <= 8; slowed += 1) {
        expect(await admit('ann@shop.test', freshAddress())).toEqual(ALLOWED);
        const refused = await admit('ann@shop.test', freshAddress());
        if (refused.allowed) throw new Error(`attempt after slowed attempt ${slowed} was not held off`);
        waits.push(refused.retryAfterSeconds);
        clock.advanceTimersByTime(refused.retryAfterSeconds * SECOND);
      }
      // Each refused attempt counts too, so a campaign that keeps knocking reaches the cap sooner.
      expect(waits).toEqual([1, 4, 16, 60, 60, 60, 60, 60]);
    });

    it('does not count attempts refused for their address, so a locked-out address cannot slow the account', async () => {
      await failAdmitted(5, 'ann@shop.test', '203.0.113.1');
      for (let i = 0; i < 30; i += 1) expect(await admit('ann@shop.test', '203.0.113.1')).toMatchObject({ allowed: false });
      await failAdmitted(5, 'ann@shop.test', freshAddress());
      expect(await admit('ann@shop.test', freshAddress())).toEqual(ALLOWED);
      expect(await admit('ann@shop.test', freshAddress())).toEqual(wait(1));
    });

    it('lets the owner in from an address they logged in from, however many strangers fail on the account', async () => {
      await logInRight('ann@shop.test', '203.0.113.50');
      await failTenTimes('ann@shop.test');
      for (let i = 0; i < 50; i += 1) await admit('ann@shop.test', freshAddress());
      expect(await admit('ann@shop.test', freshAddress())).toMatchObject({ allowed: false });
      expect(await admit('ann@shop.test', '203.0.113.50')).toEqual(ALLOWED);
    });

    it('remembers such an address for 14 days', async () => {
      await logInRight('ann@shop.test', '203.0.113.50');
      clock.advanceTimersByTime(14 * DAY - MINUTE);
      await failTenTimes('ann@shop.test');
      expect(await admit('ann@shop.test', freshAddress())).toEqual(ALLOWED);
      expect(await admit('ann@shop.test', '203.0.113.50')).toEqual(ALLOWED);
      clock.advanceTimersByTime(MINUTE);
      // The lane is free again: a stranger takes it, and the no longer known address now waits like anyone.
      expect(await admit('ann@shop.test', freshAddress())).toEqual(ALLOWED);
      expect(await admit('ann@shop.test', '203.0.113.50')).toMatchObject({ allowed: false });
    });

    it("does not wipe strangers' failures when the owner logs in", async () => {
      await logInRight('ann@shop.test', '203.0.113.50');
      await failTenTimes('ann@shop.test');
      await logInRight('ann@shop.test', '203.0.113.50');
      expect(await admit('ann@shop.test', freshAddress())).toEqual(ALLOWED);
      expect(await admit('ann@shop.test', freshAddress())).toMatchObject({ allowed: false });
    });

    it('is free again once the hour-long window of its failures is over', async () => {
      await failTenTimes('ann@shop.test');
      clock.advanceTimersByTime(60 * MINUTE);
      for (let i = 0; i < 10; i += 1) expect(await admit('ann@shop.test', freshAddress())).toEqual(ALLOWED);
    });
  });
});
