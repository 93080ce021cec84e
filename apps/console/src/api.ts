/**
 * The console's only way to the shop: the public HTTP API, with the signed-in admin's bearer token.
 * The token lives in this module (memory of the tab) and nowhere else: no storage, no cookie.
 */

/** An RFC 9457 problem, as every error of the API is answered. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: Array<{ field: string; message: string }>;
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail || problem.title);
  }

  get status(): number {
    return this.problem.status;
  }
}

/** A panel's data, or why it has none: the server does not offer it (404), or it failed. */
export type Loaded<T> =
  { state: 'ok'; data: T; stale?: Problem } | { state: 'unavailable' } | { state: 'error'; problem: Problem } | { state: 'loading' };

/**
 * The next read of a panel, or the last good one marked stale when the server failed this once (a 5xx
 * or no answer): figures do not vanish for a hiccup. A refusal (4xx) is never hidden.
 */
export function keepLastGood<T>(previous: Loaded<T> | undefined, next: Loaded<T>): Loaded<T> {
  const failed = next.state === 'error' && (next.problem.status === 0 || next.problem.status >= 500);
  return failed && previous?.state === 'ok' ? { state: 'ok', data: previous.data, stale: next.problem } : next;
}

export const ADMIN_API = '/api/v1/admin/strangler';

let token: string | undefined;

export const signedIn = (): boolean => token !== undefined;

/** Forgets the token (sign-out, or the server said it is no longer valid). */
export function forgetToken(): void {
  token = undefined;
}

async function problemOf(response: Response): Promise<Problem> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as Partial<Problem>;
    return {
      type: body.type ?? 'about:blank',
      title: body.title ?? response.statusText,
      status: body.status ?? response.status,
      detail: body.detail ?? '',
      ...(body.errors ? { errors: body.errors } : {}),
    };
  } catch {
    return { type: 'about:blank', title: response.statusText || 'Error', status: response.status, detail: text.slice(0, 200) };
  }
}

/** One call of the API; a non-2xx answer throws its problem as an ApiError. */
export async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
  } catch {
    throw new ApiError({ type: 'about:blank', title: 'Network error', status: 0, detail: 'The shop did not answer.' });
  }
  if (!response.ok) throw new ApiError(await problemOf(response));
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/** A read for a panel: 404 means this server does not offer it (yet), not a failure. */
export async function load<T>(path: string): Promise<Loaded<T>> {
  try {
    return { state: 'ok', data: await call<T>('GET', path) };
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    if (error.status === 404) return { state: 'unavailable' };
    return { state: 'error', problem: error.problem };
  }
}

/** A change through the admin API (`path` under /api/v1/admin/strangler). */
export const adminPut = (path: string, body: unknown) => call('PUT', `${ADMIN_API}/${path}`, body);
export const adminPost = (path: string, body?: unknown) => call('POST', `${ADMIN_API}/${path}`, body);

export interface Account {
  id: string;
  email: string;
  displayName: string;
  roles: string[];
}

/**
 * Signs in through the API. An account without the admin role is refused here (its token is dropped
 * at once): the console is for admins, and the API would refuse every call anyway.
 */
export async function signIn(email: string, password: string): Promise<Account> {
  forgetToken();
  const { accessToken } = await call<{ accessToken: string }>('POST', '/api/v1/auth/login', { email, password });
  token = accessToken;
  try {
    const account = await call<Account>('GET', '/api/v1/auth/me');
    if (!account.roles.includes('admin')) throw new NotAnAdminError(account);
    return account;
  } catch (error) {
    forgetToken();
    throw error;
  }
}

export class NotAnAdminError extends Error {
  constructor(readonly account: Account) {
    super(`${account.email} is not an admin`);
  }
}

// The admin API's shapes (see the README's HTTP contract).

export type Mode = 'monolith' | 'shadow' | 'canary' | 'service' | 'retired';

export interface Route {
  context: string;
  mode: Mode;
  percent: number;
  updatedAt: string;
  updatedBy: string;
}

export interface Handoff {
  context: string;
  direction: 'out' | 'back';
  status: 'running' | 'held' | 'interrupted' | 'failed' | 'aborted' | 'done';
  step: string;
  until?: string;
  startedAt: string;
  startedBy: string;
  updatedAt: string;
  figures: { freezeMs?: number; copyMs?: number; retiredCopy?: string };
  error?: string;
}

export interface ContextState {
  context: string;
  service: string;
  route: Route;
  frozenSince?: string;
  dataLocation: 'home' | 'own';
  handoff?: Handoff;
  /** The facade's circuit to the service, as the answering instance sees it (when the server reports it). */
  circuit?: 'closed' | 'open' | 'half-open' | 'isolated';
}

export interface Instance {
  id: string;
  app: string;
  startedAt: string;
  seenAt: string;
  report: { app: string; host: string; pid: number; contexts: Record<string, { hosted: boolean; serves: boolean; frozen: boolean }> };
}

export interface AuditEntry {
  id: number;
  context: string;
  action: string;
  by: string;
  at: string;
  from?: { mode: string; percent: number };
  to?: { mode: string; percent: number };
  details?: Record<string, unknown>;
}

/** A route's shadow counts, summed over every instance. */
export interface ShadowRouteCounts {
  /** Reads both sides answered: matches + mismatches. */
  compared: number;
  matches: number;
  mismatches: number;
  /** Noise baselines taken (the monolith compared with itself), and those where it differed from itself. */
  baselines: number;
  noise: number;
  noiseRate: number | null;
  dropped: number;
  unavailable: number;
}

export interface ShadowSample {
  at: string;
  route: string;
  requestId: string | null;
  /** Where the answers differ, array indexes as [*]. */
  paths: string[];
  /** The same with the indexes. */
  concretePaths: string[];
  /** Those of `paths` where the monolith differed from itself too. */
  noisyPaths: string[];
  monolith: unknown;
  service: unknown;
}

export interface Side {
  requests: number;
  errors: number;
  errorRate: number;
  p50Ms: number | null;
  p99Ms: number | null;
}

export interface Outcomes {
  context: string;
  windowS: number;
  stepS: number;
  series: Array<{ at: string; monolith: Side; service: Side }>;
  totals: { monolith: Side; service: Side };
}

export type GateStatus = 'waiting' | 'green' | 'breached' | 'rolled-back' | 'would-roll-back' | 'alert';

export interface GateState {
  gate: { windowS: number; minRequests: number; maxErrorRate: number; maxP99Ms?: number; maxP99Ratio?: number; dryRun: boolean } | null;
  state: { status: GateStatus; reason: string | null; at: string | null; figures: Record<string, unknown> | null; judgedAt: string | null };
}

export interface PlanStep {
  mode: 'shadow' | 'canary' | 'service';
  /** canary only. */
  percent?: number;
  holdS: number;
  minComparedReads?: number;
  maxMismatchRate?: number;
}

export interface PlanState {
  plan: { steps: PlanStep[] } | null;
  status: 'idle' | 'running' | 'paused' | 'done' | 'aborted' | 'rolled-back';
  stepIndex: number;
  stepStartedAt: string | null;
  /** What the running step still waits for (empty: it may advance). */
  progress: {
    heldS: number;
    holdS: number;
    gate: GateStatus | 'none';
    comparedReads?: number;
    mismatchRate?: number;
    waitingFor: string[];
  } | null;
}
