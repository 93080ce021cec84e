import type { ShadowComparer } from '../shadow/shadow-comparer.js';
import type { ShadowEvidence, ShadowTotals } from './plans.js';

/** The shadow step's evidence from the comparer's counts, summed over the context's routes. */
export function comparerEvidence(comparer: ShadowComparer): ShadowEvidence {
  return {
    totals: async (context) =>
      Object.values(comparer.snapshot()[context] ?? {}).reduce<ShadowTotals>(
        (totals, counts) => ({
          compared: totals.compared + counts.matches + counts.mismatches,
          mismatches: totals.mismatches + counts.mismatches,
        }),
        { compared: 0, mismatches: 0 },
      ),
  };
}
