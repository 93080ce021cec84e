// Runs the fault matrix (libs/testing/src/fault-matrix) once, prints its table and rewrites the "Fault matrix"
// section of docs/resilience.md with it. Exits 1 if any invariant broke.
// Run (real PostgreSQL and RabbitMQ; nothing shared is restarted): npm run chaos:faults
// Environment: FAULTS (a comma-separated subset, in order; the docs are rewritten only by a run of all of them with
// the default outage),
// FAULT_OUTAGE_SECONDS (how long a cut lasts, 5), FAULT_LOG_LEVEL of the apps (warn),
// RESILIENCE_OUTPUT (docs/resilience.md; "-" prints only), FAULT_APP_OUTPUT (a file for everything the apps
// printed), TEST_POSTGRES_URL, TEST_AMQP_URL.
import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { FAULT_NAMES, runFaultMatrix, TEST_AMQP_URL, TEST_POSTGRES_URL, type FaultName } from '@shop/testing';
import { renderFaultMatrix, writeFaultMatrixSection } from './support/fault-report.js';
import { describeEnvironment } from './support/environment.js';

const OUTPUT = process.env.RESILIENCE_OUTPUT ?? new URL('../../../docs/resilience.md', import.meta.url).pathname;
const faults = (process.env.FAULTS?.split(',').map((name) => name.trim()) ?? FAULT_NAMES) as FaultName[];
const unknown = faults.filter((name) => !FAULT_NAMES.includes(name));
if (unknown.length > 0) {
  console.error(`unknown faults: ${unknown.join(', ')} (known: ${FAULT_NAMES.join(', ')})`);
  process.exit(2);
}

const abort = new AbortController();
process.once('SIGINT', () => abort.abort());
const log = (line: string) => console.log(`[faults ${new Date().toISOString().slice(11, 19)}] ${line}`);

const packageVersion = (name: string): string =>
  (JSON.parse(readFileSync(new URL(`../../../node_modules/${name}/package.json`, import.meta.url), 'utf8')) as { version: string }).version;
const versions = ['@nestjs/core', 'amqplib', 'pg', 'typeorm'].map((name) => `${name} ${packageVersion(name)}`).join(', ');
const loadAverage = loadavg()[0]!;
const environment = await describeEnvironment(TEST_POSTGRES_URL, TEST_AMQP_URL);
const appOutput = process.env.FAULT_APP_OUTPUT;
const report = await runFaultMatrix({
  faults,
  log,
  logLevel: process.env.FAULT_LOG_LEVEL ?? 'warn',
  signal: abort.signal,
  outageMs: process.env.FAULT_OUTAGE_SECONDS ? Number(process.env.FAULT_OUTAGE_SECONDS) * 1000 : undefined,
  // Should this process die before the matrix cleans up, its apps die with it.
  onStarted: (shop) => process.once('exit', () => shop.killAll()),
  onOutput: appOutput ? (output) => writeFileSync(appOutput, output) : undefined,
});
console.log(`\n${renderFaultMatrix(report)}`);
const broken = report.faults.filter((fault) => fault.violations.length > 0);
if (OUTPUT !== '-' && faults.length === FAULT_NAMES.length && !process.env.FAULT_OUTAGE_SECONDS) {
  writeFaultMatrixSection(OUTPUT, report, environment, { versions, loadAverage });
  console.log(`\nwritten to ${OUTPUT}`);
}
for (const fault of broken) console.error(`${fault.fault}: ${fault.violations.join('\n  ')}`);
process.exitCode = broken.length > 0 ? 1 : 0;
