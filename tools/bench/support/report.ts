// The suite's one table, its verdict on each target, and docs/benchmarks.md.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Environment } from './environment.js';
import { median, type LoadFigures } from './measure.js';
import { handoffMedians, type HandoffFigures } from './handoff-freeze.js';
import { MISSED_AFTER_MS, percentile, type RollbackFigures } from './rollback-drills.js';
import type { OutboxFigures, OutboxTransportKind } from './outbox-latency.js';

export interface LoadRound {
  c1: LoadFigures;
  /** At the high concurrency (Results.concurrency). */
  cHigh: LoadFigures;
  /**
   * CPU milliseconds per call at the high concurrency, by process (the apps, `rabbitmq`, `bench`: the load generator, and for
   * the echo the requester and responder).
   */
  cpuMsPerCall?: Record<string, number>;
}

export interface Results {
  rounds: number;
  durationSeconds: number;
  concurrency: number;
  wallSeconds?: number;
  load: Record<string, LoadRound[]>;
  outbox: Partial<Record<OutboxTransportKind, OutboxFigures[]>>;
  memory: {
    monolithIdleMiB?: number;
    orderServiceIdleMiB?: number;
    monolithPeakMiB?: number;
    orderServicePeakMiB?: number;
    /** The in-process monolith of path 4, over its placements. */
    inProcessPeakMiB?: number;
  };
  starts: Record<string, number[]>;
  handoff?: HandoffFigures;
  rollback?: RollbackFigures;
  /** What the shadow did over path 12's shadow slices (fleet counts of ordering.GetOrder.v1). */
  shadow?: {
    samplePercent: number;
    compared: number;
    mismatches: number;
    dropped: number;
    unavailable: number;
    baselines: number;
    noise: number;
  };
  /** Database round trips of an idle monolith, and the statements it sent, most frequent first. */
  idle?: { seconds: number; roundTrips: number; statements: Array<{ statement: string; count: number }> };
  /** Database round trips of the in-process monolith while it placed and settled `orders` orders, and the statements sent. */
  trips?: { orders: number; roundTrips: number; statements: Array<{ statement: string; count: number }> };
}

/** Most database round trips per second an idle monolith may make: a sparse safety-net poll, not a busy loop. */
export const IDLE_ROUND_TRIPS_PER_SECOND = 1;

/**
 * Which processes' CPU a row shows: the apps for the shop paths; the benchmark process (requester and responder) and the
 * broker for the echo.
 */
function cpuCell(key: string, rounds: LoadRound[]): string {
  const names = key.startsWith('echo.')
    ? ['bench', 'rabbitmq']
    : key.endsWith('.floor')
      ? ['floor']
      : key.startsWith('list.')
        ? ['monolith']
        : ['monolith', 'order-service', 'rabbitmq'];
  const labels: Record<string, string> = {
    bench: 'requester + responder',
    rabbitmq: 'broker',
    monolith: 'monolith',
    'order-service': 'order-service',
    floor: 'floor',
  };
  return names
    .map((name) => {
      const values = rounds.map((r) => r.cpuMsPerCall?.[name]).filter((v): v is number => v !== undefined);
      return values.length ? `${labels[name]} ${median(values).toFixed(2)}` : undefined;
    })
    .filter(Boolean)
    .join(', ');
}

const LOAD_ROWS: Array<[key: string, path: string, label: string]> = [
  ['get.facade', '1', 'GET /orders/:id, monolith mode, through the facade'],
  ['get.bypass', '1', 'GET /orders/:id, monolith mode, facade bypassed'],
  ['get.service', '2', 'GET /orders/:id, service mode (order-service over RabbitMQ)'],
  ['get.floor', '1', 'GET /orders/:id, floor: bare node:http + pg + RS256'],
  ['list.app', '7', 'GET /products (first page of 20), anonymous, monolith'],
  ['list.floor', '7', 'GET /products (first page of 20), floor: bare node:http + pg'],
  ['echo.ours', '3', 'echo: ours (RpcClient / RpcServer)'],
  ['echo.nest', '3', 'echo: NestJS stock (ClientRMQ / RMQ transport)'],
  ['echo.bare', '3', 'echo: bare amqplib, direct reply-to'],
  ['place.monolith', '4', 'place an order until settled, monolith mode'],
  ['place.service', '4', 'place an order until settled, service mode'],
  ['place.inprocess', '4', 'place an order until settled, monolith, events in-process (no broker)'],
  ['get.traced', '10', 'GET /orders/:id, monolith, tracing on (every request sampled, no exporter endpoint)'],
  ['get.untraced', '10', 'GET /orders/:id, monolith, tracing off (OTEL_SDK_DISABLED=true)'],
  ['shadow.off', '12', 'GET /orders/:id, monolith mode (beside shadow mode)'],
  ['shadow.on', '12', 'GET /orders/:id, shadow mode, reads mirrored (every one unless the figure says) and compared'],
];

interface Verdict {
  row: string;
  /** Absent for a figure shown without a target (e.g. a ratio to the floor). */
  target?: string;
  figure: string;
  met?: boolean;
}

const perSecond = (figures: LoadFigures) => figures.perSecond;
const ms = (value: number) => `${value.toFixed(2)} ms`;
const seconds = (valueMs: number) => `${(valueMs / 1000).toFixed(2)} s`;
const signedMs = (value: number) => `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(2)} ms`;

/** Median over rounds of a per-round comparison (both measured in the same round, minutes apart at most). */
function perRound(results: Results, a: string, b: string, compare: (x: LoadRound, y: LoadRound) => number): number | undefined {
  const left = results.load[a];
  const right = results.load[b];
  if (!left?.length || !right?.length) return undefined;
  return median(left.slice(0, right.length).map((round, i) => compare(round, right[i]!)));
}

function verdicts(results: Results): Verdict[] {
  const out: Verdict[] = [];
  const c = `c${results.concurrency}`;
  const ratio = (row: string, a: string, b: string, of: string, min: number, what: string) => {
    const value = perRound(results, a, b, (x, y) => perSecond(x.cHigh) / perSecond(y.cHigh));
    if (value === undefined) return;
    // Two decimals, or three where two would round a miss up to the threshold.
    const shown = value.toFixed(Math.abs(value - min) < 0.005 ? 3 : 2);
    out.push({ row, target: `${what} ≥ ${min}x ${of}`, figure: `${shown}x ${of}`, met: value >= min });
  };
  ratio('get.facade', 'get.facade', 'get.floor', 'floor', 0.5, `1. req/s at ${c}`);
  const floorGap = perRound(results, 'get.facade', 'get.floor', (x, y) => x.c1.p50Ms - y.c1.p50Ms);
  if (floorGap !== undefined)
    out.push({
      row: 'get.facade',
      target: '1. p50 at c1 ≤ floor + 0.5 ms',
      figure: `${signedMs(floorGap)} vs floor`,
      met: floorGap <= 0.5,
    });
  ratio('get.facade', 'get.facade', 'get.bypass', 'bypassed', 0.95, `1. req/s at ${c}`);
  for (const row of ['get.bypass', 'get.service']) {
    const value = perRound(results, row, 'get.floor', (x, y) => perSecond(x.cHigh) / perSecond(y.cHigh));
    if (value !== undefined) out.push({ row, figure: `${value.toFixed(2)}x floor` });
  }
  ratio('list.app', 'list.app', 'list.floor', 'floor', 0.5, `7. req/s at ${c}`);
  ratio('get.traced', 'get.traced', 'get.untraced', 'tracing off', 0.9, `10. req/s at ${c}`);
  const tracingCpu = perRound(results, 'get.traced', 'get.untraced', (x, y) => x.cpuMsPerCall!.monolith! / y.cpuMsPerCall!.monolith!);
  if (tracingCpu !== undefined) out.push({ row: 'get.traced', figure: `monolith CPU per call ${tracingCpu.toFixed(2)}x tracing off` });
  ratio('get.service', 'get.service', 'get.facade', 'monolith mode', 0.6, `2. req/s at ${c}`);
  const p50Gap = perRound(results, 'get.service', 'get.facade', (x, y) => x.c1.p50Ms - y.c1.p50Ms);
  if (p50Gap !== undefined)
    out.push({
      row: 'get.service',
      target: '2. p50 at c1 ≤ monolith mode + 1.5 ms',
      figure: `${signedMs(p50Gap)} vs monolith mode`,
      met: p50Gap <= 1.5,
    });
  ratio('echo.ours', 'echo.ours', 'echo.nest', 'NestJS stock', 1.3, `3. req/s at ${c}`);
  const echoGap = perRound(results, 'echo.ours', 'echo.nest', (x, y) => x.c1.p50Ms - y.c1.p50Ms);
  if (echoGap !== undefined)
    out.push({ row: 'echo.ours', target: '3. p50 at c1 < NestJS stock', figure: `${signedMs(echoGap)} vs NestJS stock`, met: echoGap < 0 });
  ratio('echo.ours', 'echo.ours', 'echo.bare', 'bare amqplib', 0.7, `3. req/s at ${c}`);
  ratio('place.service', 'place.service', 'place.monolith', 'monolith mode', 0.5, `4. settled orders/s at ${c}`);
  for (const [row, how] of [
    ['place.monolith', 'over RabbitMQ'],
    ['place.inprocess', 'in-process'],
  ] as const) {
    const cpu = results.load[row]?.map((r) => r.cpuMsPerCall?.monolith).filter((v): v is number => v !== undefined);
    if (!cpu?.length) continue;
    const value = median(cpu);
    out.push({ row, target: `4. monolith CPU per settled order, ${how} ≤ 4 ms`, figure: `monolith ${ms(value)}`, met: value <= 4 });
  }
  const outbox = results.outbox.amqp;
  if (outbox?.length) {
    const p50 = median(outbox.map((r) => r.p50Ms));
    const p99 = median(outbox.map((r) => r.p99Ms));
    out.push({ row: 'outbox.amqp', target: '5. p50 ≤ 20 ms', figure: `p50 ${ms(p50)}`, met: p50 <= 20 });
    out.push({ row: 'outbox.amqp', target: '5. p99 ≤ 200 ms', figure: `p99 ${ms(p99)}`, met: p99 <= 200 });
  }
  if (results.memory.monolithPeakMiB !== undefined) {
    const peak = results.memory.monolithPeakMiB;
    out.push({ row: 'memory.monolith', target: '6. peak RSS ≤ 250 MiB', figure: `${peak.toFixed(0)} MiB`, met: peak <= 250 });
  }
  if (results.idle) {
    const perSecondIdle = results.idle.roundTrips / results.idle.seconds;
    out.push({
      row: 'idle',
      target: `8. ≤ ${IDLE_ROUND_TRIPS_PER_SECOND} round trip/s`,
      figure: `${perSecondIdle.toFixed(1)}/s`,
      met: perSecondIdle <= IDLE_ROUND_TRIPS_PER_SECOND,
    });
  }
  const p99Ratio = (at: 'c1' | 'cHigh') => perRound(results, 'shadow.on', 'shadow.off', (x, y) => x[at].p99Ms / y[at].p99Ms);
  const shadowC1 = p99Ratio('c1');
  const sampled = results.shadow?.samplePercent ?? 100;
  if (shadowC1 !== undefined) {
    const figure = `p99 at c1 ${shadowC1.toFixed(3)}x`;
    // The target is for every read mirrored; a lower share is the operator's lever, shown without a verdict.
    if (sampled < 100) out.push({ row: 'shadow.on', figure: `${sampled}% of reads mirrored: ${figure}` });
    else out.push({ row: 'shadow.on', target: '12. p99 at c1 ≤ 1.05x monolith mode', figure, met: shadowC1 <= 1.05 });
    const shadowHigh = p99Ratio('cHigh')!;
    out.push({ row: 'shadow.on', figure: `p99 at ${c} ${shadowHigh.toFixed(3)}x` });
  }
  if (results.shadow) {
    const { compared, mismatches, dropped } = results.shadow;
    out.push({ row: 'shadow.on', figure: `${compared} compared, ${mismatches} mismatches, ${dropped} dropped` });
  }
  for (const direction of ['out', 'back'] as const) {
    if (!results.handoff) break;
    const { refusedMs, n } = handoffMedians(results.handoff, direction);
    if (n === 0) continue;
    out.push({
      row: `handoff.${direction}`,
      target: `9. writes refused during a handoff ${direction} with ${results.handoff.orders} orders ≤ 5 s (median of ${n})`,
      figure: `${(refusedMs / 1000).toFixed(2)} s`,
      met: refusedMs <= 5000,
    });
  }
  for (const fault of results.rollback?.faults ?? []) {
    const p95 = percentile([...fault.timesMs, ...new Array<number>(fault.missed).fill(MISSED_AFTER_MS)], 95);
    out.push({
      row: `rollback.${fault.fault}`,
      target:
        `11. ordering served by the monolith on every instance ≤ 10 s after ${fault.fault} ` +
        `(p95 of ${fault.timesMs.length + fault.missed})`,
      figure: `p95 ${(p95 / 1000).toFixed(2)} s`,
      met: p95 <= 10_000,
    });
  }
  return out;
}

/** The table (markdown) and the list of targets with their verdicts. */
export function render(results: Results): { table: string; targets: string } {
  const all = verdicts(results);
  const c = results.concurrency;
  const header = [
    '#',
    'measurement',
    `req/s at c${c}`,
    'p50 / p99 at c1',
    `p50 / p99 at c${c}`,
    `CPU ms per call at c${c}`,
    'figure',
    'target',
    'result',
  ];
  const rows: string[][] = [];
  const judged = (row: string): [string, string, string] => {
    const mine = all.filter((v) => v.row === row);
    const judged = mine.filter((v) => v.target !== undefined);
    return [
      mine.map((v) => v.figure).join('; '),
      judged.map((v) => v.target!.replace(/^\d+\. /, '')).join('; '),
      judged.map((v) => (v.met ? 'met' : '**missed**')).join('; '),
    ];
  };
  for (const [key, path, label] of LOAD_ROWS) {
    const rounds = results.load[key];
    if (!rounds?.length) continue;
    const m = (pick: (r: LoadRound) => number) => median(rounds.map(pick));
    rows.push([
      path,
      label,
      m((r) => r.cHigh.perSecond).toFixed(0),
      `${ms(m((r) => r.c1.p50Ms))} / ${ms(m((r) => r.c1.p99Ms))}`,
      `${ms(m((r) => r.cHigh.p50Ms))} / ${ms(m((r) => r.cHigh.p99Ms))}`,
      cpuCell(key, rounds),
      ...judged(key),
    ]);
  }
  for (const kind of ['amqp', 'in-process'] as const) {
    const rounds = results.outbox[kind];
    if (!rounds?.length) continue;
    const figure =
      `p50 ${ms(median(rounds.map((r) => r.p50Ms)))}, ` +
      `p99 ${ms(median(rounds.map((r) => r.p99Ms)))}, ` +
      `max ${ms(median(rounds.map((r) => r.maxMs)))}`;
    const [, target, result] = judged(`outbox.${kind}`);
    rows.push([
      '5',
      `outbox, commit → consumer's handler, ${kind === 'amqp' ? 'RabbitMQ' : 'in-process'}, ` +
        `${median(rounds.map((r) => r.rate)).toFixed(0)} events/s`,
      '',
      '',
      '',
      '',
      figure,
      target,
      result,
    ]);
  }
  const { memory } = results;
  const mib = (value: number | undefined) => (value === undefined ? '?' : `${value.toFixed(0)} MiB`);
  if (memory.monolithPeakMiB !== undefined) {
    rows.push([
      '6',
      'peak RSS (VmHWM), monolith, over paths 1, 2, 4',
      '',
      '',
      '',
      '',
      `${mib(memory.monolithPeakMiB)} (${mib(memory.monolithIdleMiB)} after start)`,
      ...judged('memory.monolith').slice(1),
    ]);
    rows.push([
      '6',
      'peak RSS (VmHWM), order-service, over paths 1, 2, 4',
      '',
      '',
      '',
      '',
      `${mib(memory.orderServicePeakMiB)} (${mib(memory.orderServiceIdleMiB)} after start)`,
      '',
      '',
    ]);
  }
  if (memory.inProcessPeakMiB !== undefined) {
    rows.push([
      '6',
      'peak RSS (VmHWM), monolith with in-process events, over path 4',
      '',
      '',
      '',
      '',
      mib(memory.inProcessPeakMiB),
      '',
      '',
    ]);
  }
  if (results.idle) {
    const top = results.idle.statements
      .slice(0, 4)
      .map(({ statement, count }) => `${count}× \`${statement.slice(0, 60).replaceAll('|', '\\|')}…\``)
      .join(', ');
    rows.push([
      '8',
      `idle monolith: database round trips over ${results.idle.seconds} s`,
      '',
      '',
      '',
      '',
      `${results.idle.roundTrips} (most sent: ${top || 'none'})`,
      ...judged('idle').slice(1),
    ]);
  }
  if (results.trips) {
    const { orders, roundTrips, statements } = results.trips;
    const top = statements
      .slice(0, 4)
      .map(({ statement, count }) => `${(count / orders).toFixed(1)}× \`${statement.slice(0, 40).replaceAll('|', '\\|')}…\``)
      .join(', ');
    rows.push([
      '4',
      `database round trips per settled order, monolith, events in-process (${orders} orders)`,
      '',
      '',
      '',
      '',
      `${(roundTrips / orders).toFixed(1)} (most sent per order: ${top})`,
      '',
      '',
    ]);
  }
  const startLabels: Record<string, string> = {
    'pglite.first': 'monolith start to ready, PGlite, first start (initdb)',
    'pglite.second': 'monolith start to ready, PGlite, second start',
    'postgres.first': 'monolith start to ready, PostgreSQL, first start (migrations)',
    'postgres.second': 'monolith start to ready, PostgreSQL, second start',
  };
  for (const [key, label] of Object.entries(startLabels)) {
    const times = results.starts[key];
    if (times?.length)
      rows.push(['6', label, '', '', '', '', `${(median(times) / 1000).toFixed(2)} s (median of ${times.length})`, '', '']);
  }
  for (const direction of ['out', 'back'] as const) {
    if (!results.handoff) break;
    const { freezeMs, refusedMs, n } = handoffMedians(results.handoff, direction);
    if (n === 0) continue;
    const copyMs = median(results.handoff.rounds.filter((r) => r.direction === direction).map((r) => r.copyMs));
    rows.push([
      '9',
      `handoff ${direction === 'out' ? "to order-service's own database" : 'back to the shared database'}, ` +
        `${results.handoff.orders} orders (${results.handoff.rounds[0]?.rows ?? '?'} rows), median of ${n}`,
      '',
      '',
      '',
      '',
      `writes refused ${seconds(refusedMs)} for a client (frozen ${seconds(freezeMs)}, copy ${seconds(copyMs)})`,
      ...judged(`handoff.${direction}`).slice(1),
    ]);
  }
  for (const fault of results.rollback?.faults ?? []) {
    const rate = fault.attempts ? (100 * fault.errors) / fault.attempts : 0;
    const longest = fault.timesMs.length ? seconds(Math.max(...fault.timesMs)) : '-';
    rows.push([
      '11',
      `automatic rollback, canary 50, two monoliths under load, order-service ${fault.fault}, ` +
        `${fault.timesMs.length + fault.missed} drills (${fault.missed} missed)`,
      '',
      '',
      '',
      '',
      `${judged(`rollback.${fault.fault}`)[0]}, max ${longest}; client 5xx ${rate.toFixed(2)}% of ${fault.attempts} attempts`,
      ...judged(`rollback.${fault.fault}`).slice(1),
    ]);
  }
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const table = [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
  const targets = all
    .filter((v) => v.target !== undefined)
    .map((v) => `- ${v.target}: **${v.met ? 'met' : 'missed'}** (${v.figure})`)
    .join('\n');
  return { table, targets };
}

const BEGIN = '<!-- bench:begin (written by npm run bench; edit outside these markers) -->';
const END = '<!-- bench:end -->';

/** Writes the run into `path` between the markers, keeping whatever is written around them. */
export function writeReport(path: string, results: Results, environment: Environment): void {
  const { table, targets } = render(results);
  const generated = [
    BEGIN,
    '',
    `Run of ${environment.date}: ${environment.cpu}, ${environment.cores} cores, ` +
      `${environment.memoryGiB} GiB memory, ${environment.kernel}.`,
    `Node.js ${environment.node}, PostgreSQL ${environment.postgres}, ${environment.rabbitmq}; ${environment.nestjs}.`,
    `${results.rounds} alternating rounds of ${results.durationSeconds} s per measurement; ` +
      'medians of rounds (ratios and gaps: median of the per-round values). ' +
      `Wall time of the run: ${((results.wallSeconds ?? 0) / 60).toFixed(1)} min.`,
    '',
    table,
    '',
    'Targets:',
    '',
    targets,
    '',
    END,
  ].join('\n');
  const existing = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const begin = existing.indexOf(BEGIN);
  const end = existing.indexOf(END);
  const document =
    begin >= 0 && end > begin
      ? `${existing.slice(0, begin)}${generated}${existing.slice(end + END.length)}`
      : `# Benchmarks\n\nMeasured by \`npm run bench\`.\n\n${generated}\n`;
  writeFileSync(path, document);
}
