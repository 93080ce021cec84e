import { createHash } from 'node:crypto';

/**
 * Whether a user is in the canary: a stable hash of the user id into 0..99, below `percent`.
 * The same user always lands on the same side while the percent stays, and raising the percent
 * only moves users from the monolith to the service.
 */
export function inCanary(userId: string, percent: number): boolean {
  const bucket = createHash('sha256').update(userId).digest().readUInt32BE(0) % 100;
  return bucket < percent;
}
