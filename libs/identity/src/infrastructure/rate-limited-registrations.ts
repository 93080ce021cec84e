import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Admission } from '../application/ports/login-attempt-limiter.port.js';
import type { RegistrationLimiter } from '../application/ports/registration-limiter.port.js';
import type { RegistrationLimits } from '../identity.config.js';
import { counterKey, limitedNetwork } from './client-address-key.js';
import { ALLOWED, countOne, refusedUntilLongest, type RateLimitCounters } from './rate-limit-counters.js';

/** At most `perAddress` registrations from one client address (an IPv6 /64) per window (ADR 0012). */
export class RateLimitedRegistrations implements RegistrationLimiter {
  private readonly perAddress: RateLimiterAbstract;

  constructor(limits: RegistrationLimits, counters: RateLimitCounters) {
    this.perAddress = counters({ keyPrefix: 'registration-address', points: limits.perAddress, duration: limits.windowSeconds });
  }

  async admit(clientAddress: string): Promise<Admission> {
    const count = await countOne(this.perAddress, counterKey(limitedNetwork(clientAddress)));
    return count.over ? refusedUntilLongest([count]) : ALLOWED;
  }
}
