#!/usr/bin/env node
// The strangler's command line, a thin client of the admin API (see USAGE). Talks to SHOP_URL
// (default http://localhost:3000) as an admin: SHOP_TOKEN, or ADMIN_EMAIL + ADMIN_PASSWORD to log in.

const USAGE = `usage: strangler status
       strangler set <context> <monolith|service|shadow|canary> [percent]
       strangler handoff <context> [--back] [--until <step>]   hand the data to the service (or back), and follow it
       strangler handoff <context> --resume | --abort          go on with, or give up, a held or interrupted handoff
       strangler cleanup <context> --confirm                   drop the retired copies of the context's schema
       strangler audit [context]
       strangler gate <context> show                           the gate and what it last concluded
       strangler gate <context> set --window 30 --min-requests 20 --max-error-rate 0.05 [--max-p99-ms 500]
                                    [--max-p99-ratio 3] [--dry-run]
       strangler gate <context> off                            remove the gate
       strangler plan <context> show                           the promotion plan and what its step waits for
       strangler plan <context> start [default]                start the default plan (shadow, canary 5, 25, 50, service)
       strangler pause|resume|abort <context>                  pause, resume or abort (back to the monolith) the plan
       strangler promote <context> [--full]                    the plan's next step now, or (--full) its last
       strangler shadow samples <context> [--route <route>]    the shadow's fleet counts and latest mismatches
       strangler shadow settings <context> [--sample <percent>] [--noise <percent>] [--ignore <json path>]... [--unordered <json path>]...`;

/** Flags that take a value (the word after them is not a positional argument). */
const VALUED = new Set([
  '--until',
  '--window',
  '--min-requests',
  '--max-error-rate',
  '--max-p99-ms',
  '--max-p99-ratio',
  '--route',
  '--sample',
  '--noise',
  '--ignore',
  '--unordered',
]);

/** A handoff is followed until it ends (or is held); its steps are printed as they complete. */
const FOLLOW_EVERY_MS = 250;
const ENDED = new Set(['done', 'failed', 'aborted', 'interrupted', 'held']);

export async function main(argv, env = process.env, out = console) {
  const base = (env.SHOP_URL ?? 'http://localhost:3000').replace(/\/$/, '');
  const [command, ...rest] = argv;
  const flags = new Set(rest.filter((arg) => arg.startsWith('--')));
  const words = rest.filter((arg, i) => !arg.startsWith('--') && !VALUED.has(rest[i - 1]));
  const option = (name) => (rest.includes(name) ? rest[rest.indexOf(name) + 1] : undefined);
  const until = option('--until');
  const [context, mode, percent] = words;
  const valid =
    command === 'status' ||
    (command === 'set' && context && mode) ||
    (command === 'handoff' && context) ||
    (command === 'cleanup' && context) ||
    command === 'audit' ||
    (command === 'gate' && context && ['show', 'set', 'off'].includes(mode)) ||
    (command === 'plan' && context && ['show', 'start'].includes(mode)) ||
    (['pause', 'resume', 'abort', 'promote'].includes(command) && context) ||
    (command === 'shadow' && ['samples', 'settings'].includes(context) && mode);
  if (!valid) {
    out.error(USAGE);
    return 64; // EX_USAGE
  }
  const token = env.SHOP_TOKEN ?? (await logIn(base, env));
  const call = async (method, path, body) => {
    const response = await fetch(`${base}/api/v1/admin/strangler${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body && JSON.stringify(body),
    });
    const answer = response.status === 204 ? undefined : await response.json();
    if (!response.ok) throw new Refused(response.status, answer);
    return answer;
  };

  try {
    switch (command) {
      case 'status':
        return await status(call, out);
      case 'set': {
        const route = await call(
          'PUT',
          `/routes/${encodeURIComponent(context)}`,
          percent === undefined ? { mode } : { mode, percent: Number(percent) },
        );
        out.log(describeRoute(route));
        return 0;
      }
      case 'handoff':
        return await handoff(call, out, context, {
          back: flags.has('--back'),
          resume: flags.has('--resume'),
          abort: flags.has('--abort'),
          until,
        });
      case 'cleanup': {
        if (!flags.has('--confirm')) {
          out.error(`cleanup drops ${context}'s retired copies for good: add --confirm`);
          return 64;
        }
        const { dropped } = await call('POST', `/handoffs/${encodeURIComponent(context)}/cleanup`, { confirm: true });
        out.log(dropped.length > 0 ? `dropped ${dropped.join(', ')}` : 'no retired copy to drop');
        return 0;
      }
      case 'gate':
        return await gate(call, out, context, mode, { option, dryRun: flags.has('--dry-run') });
      case 'plan': {
        const path = `/plans/${encodeURIComponent(context)}`;
        out.log(describePlan(mode === 'start' ? await call('PUT', path, { start: true }) : await call('GET', path)));
        return 0;
      }
      case 'pause':
      case 'resume':
      case 'abort':
      case 'promote': {
        const body = command === 'promote' ? { full: flags.has('--full') } : undefined;
        out.log(describePlan(await call('POST', `/plans/${encodeURIComponent(context)}/${command}`, body)));
        return 0;
      }
      case 'shadow':
        return await shadow(call, out, rest);
      case 'audit': {
        const query = context ? `?context=${encodeURIComponent(context)}` : '';
        for (const entry of (await call('GET', `/audit${query}`)).entries) out.log(describeAudit(entry));
        return 0;
      }
    }
  } catch (error) {
    if (!(error instanceof Refused)) throw error;
    out.error(error.message);
    return 1;
  }
  return 0;
}

class Refused extends Error {
  constructor(status, problem) {
    const errors = problem.errors ? ` (${problem.errors.map((e) => `${e.field}: ${e.message}`).join('; ')})` : '';
    super(`${status} ${problem.title}: ${problem.detail}${errors}`);
  }
}

async function status(call, out) {
  const [{ contexts }, { instances }] = await Promise.all([call('GET', '/contexts'), call('GET', '/instances')]);
  for (const { route, frozenSince, dataLocation, handoff } of contexts) {
    out.log(describeRoute({ ...route, frozenSince, dataLocation }));
    if (handoff) out.log(`  ${describeHandoff(handoff)}`);
  }
  const byApp = new Map();
  for (const instance of instances) byApp.set(instance.app, (byApp.get(instance.app) ?? 0) + 1);
  out.log(`instances: ${[...byApp].map(([app, count]) => `${app} ${count}`).join(', ') || 'none'}`);
  return 0;
}

async function handoff(call, out, context, { back, resume, abort, until }) {
  const path = `/handoffs/${encodeURIComponent(context)}`;
  let handoff;
  if (abort) handoff = await call('POST', `${path}/abort`);
  else if (resume) handoff = await call('POST', `${path}/resume`);
  else handoff = await call('POST', path, { direction: back ? 'back' : 'out', ...(until ? { until } : {}) });
  out.log(describeHandoff(handoff));
  let printed = handoff.step;
  while (!ENDED.has(handoff.status) && handoff.status !== 'aborted') {
    await new Promise((resolve) => setTimeout(resolve, FOLLOW_EVERY_MS));
    handoff = await call('GET', path);
    if (handoff.step !== printed || ENDED.has(handoff.status)) out.log(describeHandoff(handoff));
    printed = handoff.step;
  }
  return handoff.status === 'done' || handoff.status === 'held' || (abort && handoff.status === 'aborted') ? 0 : 1;
}

async function gate(call, out, context, action, { option, dryRun }) {
  const path = `/gates/${encodeURIComponent(context)}`;
  if (action === 'off') {
    await call('DELETE', path);
    out.log(`${context}: no gate any more`);
    return 0;
  }
  if (action === 'set') {
    const number = (name) => (option(name) === undefined ? undefined : Number(option(name)));
    const body = {
      windowS: number('--window'),
      minRequests: number('--min-requests'),
      maxErrorRate: number('--max-error-rate'),
      ...(option('--max-p99-ms') === undefined ? {} : { maxP99Ms: number('--max-p99-ms') }),
      ...(option('--max-p99-ratio') === undefined ? {} : { maxP99Ratio: number('--max-p99-ratio') }),
      dryRun,
    };
    out.log(describeGate(await call('PUT', path, body)));
    return 0;
  }
  out.log(describeGate(await call('GET', path)));
  return 0;
}

function describeGate({ gate, state }) {
  if (!gate) return 'no gate';
  const bounds = [
    `window ${gate.windowS} s`,
    `at least ${gate.minRequests} requests`,
    `error rate <= ${gate.maxErrorRate}`,
    gate.maxP99Ms !== undefined ? `p99 <= ${gate.maxP99Ms} ms` : '',
    gate.maxP99Ratio !== undefined ? `p99 <= ${gate.maxP99Ratio} x monolith` : '',
    gate.dryRun ? 'dry run' : '',
  ].filter(Boolean);
  return `gate: ${bounds.join(', ')}\nstate: ${state.status}${state.reason ? ` — ${state.reason}` : ''}${state.at ? ` (${state.at})` : ''}`;
}

function describePlan({ plan, status, stepIndex, stepStartedAt, progress }) {
  if (!plan) return `plan: none (${status})`;
  const steps = plan.steps.map((step, i) => {
    const name = step.mode === 'canary' ? `canary ${step.percent}` : step.mode;
    return `${i === stepIndex ? '>' : ' '} ${i + 1}. ${name}, hold ${step.holdS} s`;
  });
  const waiting = progress?.waitingFor?.length ? `\nwaiting for: ${progress.waitingFor.join('; ')}` : '';
  const since = stepStartedAt ? ` since ${stepStartedAt}` : '';
  return [`plan: ${status}, step ${stepIndex + 1} of ${plan.steps.length}${since}`, ...steps].join('\n') + waiting;
}

function describeRoute({ context, mode, percent, updatedAt, updatedBy, frozenSince, dataLocation }) {
  const share = mode === 'canary' ? ` ${percent}%` : '';
  const state = [frozenSince ? `frozen since ${frozenSince}` : '', dataLocation === 'own' ? "data in the service's own database" : '']
    .filter(Boolean)
    .join(', ');
  return `${context.padEnd(10)} ${(mode + share).padEnd(12)} since ${updatedAt} by ${updatedBy}${state ? ` (${state})` : ''}`;
}

function describeHandoff({ direction, status, step, figures, error }) {
  const freeze = figures?.freezeMs !== undefined ? `, writes frozen ${(figures.freezeMs / 1000).toFixed(1)} s` : '';
  const tables = figures?.tables
    ? `, ${Object.entries(figures.tables)
        .map(([table, f]) => `${table} ${f.sourceRows}`)
        .join(' ')}`
    : '';
  return `handoff ${direction}: ${status} after ${step}${freeze}${tables}${error ? ` — ${error}` : ''}`;
}

function describeAudit({ at, context, action, by, from, to, details }) {
  const change = from || to ? ` ${from ? `${from.mode} ${from.percent}%` : '-'} -> ${to ? `${to.mode} ${to.percent}%` : '-'}` : '';
  return `${at} ${context.padEnd(10)} ${action.padEnd(20)} by ${by}${change}${details ? ` ${JSON.stringify(details)}` : ''}`;
}

/** `shadow samples <context> [--route R]` and `shadow settings <context> [--sample N] [--noise N] [--ignore P]... [--unordered P]...` */
async function shadow(call, out, [what, context, ...flags]) {
  const values = (flag) => flags.flatMap((arg, i) => (arg === flag && i + 1 < flags.length ? [flags[i + 1]] : []));
  const path = `/shadow/${encodeURIComponent(context)}`;
  if (what === 'samples') {
    const [route] = values('--route');
    const counts = (await call('GET', '/shadow'))[context] ?? {};
    for (const [name, sums] of Object.entries(counts)) if (!route || name === route) out.log(describeShadowCounts(name, sums));
    const samples = await call('GET', `${path}/samples${route ? `?route=${encodeURIComponent(route)}` : ''}`);
    if (samples.length === 0) out.log('no mismatch sampled');
    for (const sample of samples) out.log(describeSample(sample));
    return 0;
  }
  const number = (flag) => (values(flag).length > 0 ? Number(values(flag)[0]) : undefined);
  const changes = Object.fromEntries(
    [
      ['samplePercent', number('--sample')],
      ['noisePercent', number('--noise')],
      ['ignore', values('--ignore').length > 0 ? values('--ignore') : undefined],
      ['unordered', values('--unordered').length > 0 ? values('--unordered') : undefined],
    ].filter(([, value]) => value !== undefined),
  );
  const settings = Object.keys(changes).length > 0 ? await call('PUT', `${path}/settings`, changes) : await call('GET', `${path}/settings`);
  out.log(
    `${context}: mirrors ${settings.samplePercent}% of reads, noise baseline on ${settings.noisePercent}% of them; ` +
      `ignores ${settings.ignore.join(' ') || 'nothing'}; unordered ${settings.unordered.join(' ') || 'none'}`,
  );
  return 0;
}

function describeShadowCounts(route, { compared, matches, mismatches, noise, baselines, noiseRate, dropped, unavailable }) {
  const rate = noiseRate === null ? 'no baseline yet' : `noise ${(noiseRate * 100).toFixed(1)}% of ${baselines} baselines (${noise})`;
  const lost = `${dropped} dropped, ${unavailable} unanswered`;
  return `${route}: ${compared} compared, ${matches} matches, ${mismatches} mismatches; ${rate}; ${lost}`;
}

function describeSample({ at, route, requestId, paths, concretePaths, noisyPaths, monolith, service }) {
  const lines = concretePaths.map(
    (path) => `    ${path}: monolith ${JSON.stringify(valueAt(monolith, path))} ≠ service ${JSON.stringify(valueAt(service, path))}`,
  );
  const noise = noisyPaths.length > 0 ? ` (noise: ${noisyPaths.join(', ')})` : '';
  return [`${at} ${route} request ${requestId ?? '-'}: ${paths.join(', ')}${noise}`, ...lines].join('\n');
}

/** The value at a concrete path (`$.items[0]['odd key']`) of a JSON value. */
function valueAt(value, path) {
  const steps = [...path.slice(1).matchAll(/\.([^.[]+)|\[(\d+)\]|\['([^']*)'\]/g)].map(
    ([, name, index, quoted]) => name ?? quoted ?? Number(index),
  );
  return steps.reduce((at, step) => (at === null || typeof at !== 'object' ? undefined : at[step]), value);
}

async function logIn(base, env) {
  if (!env.ADMIN_EMAIL || !env.ADMIN_PASSWORD) throw new Error('set SHOP_TOKEN, or ADMIN_EMAIL and ADMIN_PASSWORD');
  const response = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: env.ADMIN_EMAIL, password: env.ADMIN_PASSWORD }),
  });
  if (!response.ok) throw new Error(`login as ${env.ADMIN_EMAIL} failed: ${response.status}`);
  return (await response.json()).accessToken;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      console.error(error.message);
      process.exit(1);
    },
  );
}
