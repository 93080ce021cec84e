import { runLockedContext, type LockedContextReport, type ShopProcesses } from '@shop/testing';

/**
 * A slow (not dead) dependency: ordering's tables locked by another session for 8 s, under steady load
 * on identity, catalog and ordering (the monolith as a process, see libs/testing/src/fault-matrix/
 * locked-context.ts). With a pool per context, identity and catalog do not notice; ordering answers a
 * prompt 503 that applied nothing. The same run on one shared pool (a test switch) shows what the
 * separation protects: ordering's stuck statements take every connection.
 */
describe('ordering locked for 8 s: a pool per context keeps its neighbours fast', () => {
  const STATEMENT_TIMEOUT_MS = 1000;
  const reports: Partial<Record<LockedContextReport['pools'], LockedContextReport>> = {};
  let shop: ShopProcesses | undefined;
  const log = process.env.SLOW_LOG ? (line: string) => process.stderr.write(`[locked ${new Date().toISOString()}] ${line}\n`) : undefined;

  afterAll(async () => {
    await shop?.close();
    for (const report of Object.values(reports)) console.log(figures(report));
  });

  const run = async (pools: LockedContextReport['pools']): Promise<LockedContextReport> => {
    const report = await runLockedContext({
      pools,
      statementTimeoutMs: STATEMENT_TIMEOUT_MS,
      log,
      onStarted: (started) => (shop = started),
    });
    shop = undefined;
    reports[pools] = report;
    return report;
  };

  it('with a pool per context: identity and catalog p99 within 1.5x of unlocked, ordering a quick 503, nothing applied twice', async () => {
    const report = await run('per-context');

    for (const context of ['identity', 'catalog'] as const) {
      expect(report.baseline[context].requests).toBeGreaterThan(50);
      expect(report.locked[context].requests).toBeGreaterThan(50);
      expect(report.locked[context].failures).toBe(0);
      expect(report.locked[context].p99Ms).toBeLessThanOrEqual(1.5 * report.baseline[context].p99Ms);
    }
    // Ordering was asked throughout and answered, each time, within a wait for a connection and one statement.
    const { answers, maxMs } = report.orderingDuringLock;
    expect(answers['503 database-timeout']).toBeGreaterThan(10);
    expect(Object.keys(answers).filter((answer) => !/^(2\d\d|503 database-timeout)$/.test(answer))).toEqual([]);
    expect(maxMs).toBeLessThan(2 * STATEMENT_TIMEOUT_MS + 1000);
    expect(report.violations).toEqual([]);
  }, 120_000);

  it('on one shared pool of as many connections, the same lock drags identity and catalog down with ordering', async () => {
    const report = await run('shared');

    for (const context of ['identity', 'catalog'] as const) {
      expect(report.locked[context].p99Ms).toBeGreaterThan(1.5 * report.baseline[context].p99Ms);
      // They wait for connections ordering's stuck statements hold, up to the same timeout.
      expect(report.locked[context].p99Ms).toBeGreaterThan(STATEMENT_TIMEOUT_MS / 2);
    }
    expect(report.violations).toEqual([]);
  }, 120_000);
});

function figures(report: LockedContextReport): string {
  const row = (context: 'identity' | 'catalog') =>
    `${context}: p99 ${report.baseline[context].p99Ms.toFixed(1)} ms unlocked -> ${report.locked[context].p99Ms.toFixed(1)} ms locked ` +
    `(${report.locked[context].requests} requests, ${report.locked[context].failures} failed)`;
  return [
    `${report.pools === 'shared' ? `one pool of ${report.poolSize * 4}` : `a pool of ${report.poolSize} per context`} ` +
      `(statement timeout ${report.statementTimeoutMs} ms), ordering locked ${report.lockMs / 1000} s`,
    row('identity'),
    row('catalog'),
    `ordering during the lock: ${JSON.stringify(report.orderingDuringLock.answers)}, ` +
      `p99 ${report.orderingDuringLock.p99Ms.toFixed(0)} ms, max ${report.orderingDuringLock.maxMs.toFixed(0)} ms`,
  ].join('\n  ');
}
