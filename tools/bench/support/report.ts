// The suite's one table, its verdict on each target, and docs/benchmarks.md.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Environment } from './environment.js';
import { median, type LoadFigures } from './measure.js';
import { handoffMedians, type HandoffFigures } from './handoff-freeze.js';
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
  memory: { monolithIdleMiB?: number; orderServiceIdleMiB?: number; monolithPeakMiB?: number; orderServicePeakMiB?: number };
  starts: Record<string, number[]>;
  handoff?: HandoffFigures;
}

/**
 * Which processes' CPU a row shows: the apps for the shop paths; the benchmark process (requester and responder) and the
 * broker for the echo.
 */
function cpuCell(key: string, rounds: LoadRound[]): string {
  const names = key.startsWith('echo.') ? ['bench', 'rabbitmq'] : ['monolith', 'order-service', 'rabbitmq'];
  const labels: Record<string, string> = {
    bench: 'requester + responder',
    rabbitmq: 'broker',
    monolith: 'monolith',
    'order-service': 'order-service',
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
  ['echo.ours', '3', 'echo: ours (RpcClient / RpcServer)'],
  ['echo.nest', '3', 'echo: NestJS stock (ClientRMQ / RMQ transport)'],
  ['echo.bare', '3', 'echo: bare amqplib, direct reply-to'],
  ['place.monolith', '4', 'place an order until settled, monolith mode'],
  ['place.service', '4', 'place an order until settled, service mode'],
];

interface Verdict {
  row: string;
  target: string;
  figure: string;
  met: boolean;
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
  ratio('get.facade', 'get.facade', 'get.bypass', 'bypassed', 0.95, `1. req/s at ${c}`);
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
  const outbox = results.outbox.amqp;
  if (outbox?.length) {
    const p50 = median(outbox.map((r) => r.p50Ms));
    const p99 = median(outbox.map((r) => r.p99Ms));
    out.push({ row: 'outbox.amqp', target: '5. p50 ≤ 20 ms', figure: `p50 ${ms(p50)}`, met: p50 <= 20 });
    out.push({ row: 'outbox.amqp', target: '5. p99 ≤ 200 ms', figure: `p99 ${ms(p99)}`, met: p99 <= 200 });
  }
  for (const direction of ['out', 'back'] as const) {
    if (!results.handoff) break;
    const { refusedMs, n } = handoffMedians(results.handoff, direction);
    if (n === 0) continue;
    out.push({
      row: `handoff.${direction}`,
      target: `7. writes refused during a handoff ${direction} with ${results.handoff.orders} orders ≤ 5 s (median of ${n})`,
      figure: `${(refusedMs / 1000).toFixed(2)} s`,
      met: refusedMs <= 5000,
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
    return [
      mine.map((v) => v.figure).join('; '),
      mine.map((v) => v.target.replace(/^\d\. /, '')).join('; '),
      mine.map((v) => (v.met ? 'met' : '**missed**')).join('; '),
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
      '',
      '',
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
      '7',
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
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const table = [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
  const targets = all.map((v) => `- ${v.target}: **${v.met ? 'met' : 'missed'}** (${v.figure})`).join('\n');
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
