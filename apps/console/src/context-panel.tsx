import { useState } from 'preact/hooks';
import {
  adminPost as post,
  adminPut as put,
  type Account,
  type AuditEntry,
  type ContextState,
  type Loaded,
  type Mode,
  type PlanState,
  type Route,
  type ShadowSample,
} from './api.js';
import { SideChart, SideTotals } from './chart.js';
import { jsonLines } from './json-lines.js';
import type { Actions, Snapshot } from './migration.js';

const MODES: Array<{ mode: Mode; label: string; hint: string }> = [
  { mode: 'monolith', label: 'monolith', hint: 'the monolith serves everything (the way back)' },
  { mode: 'shadow', label: 'shadow', hint: 'the monolith serves; reads are compared with the service' },
  { mode: 'canary', label: 'canary', hint: 'the service serves a share of users' },
  { mode: 'service', label: 'service', hint: 'the service serves everything' },
];

const describeMode = (mode: Mode, percent: number) => (mode === 'canary' ? `canary · ${percent} %` : mode);
const clock = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleTimeString() : '—');

/** Shown in place of a panel whose endpoint this server does not have (yet). */
function Unavailable({ what }: { what: string }) {
  return <p class="unavailable">{what}: not available on this server.</p>;
}

function LoadProblem({ loaded }: { loaded: Loaded<unknown> }) {
  if (loaded.state === 'error')
    return (
      <p class="problem">
        {loaded.problem.title}: {loaded.problem.detail}
      </p>
    );
  return null;
}

export function ContextPanel({
  state,
  snapshot,
  account,
  actions,
}: {
  state: ContextState;
  snapshot: Snapshot;
  account: Account;
  actions: Actions;
}) {
  const { context, route } = state;
  const reads = snapshot.of[context];
  const outcome = actions.outcomes[context];
  const who = (id: string) => (id === account.id ? `${account.email} (you)` : id);
  const where = state.dataLocation === 'own' ? "the service's own" : 'the shared';
  return (
    <section class="context" aria-labelledby={`context-${context}`} data-context={context}>
      <header class="context-head">
        <h2 id={`context-${context}`}>{context}</h2>
        <p class="mode" data-field="mode" aria-label={`${context} is served in mode`}>
          {describeMode(route.mode, route.percent)}
        </p>
        <p class="since">
          since {clock(route.updatedAt)} by {who(route.updatedBy)} · data in {where} database
          {state.frozenSince ? ` · writes frozen since ${clock(state.frozenSince)}` : ''}
        </p>
      </header>
      <p
        class={`action-outcome ${outcome?.ok === false ? 'refused' : ''}`}
        role={outcome?.ok === false ? 'alert' : 'status'}
        data-field="action-outcome"
      >
        {outcome === undefined
          ? ''
          : outcome.ok
            ? outcome.message
            : `Refused (${outcome.problem.status} ${outcome.problem.title}): ${outcome.problem.detail}${
                outcome.problem.errors ? ` ${outcome.problem.errors.map((e) => `${e.field}: ${e.message}`).join('; ')}` : ''
              }`}
      </p>
      <div class="grid">
        <ModeControl state={state} actions={actions} />
        <Traffic reads={reads} />
        <Service state={state} snapshot={snapshot} />
        <Shadow context={context} snapshot={snapshot} samples={reads?.samples} />
        <PlanAndGates context={context} reads={reads} actions={actions} />
        <HandoffPanel state={state} actions={actions} who={who} />
        <Audit audit={reads?.audit} who={who} />
      </div>
    </section>
  );
}

function ModeControl({ state, actions }: { state: ContextState; actions: Actions }) {
  const { context, route } = state;
  const [mode, setMode] = useState<Mode>();
  const [percent, setPercent] = useState<number>();
  const chosen = mode ?? (route.mode === 'retired' ? 'service' : route.mode);
  const share = percent ?? (route.mode === 'canary' ? route.percent : 5);
  const busy = actions.busy[context] ?? false;

  const apply = async (event: Event) => {
    event.preventDefault();
    const body = chosen === 'canary' ? { mode: chosen, percent: share } : { mode: chosen };
    await actions.run(context, `${context} set to ${describeMode(chosen, share)}`, async () =>
      actions.routed((await put(`routes/${context}`, body)) as Route),
    );
    setMode(undefined);
    setPercent(undefined);
  };

  return (
    <form class="card mode-control" onSubmit={(event) => void apply(event)}>
      <fieldset disabled={busy}>
        <legend>Serve {context} by</legend>
        {MODES.map(({ mode: option, label, hint }) => (
          <div key={option} class="radio">
            <label>
              <input
                type="radio"
                name={`mode-${context}`}
                value={option}
                checked={chosen === option}
                aria-describedby={`mode-${context}-${option}-hint`}
                onChange={() => setMode(option)}
              />
              {label}
            </label>
            <span id={`mode-${context}-${option}-hint`} class="hint">
              {hint}
            </span>
          </div>
        ))}
        <div class="percent">
          <label for={`percent-${context}`}>Canary share of users (%)</label>
          <input
            id={`percent-${context}`}
            type="number"
            min={0}
            max={100}
            step={1}
            value={share}
            disabled={chosen !== 'canary'}
            onInput={(e) => setPercent(Math.max(0, Math.min(100, Math.round(Number(e.currentTarget.value) || 0))))}
          />
          <input
            type="range"
            min={0}
            max={100}
            step={5}
            value={share}
            aria-label="Canary share of users (slider)"
            disabled={chosen !== 'canary'}
            onInput={(e) => setPercent(Number(e.currentTarget.value))}
          />
        </div>
        <button type="submit">Apply mode</button>
        <p class="hint">Every mode is undone by choosing the one before; monolith is always allowed.</p>
      </fieldset>
    </form>
  );
}

function Traffic({ reads }: { reads: Snapshot['of'][string] | undefined }) {
  const outcomes = reads?.outcomes;
  return (
    <div class="card traffic">
      <h3>Who serves, and how well</h3>
      {outcomes?.state === 'ok' ? (
        <>
          <SideTotals outcomes={outcomes.data} />
          <div class="charts">
            <SideChart outcomes={outcomes.data} title="Requests" unit="per step" figure={(side) => side.requests} />
            <SideChart outcomes={outcomes.data} title="Errors" unit="%" figure={(side) => side.errorRate * 100} />
            <SideChart outcomes={outcomes.data} title="p99" unit="ms" figure={(side) => side.p99Ms} />
          </div>
        </>
      ) : outcomes?.state === 'unavailable' ? (
        <Unavailable what="Requests, errors and latency per side" />
      ) : outcomes ? (
        <LoadProblem loaded={outcomes} />
      ) : null}
    </div>
  );
}

function Service({ state, snapshot }: { state: ContextState; snapshot: Snapshot }) {
  const instances = snapshot.instances.state === 'ok' ? snapshot.instances.data.instances.filter((i) => i.app === state.service) : [];
  return (
    <div class="card service">
      <h3>{state.service}</h3>
      <dl class="pairs">
        <dt>circuit</dt>
        <dd data-field="circuit">{state.circuit ?? 'none (no broker)'}</dd>
        <dt>instances alive</dt>
        <dd data-field="instances">{snapshot.instances.state === 'ok' ? instances.length : '—'}</dd>
      </dl>
      <ul class="instances">
        {instances.map((instance) => (
          <li key={instance.id}>
            {instance.report.host}:{instance.report.pid}
            {instance.report.contexts[state.context]?.serves ? ' · serves' : ''}
            {instance.report.contexts[state.context]?.frozen ? ' · frozen' : ''} · seen {clock(instance.seenAt)}
          </li>
        ))}
      </ul>
    </div>
  );
}

const SHADOW_FIGURES = ['compared', 'matches', 'mismatches', 'noise', 'dropped', 'unavailable'] as const;

function Shadow({ context, snapshot, samples }: { context: string; snapshot: Snapshot; samples: Loaded<ShadowSample[]> | undefined }) {
  const routes = snapshot.shadow.state === 'ok' ? Object.entries(snapshot.shadow.data[context] ?? {}) : [];
  return (
    <div class="card shadow">
      <h3>Shadow comparison</h3>
      {routes.length === 0 ? (
        <p class="quiet">No read compared yet.</p>
      ) : (
        <div class="scroll">
          <table class="figures" data-field="shadow">
            <thead>
              <tr>
                <th scope="col">route</th>
                {SHADOW_FIGURES.map((figure) => (
                  <th key={figure} scope="col">
                    {figure}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {routes.map(([name, counts]) => (
                <tr key={name} data-route={name}>
                  <th scope="row">{name}</th>
                  {SHADOW_FIGURES.map((figure) => (
                    <td key={figure} data-figure={figure} class={figure === 'mismatches' && counts.mismatches > 0 ? 'bad' : ''}>
                      {counts[figure]}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h4>Latest mismatches</h4>
      <div class="samples">
        {samples?.state === 'ok' ? (
          samples.data.length === 0 ? (
            <p class="quiet">None.</p>
          ) : (
            samples.data.map((sample, index) => <Sample key={`${sample.requestId}-${sample.at}`} sample={sample} open={index === 0} />)
          )
        ) : samples?.state === 'unavailable' ? (
          <Unavailable what="Mismatch samples" />
        ) : samples ? (
          <LoadProblem loaded={samples} />
        ) : null}
      </div>
    </div>
  );
}

function JsonView({ label, value, paths }: { label: string; value: unknown; paths: string[] }) {
  return (
    <figure class="json">
      <figcaption>{label}</figcaption>
      <pre>
        {jsonLines(value, paths).map((line, index) => (
          <span key={index} class={line.differs ? 'differs' : ''} style={{ paddingLeft: `${line.depth}ch` }}>
            {line.differs ? <mark>{line.text}</mark> : line.text}
            {'\n'}
          </span>
        ))}
      </pre>
    </figure>
  );
}

/** A mismatch: the newest is shown open, the others a click away. */
function Sample({ sample, open }: { sample: ShadowSample; open: boolean }) {
  const marked = sample.concretePaths;
  const noisy = new Set(sample.noisyPaths);
  return (
    <details class="sample" open={open}>
      <summary>
        {clock(sample.at)} {sample.route}: {sample.paths.map((path) => (noisy.has(path) ? `${path} (noise)` : path)).join(', ')}
      </summary>
      <p class="quiet">request {sample.requestId ?? 'without an id'}; differing paths are marked</p>
      <div class="sides">
        <JsonView label="monolith" value={sample.monolith} paths={marked} />
        <JsonView label="service" value={sample.service} paths={marked} />
      </div>
    </details>
  );
}

const PLAN_ACTIONS = {
  pause: { when: ['running'], label: 'Pause', done: 'paused', confirm: undefined },
  resume: { when: ['paused'], label: 'Resume', done: 'resumed', confirm: undefined },
  next: {
    when: ['running', 'paused'],
    label: 'Next step now',
    done: 'moved to its next step',
    confirm: 'Move to the next step now, without waiting for its hold and its gate?',
  },
  promote: {
    when: ['running', 'paused'],
    label: 'Promote to the last step',
    done: 'moved to its last step',
    confirm: "Skip every remaining step and its gate, and go straight to the plan's last step?",
  },
  abort: {
    when: ['running', 'paused'],
    label: 'Abort plan',
    done: 'aborted',
    confirm: 'Stop the plan for good? The context goes back to the monolith at once; a new plan has to be started.',
  },
} as const satisfies Record<string, { when: readonly PlanState['status'][]; label: string; done: string; confirm: string | undefined }>;

function PlanAndGates({ context, reads, actions }: { context: string; reads: Snapshot['of'][string] | undefined; actions: Actions }) {
  const plan = reads?.plan;
  const gates = reads?.gates;
  const busy = actions.busy[context] ?? false;
  const act = async (name: keyof typeof PLAN_ACTIONS) => {
    const action = PLAN_ACTIONS[name];
    if (action.confirm && !(await actions.confirm(`${action.label}: ${context}`, action.confirm, action.label))) return;
    const request =
      name === 'next' || name === 'promote'
        ? () => post(`plans/${context}/promote`, { full: name === 'promote' })
        : () => post(`plans/${context}/${name}`);
    await actions.run(context, `${context}: plan ${action.done}`, request);
  };
  return (
    <div class="card plan">
      <h3>Promotion plan</h3>
      {plan?.state === 'ok' ? (
        <>
          <p data-field="plan-status">
            {plan.data.status}
            {plan.data.plan
              ? ` · step ${plan.data.stepIndex + 1} of ${plan.data.plan.steps.length} since ${clock(plan.data.stepStartedAt)}`
              : ''}
          </p>
          {plan.data.progress?.waitingFor.length ? (
            <p class="quiet" data-field="plan-waiting">
              waiting for: {plan.data.progress.waitingFor.join('; ')}
            </p>
          ) : null}
          {plan.data.plan ? (
            <ol class="steps">
              {plan.data.plan.steps.map((step, index) => (
                <li key={index} aria-current={index === plan.data.stepIndex ? 'step' : undefined}>
                  {describeMode(step.mode, step.percent ?? 0)} · hold {step.holdS} s
                </li>
              ))}
            </ol>
          ) : (
            <p class="quiet">No plan for {context}.</p>
          )}
          <div class="buttons">
            {(Object.keys(PLAN_ACTIONS) as Array<keyof typeof PLAN_ACTIONS>).map((name) => (
              <button
                key={name}
                type="button"
                class={PLAN_ACTIONS[name].confirm ? 'danger' : ''}
                disabled={busy || !(PLAN_ACTIONS[name].when as readonly string[]).includes(plan.data.status)}
                onClick={() => void act(name)}
              >
                {PLAN_ACTIONS[name].label}
              </button>
            ))}
          </div>
        </>
      ) : plan?.state === 'unavailable' ? (
        <Unavailable what="Promotion plans" />
      ) : plan ? (
        <LoadProblem loaded={plan} />
      ) : null}
      <h4>Gate</h4>
      {gates?.state === 'ok' ? (
        gates.data.gate ? (
          <p data-field="gate" class={`gate ${gates.data.state.status}`}>
            {gates.data.state.status}
            {gates.data.state.reason ? `: ${gates.data.state.reason}` : ''} · errors ≤ {(gates.data.gate.maxErrorRate * 100).toFixed(1)} %
            over {gates.data.gate.windowS} s{gates.data.gate.maxP99Ms ? `, p99 ≤ ${gates.data.gate.maxP99Ms} ms` : ''}
            {gates.data.gate.dryRun ? ' (dry run)' : ''}
          </p>
        ) : (
          <p class="quiet">No gate set.</p>
        )
      ) : gates?.state === 'unavailable' ? (
        <Unavailable what="Gates" />
      ) : gates ? (
        <LoadProblem loaded={gates} />
      ) : null}
    </div>
  );
}

function HandoffPanel({ state, actions, who }: { state: ContextState; actions: Actions; who: (id: string) => string }) {
  const { context, handoff } = state;
  const busy = actions.busy[context] ?? false;
  const waiting = handoff && (handoff.status === 'held' || handoff.status === 'interrupted');
  const start = async (direction: 'out' | 'back') => {
    const question =
      direction === 'out'
        ? `Freeze ${context}'s writes, copy its data to ${state.service}'s own database, verify and switch? ` +
          `Afterwards only ${state.service} serves it; the way back is another handoff.`
        : `Freeze ${context}'s writes, copy its data back to the shared database, verify and switch? ` +
          'Afterwards it is served in mode service.';
    const label = direction === 'out' ? 'Hand off' : 'Hand back';
    if (!(await actions.confirm(`${label}: ${context}`, question, label))) return;
    await actions.run(context, `${context}: handoff ${direction} started`, () => post(`handoffs/${context}`, { direction }));
  };
  const settle = async (step: 'resume' | 'abort') => {
    const question =
      step === 'resume'
        ? 'Run the held handoff to its end?'
        : 'Abort the handoff? Writes are accepted again and the data stays where it was.';
    if (
      !(await actions.confirm(
        `${step === 'resume' ? 'Resume' : 'Abort'} the handoff of ${context}`,
        question,
        step === 'resume' ? 'Resume' : 'Abort',
      ))
    )
      return;
    await actions.run(context, `${context}: handoff ${step} requested`, () => post(`handoffs/${context}/${step}`));
  };
  return (
    <div class="card handoff">
      <h3>Data handoff</h3>
      {handoff ? (
        <p data-field="handoff">
          {handoff.direction === 'out' ? 'out to the service' : 'back to the shared database'}: {handoff.status}, last step {handoff.step}
          {handoff.until ? ` (held after ${handoff.until})` : ''} · started {clock(handoff.startedAt)} by {who(handoff.startedBy)}
          {handoff.figures.freezeMs !== undefined ? ` · writes frozen ${handoff.figures.freezeMs} ms` : ''}
          {handoff.error ? ` · ${handoff.error}` : ''}
        </p>
      ) : (
        <p class="quiet" data-field="handoff">
          Never handed off: the data is in the shared database.
        </p>
      )}
      <div class="buttons">
        <button type="button" class="danger" disabled={busy} onClick={() => void start('out')}>
          Hand off
        </button>
        <button type="button" class="danger" disabled={busy} onClick={() => void start('back')}>
          Hand back
        </button>
        {waiting ? (
          <>
            <button type="button" disabled={busy} onClick={() => void settle('resume')}>
              Resume handoff
            </button>
            <button type="button" class="danger" disabled={busy} onClick={() => void settle('abort')}>
              Abort handoff
            </button>
          </>
        ) : null}
      </div>
    </div>
  );
}

const change = (entry: AuditEntry) =>
  entry.from && entry.to
    ? `${describeMode(entry.from.mode as Mode, entry.from.percent)} → ${describeMode(entry.to.mode as Mode, entry.to.percent)}`
    : '';

function Audit({ audit, who }: { audit: Loaded<{ entries: AuditEntry[] }> | undefined; who: (id: string) => string }) {
  const entries = audit?.state === 'ok' ? audit.data.entries : [];
  return (
    <div class="card audit">
      <h3>Audit trail, newest first</h3>
      {audit?.state === 'error' ? <LoadProblem loaded={audit} /> : null}
      <div class="scroll">
        <table data-field="audit">
          <thead>
            <tr>
              <th scope="col">at</th>
              <th scope="col">action</th>
              <th scope="col">change</th>
              <th scope="col">by</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => (
              <tr key={entry.id}>
                <td>
                  <time dateTime={entry.at}>{clock(entry.at)}</time>
                </td>
                <td>{entry.action}</td>
                <td>{change(entry)}</td>
                <td>{who(entry.by)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
