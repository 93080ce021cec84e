import { ConfigError, loadConfiguration } from '@shop/platform';
import { bootModeConfig, stranglerConfig } from './strangler.config.js';

describe('strangler configuration', () => {
  it('defaults to 3 s calls, a 5 s breaker cool-down and ordering booting in monolith mode', () => {
    const configuration = loadConfiguration([stranglerConfig, bootModeConfig('ordering')], {});
    expect(configuration.get(stranglerConfig)).toEqual({ timeoutMs: 3000, breakerCooldownMs: 5000 });
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
});
