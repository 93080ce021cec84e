import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { FAULT_NAMES, runFaultMatrix, type FaultFigures, type FaultMatrixReport, type ShopProcesses } from '@shop/testing';

/** Where the apps' output goes when an invariant broke (the worktree's tmp/, ignored by git). */
const EVIDENCE = new URL('../../../tmp/fault-matrix-apps.log', import.meta.url).pathname;

/**
 * The shop as deployed (the monolith and two order-service instances as processes, ordering served by
 * the service, every app behind TCP proxies to PostgreSQL and RabbitMQ) under steady load while one
 * fault at a time strikes and heals: see libs/testing/src/fault-matrix. After each fault, with the load
 * stopped, the databases are checked against what every client was told.
 */
describe('fault matrix: under each fault the shop loses nothing and applies nothing twice', () => {
  const abort = new AbortController();
  let shop: ShopProcesses | undefined;
  let report: FaultMatrixReport;
  let output = '';

  beforeAll(async () => {
    report = await runFaultMatrix({
      signal: abort.signal,
      onStarted: (started) => (shop = started),
      onOutput: (printed) => (output = printed),
      // FAULT_MATRIX_LOG=1 shows the run as it goes (jest shows console output only at the end).
      log: process.env.FAULT_MATRIX_LOG
        ? (line) => process.stderr.write(`[fault matrix ${new Date().toISOString()}] ${line}\n`)
        : undefined,
    });
    if (report.faults.some((fault) => fault.violations.length > 0)) {
      mkdirSync(dirname(EVIDENCE), { recursive: true });
      writeFileSync(EVIDENCE, output);
    }
  }, 360_000);

  // Whatever happened (a timeout included), no process is left behind.
  afterAll(async () => {
    abort.abort();
    await shop?.close();
  }, 30_000);

  const figuresOf = (fault: string): FaultFigures => report.faults.find((figures) => figures.fault === fault)!;

  const invariants = 'nothing lost or duplicated, every order final, stock and payments consistent, every "not applied" true';
  it.each(FAULT_NAMES)(`%s: ${invariants}`, (fault) => {
    const figures = figuresOf(fault);
    expect({ fault, violations: figures.violations }).toEqual({ fault, violations: [] });
    expect(figures.orders.placed).toBeGreaterThan(20);
    expect(figures.recovery.firstPlacementMs).toBeDefined();
    expect(figures.recovery.allFinalMs).toBeDefined();
  });

  it('struck where it says: clients saw each fault, and the claims checked were made', () => {
    // A killed monolith drops connections; a stalled service times out, then its circuit opens.
    expect(figuresOf('monolith-killed').byStatus['network-error']).toBeGreaterThan(0);
    expect(figuresOf('order-service-stalled').unavailableByType['service-timeout']).toBeGreaterThan(0);
    // With the broker cut, writes are refused as "not applied": the answers whose truth was checked.
    expect(figuresOf('broker-cut').unavailableByType['service-unavailable']).toBeGreaterThan(0);
    expect(figuresOf('broker-cut').keyless.notApplied).toBeGreaterThan(0);
    // With the database cut, requests fail and are retried until they succeed.
    expect(figuresOf('database-cut').retries).toBeGreaterThan(0);
  });
});
