/** An address the account logged in from within this many days is never slowed by others' failures on the account. */
export const KNOWN_ADDRESS_DAYS = 14;

/**
 * How long a slowed account makes the next attempt wait after the `beyond`-th attempt past its free
 * failures: 1 s, 2 s, 4 s ... doubling up to `maxSeconds`, so a guessing campaign gets slower the longer
 * it runs while a person retrying now and then waits seconds, not the whole window.
 */
export function slowdownSeconds(beyond: number, maxSeconds: number): number {
  if (beyond < 1) return 0;
  // Beyond 2^31 the doubling has long passed any sane cap; the exponent is bounded so the number stays finite.
  return Math.min(2 ** Math.min(beyond - 1, 31), maxSeconds);
}
