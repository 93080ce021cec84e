import { useEffect, useState } from 'preact/hooks';
import {
  ADMIN_API,
  ApiError,
  keepLastGood,
  load,
  type Account,
  type AuditEntry,
  type ContextState,
  type GateState,
  type Instance,
  type Loaded,
  type Outcomes,
  type PlanState,
  type Problem,
  type Route,
  type ShadowRouteCounts,
  type ShadowSample,
} from './api.js';
import { useConfirm } from './confirm.js';
import { ContextPanel } from './context-panel.js';
import { usePoll } from './poll.js';

/** Everything the console shows, read in one go every poll. */
export interface Snapshot {
  contexts: Loaded<{ contexts: ContextState[] }>;
  instances: Loaded<{ instances: Instance[] }>;
  shadow: Loaded<Record<string, Record<string, ShadowRouteCounts>>>;
  of: Record<string, ContextReads>;
  readAt: Date;
}

export interface ContextReads {
  outcomes: Loaded<Outcomes>;
  gates: Loaded<GateState>;
  plan: Loaded<PlanState>;
  samples: Loaded<ShadowSample[]>;
  audit: Loaded<{ entries: AuditEntry[] }>;
}

export const OUTCOME_WINDOW_S = 300;
export const OUTCOME_STEP_S = 10;

async function readContext(context: string): Promise<ContextReads> {
  const [outcomes, gates, plan, samples, audit] = await Promise.all([
    load<Outcomes>(`${ADMIN_API}/outcomes/${context}?windowS=${OUTCOME_WINDOW_S}&stepS=${OUTCOME_STEP_S}`),
    load<GateState>(`${ADMIN_API}/gates/${context}`),
    load<PlanState>(`${ADMIN_API}/plans/${context}`),
    load<ShadowSample[]>(`${ADMIN_API}/shadow/${context}/samples?limit=3`),
    load<{ entries: AuditEntry[] }>(`${ADMIN_API}/audit?context=${context}&limit=30`),
  ]);
  return { outcomes, gates, plan, samples, audit };
}

async function readSnapshot(): Promise<Snapshot> {
  const [contexts, instances, shadow] = await Promise.all([
    load<{ contexts: ContextState[] }>(`${ADMIN_API}/contexts`),
    load<{ instances: Instance[] }>(`${ADMIN_API}/instances`),
    load<Record<string, Record<string, ShadowRouteCounts>>>(`${ADMIN_API}/shadow`),
  ]);
  const names = contexts.state === 'ok' ? contexts.data.contexts.map((state) => state.context) : [];
  const reads = await Promise.all(names.map(readContext));
  return { contexts, instances, shadow, of: Object.fromEntries(names.map((name, i) => [name, reads[i]!])), readAt: new Date() };
}

/** Each panel's read, or its last good one when the server failed this once. */
function mergeSnapshots(previous: Snapshot | undefined, next: Snapshot): Snapshot {
  const of = Object.fromEntries(
    Object.entries(next.of).map(([context, reads]) => {
      const before = previous?.of[context];
      return [
        context,
        {
          outcomes: keepLastGood(before?.outcomes, reads.outcomes),
          gates: keepLastGood(before?.gates, reads.gates),
          plan: keepLastGood(before?.plan, reads.plan),
          samples: keepLastGood(before?.samples, reads.samples),
          audit: keepLastGood(before?.audit, reads.audit),
        },
      ];
    }),
  );
  return {
    contexts: keepLastGood(previous?.contexts, next.contexts),
    instances: keepLastGood(previous?.instances, next.instances),
    shadow: keepLastGood(previous?.shadow, next.shadow),
    of,
    readAt: next.readAt,
  };
}

/** The panels shown from an older read, because the last one failed. */
function staleParts(snapshot: Snapshot): string[] {
  const parts: Array<[string, Loaded<unknown>]> = [
    ['contexts', snapshot.contexts],
    ['instances', snapshot.instances],
    ['shadow counts', snapshot.shadow],
    ...Object.entries(snapshot.of).flatMap(([context, reads]) =>
      Object.entries(reads).map(([name, loaded]): [string, Loaded<unknown>] => [`${context} ${name}`, loaded]),
    ),
  ];
  return parts.filter(([, loaded]) => loaded.state === 'ok' && loaded.stale).map(([name]) => name);
}

/** What an action answered: the problem when the API refused it, or what was done. */
export type Outcome = { ok: true; message: string } | { ok: false; problem: Problem };

export interface Actions {
  /** Runs an API call for a context, shows its outcome, and reads everything again at once. */
  run: (context: string, done: string, request: () => Promise<unknown>) => Promise<void>;
  /** Shows a route the API answered at once, ahead of the next read. */
  routed: (route: Route) => void;
  confirm: (title: string, body: string, confirm: string) => Promise<boolean>;
  outcomes: Record<string, Outcome | undefined>;
  busy: Record<string, boolean>;
}

/** The migration tab: one panel per strangleable context, live. */
export function Migration({ account, onSignOut }: { account: Account; onSignOut: (reason?: string) => void }) {
  const { data: snapshot, refresh, patch } = usePoll(readSnapshot, mergeSnapshots);
  const { element: dialog, ask } = useConfirm();
  const [outcomes, setOutcomes] = useState<Record<string, Outcome | undefined>>({});
  const [busy, setBusy] = useState<Record<string, boolean>>({});

  const refused = snapshot?.contexts.state === 'error' ? snapshot.contexts.problem.status : undefined;
  useEffect(() => {
    if (refused === 401) onSignOut('Your session has ended: sign in again.');
    if (refused === 403) onSignOut('This console is for admins only.');
  }, [refused]);

  const actions: Actions = {
    confirm: ask,
    routed: (route) =>
      patch((current) =>
        current.contexts.state !== 'ok'
          ? current
          : {
              ...current,
              contexts: {
                state: 'ok',
                data: {
                  contexts: current.contexts.data.contexts.map((state) => (state.context === route.context ? { ...state, route } : state)),
                },
              },
            },
      ),
    outcomes,
    busy,
    run: async (context, done, request) => {
      setBusy((all) => ({ ...all, [context]: true }));
      setOutcomes((all) => ({ ...all, [context]: undefined }));
      try {
        await request();
        setOutcomes((all) => ({ ...all, [context]: { ok: true, message: done } }));
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        setOutcomes((all) => ({ ...all, [context]: { ok: false, problem: error.problem } }));
      } finally {
        setBusy((all) => ({ ...all, [context]: false }));
        refresh();
      }
    },
  };

  if (!snapshot) return <p class="loading">Reading the migration state…</p>;
  if (snapshot.contexts.state !== 'ok')
    return (
      <p class="problem" role="alert">
        {snapshot.contexts.state === 'error'
          ? `Could not read the contexts: ${snapshot.contexts.problem.title} ${snapshot.contexts.problem.detail}`
          : 'This server offers no strangler admin API.'}
      </p>
    );
  return (
    <>
      <p class="freshness" aria-live="off">
        Live: read every second, last at <time dateTime={snapshot.readAt.toISOString()}>{snapshot.readAt.toLocaleTimeString()}</time>
        {staleParts(snapshot).length > 0 ? ` · could not read ${staleParts(snapshot).join(', ')} this time: shown as read before` : ''}
      </p>
      {snapshot.contexts.data.contexts.map((state) => (
        <ContextPanel key={state.context} state={state} snapshot={snapshot} account={account} actions={actions} />
      ))}
      {dialog}
    </>
  );
}
