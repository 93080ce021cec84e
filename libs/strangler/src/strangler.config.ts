import { defineConfig, variables, type ConfigSlice } from '@shop/platform';
import { STRANGLER_MODES, type StranglerMode } from './routing/strangleable-context.js';

export interface StranglerConfig {
  /** Every call to an extracted service gives up after this (at most 3 s). */
  timeoutMs: number;
  /** How long an open circuit stays open before one call is let through to test the service. */
  breakerCooldownMs: number;
}

/** The facade's settings for calls to extracted services. */
export const stranglerConfig = defineConfig({
  name: 'strangler',
  variables: {
    STRANGLER_TIMEOUT_MS: variables.wholeNumber(100, 3000, 'milliseconds').default(3000),
    STRANGLER_BREAKER_COOLDOWN_MS: variables.wholeNumber(100, 600_000, 'milliseconds').default(5000),
  },
  build: (raw): StranglerConfig => ({ timeoutMs: raw.STRANGLER_TIMEOUT_MS, breakerCooldownMs: raw.STRANGLER_BREAKER_COOLDOWN_MS }),
});

const bootModes = new Map<string, ConfigSlice<StranglerMode>>();

/** `STRANGLER_<CONTEXT>`: the mode a strangleable context boots in when no route is persisted yet. */
export function bootModeConfig(context: string): ConfigSlice<StranglerMode> {
  let slice = bootModes.get(context);
  if (!slice) {
    const variable = `STRANGLER_${context.toUpperCase()}`;
    slice = defineConfig({
      name: `strangler.${context}`,
      variables: { [variable]: variables.oneOf(STRANGLER_MODES).default('monolith') },
      build: (raw) => raw[variable] as StranglerMode,
    });
    bootModes.set(context, slice);
  }
  return slice;
}
