import { InMemoryLoginAttemptLimiter } from './in-memory-login-attempt-limiter.js';

const MINUTE = 60_000;

describe('InMemoryLoginAttemptLimiter', () => {
  let clock: number;
  let limiter: InMemoryLoginAttemptLimiter;
  const attempt = (email: string, clientAddress = '10.0.0.1') => ({ email, clientAddress });
  const fail = (times: number, email: string, clientAddress?: string) => {
    for (let i = 0; i < times; i += 1) limiter.recordFailure(attempt(email, clientAddress));
  };

  beforeEach(() => {
    clock = 5_000_000;
    limiter = new InMemoryLoginAttemptLimiter(
      { perEmail: { failures: 5, windowMs: 15 * MINUTE }, perAddress: { failures: 20, windowMs: 15 * MINUTE } },
      () => clock,
    );
  });

  describe('per email', () => {
    it('allows 5 failures, then asks to wait out the 15-minute window', () => {
      fail(4, 'ann@shop.test');
      expect(limiter.retryAfterSeconds(attempt('ann@shop.test'))).toBe(0);
      fail(1, 'ann@shop.test');
      expect(limiter.retryAfterSeconds(attempt('ann@shop.test'))).toBe(15 * 60);
    });

    it('blocks the account from every address', () => {
      fail(5, 'ann@shop.test', '10.0.0.1');
      expect(limiter.retryAfterSeconds(attempt('ann@shop.test', '10.9.9.9'))).toBeGreaterThan(0);
    });

    it('lets the account in again once the window has passed', () => {
      fail(5, 'ann@shop.test');
      clock += 15 * MINUTE;
      expect(limiter.retryAfterSeconds(attempt('ann@shop.test'))).toBe(0);
    });

    it("does not hold one account's failures against another from a different address", () => {
      fail(5, 'ann@shop.test', '10.0.0.1');
      expect(limiter.retryAfterSeconds(attempt('bob@shop.test', '10.0.0.2'))).toBe(0);
    });

    it("resets the account's count on success", () => {
      fail(4, 'ann@shop.test');
      limiter.recordSuccess(attempt('ann@shop.test'));
      fail(4, 'ann@shop.test');
      expect(limiter.retryAfterSeconds(attempt('ann@shop.test'))).toBe(0);
    });

    it('rounds the wait up to whole seconds', () => {
      fail(5, 'ann@shop.test');
      clock += 15 * MINUTE - 1_500;
      expect(limiter.retryAfterSeconds(attempt('ann@shop.test'))).toBe(2);
    });
  });

  describe('per client address', () => {
    const spreadOverAccounts = (failures: number, clientAddress: string) => {
      for (let i = 0; i < failures; i += 1) limiter.recordFailure(attempt(`user${i}@shop.test`, clientAddress));
    };

    it('allows 20 failures across any accounts, then blocks the address for every account', () => {
      spreadOverAccounts(19, '10.0.0.1');
      expect(limiter.retryAfterSeconds(attempt('new@shop.test', '10.0.0.1'))).toBe(0);
      spreadOverAccounts(1, '10.0.0.1');
      expect(limiter.retryAfterSeconds(attempt('new@shop.test', '10.0.0.1'))).toBe(15 * 60);
    });

    it('does not block the same accounts from another address', () => {
      spreadOverAccounts(20, '10.0.0.1');
      expect(limiter.retryAfterSeconds(attempt('new@shop.test', '10.0.0.2'))).toBe(0);
    });

    it('keeps counting the address after a success, so one good account cannot launder guesses', () => {
      spreadOverAccounts(20, '10.0.0.1');
      limiter.recordSuccess(attempt('user0@shop.test', '10.0.0.1'));
      expect(limiter.retryAfterSeconds(attempt('user0@shop.test', '10.0.0.1'))).toBeGreaterThan(0);
    });
  });

  it('answers the longer wait when both limits are reached', () => {
    fail(5, 'ann@shop.test', '10.0.0.1');
    clock += 5 * MINUTE;
    for (let i = 0; i < 20; i += 1) limiter.recordFailure(attempt(`user${i}@shop.test`, '10.0.0.1'));
    expect(limiter.retryAfterSeconds(attempt('ann@shop.test', '10.0.0.1'))).toBe(15 * 60);
  });
});
