import { defineConfig, variables } from '@shop/platform';
import type { MirrorLimits } from './shadow-mirror.js';

export interface ShadowConfig extends MirrorLimits {
  /** How long the per-second counts are kept (summed when no `since` is given). */
  retentionMs: number;
}

/** The facade's shadow: its bulkhead (mirrored reads at once, and waiting) and how long its counts are kept. */
export const shadowConfig = defineConfig({
  name: 'strangler.shadow',
  variables: {
    STRANGLER_SHADOW_CONCURRENCY: variables.wholeNumber(1, 256, 'mirrored reads').default(8),
    STRANGLER_SHADOW_QUEUE: variables.wholeNumber(0, 10_000, 'mirrored reads').default(64),
    STRANGLER_SHADOW_RETENTION_MINUTES: variables.wholeNumber(1, 10_080, 'minutes').default(60),
  },
  build: (raw): ShadowConfig => ({
    concurrency: raw.STRANGLER_SHADOW_CONCURRENCY,
    queue: raw.STRANGLER_SHADOW_QUEUE,
    retentionMs: raw.STRANGLER_SHADOW_RETENTION_MINUTES * 60_000,
  }),
});
