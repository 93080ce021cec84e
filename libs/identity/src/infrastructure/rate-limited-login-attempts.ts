import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Admission, LoginAttempt, LoginAttemptLimiter } from '../application/ports/login-attempt-limiter.port.js';
import { KNOWN_ADDRESS_DAYS, slowdownSeconds } from '../domain/login-policy.js';
import type { LoginLimits } from '../identity.config.js';
import { counterKey, limitedNetwork } from './client-address-key.js';
import { ALLOWED, countOne, refusedUntilLongest, type RateLimitCounters } from './rate-limit-counters.js';

// At most 24.8 days: the in-memory store expires a key with setTimeout, which fires at once beyond 2^31 - 1 ms.
const KNOWN_ADDRESS_SECONDS = KNOWN_ADDRESS_DAYS * 24 * 60 * 60;

/**
 * The login policy of ADR 0012 on rate-limiter-flexible counters:
 * - an account from one address, and one address across accounts, are refused past their failures in a window;
 * - an account across all addresses is only slowed past its failures: one attempt at a time, each holding the
 *   next off for a doubling wait, and never for an address the account logged in from lately, so strangers
 *   cannot lock the owner out.
 */
export class RateLimitedLoginAttempts implements LoginAttemptLimiter {
  private readonly perAccountAndAddress: RateLimiterAbstract;
  private readonly perAddress: RateLimiterAbstract;
  private readonly perAccount: RateLimiterAbstract;
  /** One slowed attempt per account at a time: each admission holds the lane for its slowdown. */
  private readonly slowLane: RateLimiterAbstract;
  /** Account-and-address pairs whose password was right lately. */
  private readonly knownPairs: RateLimiterAbstract;

  constructor(
    private readonly limits: LoginLimits,
    counters: RateLimitCounters,
  ) {
    const window = limits.windowSeconds;
    this.perAccountAndAddress = counters({ keyPrefix: 'login-pair', points: limits.perAccountAndAddress, duration: window });
    this.perAddress = counters({ keyPrefix: 'login-address', points: limits.perAddress, duration: window });
    this.perAccount = counters({ keyPrefix: 'login-account', points: limits.slowdownAfter, duration: limits.slowdownWindowSeconds });
    this.slowLane = counters({ keyPrefix: 'login-slow', points: 1, duration: 1 });
    this.knownPairs = counters({ keyPrefix: 'login-known', points: 1, duration: KNOWN_ADDRESS_SECONDS });
  }

  async admit(attempt: LoginAttempt): Promise<Admission> {
    const keys = keysOf(attempt);
    const fromHere = await Promise.all([countOne(this.perAccountAndAddress, keys.pair), countOne(this.perAddress, keys.address)]);
    const refused = fromHere.filter((count) => count.over);
    // A refused attempt is not counted against the account: a locked-out address cannot push it into the slowdown.
    if (refused.length > 0) return refusedUntilLongest(refused);

    const account = await countOne(this.perAccount, keys.account);
    if (!account.over || (await this.knownPairs.get(keys.pair))) return ALLOWED;
    const beyond = account.result.consumedPoints - this.limits.slowdownAfter;
    const customDuration = slowdownSeconds(beyond, this.limits.maxSlowdownSeconds);
    const lane = await countOne(this.slowLane, keys.account, { customDuration });
    return lane.over ? refusedUntilLongest([lane]) : ALLOWED;
  }

  /** Forgets the pair's failures and gives back this attempt's counts; the address's and account's other failures stay. */
  async succeeded(attempt: LoginAttempt): Promise<void> {
    const keys = keysOf(attempt);
    await Promise.all([
      this.perAccountAndAddress.delete(keys.pair),
      this.perAddress.reward(keys.address),
      this.perAccount.reward(keys.account),
      this.knownPairs.set(keys.pair, 1, KNOWN_ADDRESS_SECONDS),
    ]);
  }
}

function keysOf({ email, clientAddress }: LoginAttempt): { pair: string; address: string; account: string } {
  const network = limitedNetwork(clientAddress);
  return { pair: counterKey(email, network), address: counterKey(network), account: counterKey(email) };
}
