import type { ShadowStore } from '../shadow/shadow-store.js';
import type { ShadowEvidence } from './plans.js';

/** The shadow step's evidence: the context's comparisons summed over every instance and route. */
export function shadowStoreEvidence(store: Pick<ShadowStore, 'sums'>): ShadowEvidence {
  return {
    totals: async (context, sinceMs) => {
      const { matches, mismatches } = await store.sums(context, sinceMs);
      return { compared: matches + mismatches, mismatches };
    },
  };
}
