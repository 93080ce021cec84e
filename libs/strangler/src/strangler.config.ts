import { defineConfig, variables, type ConfigSlice, type DatabaseConfig } from '@shop/platform';
import { SETTABLE_MODES, type SettableMode } from './routing/strangleable-context.js';

export interface StranglerConfig {
  /** Every call to an extracted service gives up after this (at most 3 s). */
  timeoutMs: number;
  /** How long an open circuit stays open before one call is let through to test the service. */
  breakerCooldownMs: number;
  /** Each extracted service's bulkhead: calls in flight at once, and calls waiting for a slot (any more are refused at once). */
  maxInFlight: number;
  maxQueued: number;
}

/** The facade's settings for calls to extracted services. */
export const stranglerConfig = defineConfig({
  name: 'strangler',
  variables: {
    STRANGLER_TIMEOUT_MS: variables.wholeNumber(100, 3000, 'milliseconds').default(3000),
    STRANGLER_BREAKER_COOLDOWN_MS: variables.wholeNumber(100, 600_000, 'milliseconds').default(5000),
    STRANGLER_MAX_IN_FLIGHT: variables.wholeNumber(1, 1000, 'calls').default(32),
    STRANGLER_MAX_QUEUED: variables.wholeNumber(0, 1000, 'calls').default(16),
  },
  build: (raw): StranglerConfig => ({
    timeoutMs: raw.STRANGLER_TIMEOUT_MS,
    breakerCooldownMs: raw.STRANGLER_BREAKER_COOLDOWN_MS,
    maxInFlight: raw.STRANGLER_MAX_IN_FLIGHT,
    maxQueued: raw.STRANGLER_MAX_QUEUED,
  }),
});

const bootModes = new Map<string, ConfigSlice<SettableMode>>();

/** `STRANGLER_<CONTEXT>`: the mode a strangleable context boots in when no route is persisted yet. */
export function bootModeConfig(context: string): ConfigSlice<SettableMode> {
  let slice = bootModes.get(context);
  if (!slice) {
    const variable = `STRANGLER_${context.toUpperCase()}`;
    slice = defineConfig({
      name: `strangler.${context}`,
      variables: { [variable]: variables.oneOf(SETTABLE_MODES).default('monolith') },
      build: (raw) => raw[variable] as SettableMode,
    });
    bootModes.set(context, slice);
  }
  return slice;
}

const ownDatabases = new Map<string, ConfigSlice<DatabaseConfig | undefined>>();

/**
 * `<CONTEXT>_OWN_DATABASE_URL`: the database a strangled context's data is handed off to, given to the
 * service that hosts it (a secret; never stored in a table). Until a handoff the context lives in the
 * shared database as before.
 */
export function ownDatabaseConfig(context: string): ConfigSlice<DatabaseConfig | undefined> {
  let slice = ownDatabases.get(context);
  if (!slice) {
    const variable = `${context.toUpperCase()}_OWN_DATABASE_URL`;
    slice = defineConfig({
      name: `strangler.${context}.own-database`,
      variables: { [variable]: variables.url(['postgres', 'postgresql']) },
      secrets: [variable],
      build: (raw): DatabaseConfig | undefined => {
        const url = raw[variable] as string | undefined;
        return url ? { kind: 'postgres', url } : undefined;
      },
    });
    ownDatabases.set(context, slice);
  }
  return slice;
}
