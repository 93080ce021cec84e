import { ConfigError, loadConfiguration } from '@shop/platform';
import { bootModeConfig, stranglerConfig } from './strangler.config.js';

describe('strangler configuration', () => {
  it('defaults to 3 s calls, a 5 s cool-down, 32 calls in flight and 16 waiting per service, ordering booting as monolith', () => {
    const configuration = loadConfiguration([stranglerConfig, bootModeConfig('ordering')], {});
    expect(configuration.get(stranglerConfig)).toEqual({ timeoutMs: 3000, breakerCooldownMs: 5000, maxInFlight: 32, maxQueued: 16 });
    expect(configuration.get(bootModeConfig('ordering'))).toBe('monolith');
  });

  it('reads each context boot mode from STRANGLER_<CONTEXT>, one slice per context', () => {
    expect(bootModeConfig('ordering')).toBe(bootModeConfig('ordering'));
    expect(loadConfiguration([bootModeConfig('ordering')], { STRANGLER_ORDERING: 'canary' }).get(bootModeConfig('ordering'))).toBe(
      'canary',
    );
    expect(() => loadConfiguration([bootModeConfig('ordering')], { STRANGLER_ORDERING: 'sideways' })).toThrow(
      new ConfigError(['STRANGLER_ORDERING: must be one of monolith, service, shadow, canary (got "sideways")']),
    );
  });

  it('takes a bulkhead of at least one call in flight and possibly no queue, and refuses anything else', () => {
    expect(
      loadConfiguration([stranglerConfig], { STRANGLER_MAX_IN_FLIGHT: '4', STRANGLER_MAX_QUEUED: '0' }).get(stranglerConfig),
    ).toMatchObject({
      maxInFlight: 4,
      maxQueued: 0,
    });
    expect(() => loadConfiguration([stranglerConfig], { STRANGLER_MAX_IN_FLIGHT: '0', STRANGLER_MAX_QUEUED: 'many' })).toThrow(
      new ConfigError([
        'STRANGLER_MAX_IN_FLIGHT: must be between 1 and 1000 (got "0")',
        'STRANGLER_MAX_QUEUED: must be a whole number of calls (got "many")',
      ]),
    );
  });
});
