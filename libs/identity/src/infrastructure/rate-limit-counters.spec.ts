import type { DataSource } from 'typeorm';
import { countOne, postgresCounters } from './rate-limit-counters.js';

/** A DataSource whose pg pool fails every query, as when PostgreSQL is unreachable. */
const unreachable = {
  driver: { master: { query: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432')) } },
} as unknown as DataSource;

describe('postgresCounters', () => {
  it('falls back to counting in memory when PostgreSQL fails, so the limit still holds in this process', async () => {
    const counter = postgresCounters(unreachable)({ keyPrefix: 'test', points: 2, duration: 60 });
    expect((await countOne(counter, 'key')).over).toBe(false);
    expect((await countOne(counter, 'key')).over).toBe(false);
    const third = await countOne(counter, 'key');
    expect(third.over).toBe(true);
    expect(third.result.msBeforeNext).toBeGreaterThan(0);
  });
});
