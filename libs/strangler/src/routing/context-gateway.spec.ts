import { Command, Query, type CommandBus, type QueryBus } from '@nestjs/cqrs';
import {
  HostedContexts,
  ProblemException,
  RequestContext,
  RpcUnavailableError,
  type AuthenticatedUser,
  type HostedContext,
} from '@shop/platform';
import { standIn } from '@shop/testing';
import { ServiceUnavailableError, type RemoteReply, type RemoteService } from '../remote/remote-service.js';
import type { OutcomeRecorder } from '../evidence/outcomes.js';
import type { MirroredRead, ShadowMirror } from '../shadow/shadow-mirror.js';
import { ContextGateway } from './context-gateway.js';
import type { Route, RouteTable } from './route-table.js';
import { StrangleableContexts, type RemoteMessage, type StrangleableContext, type StranglerMode } from './strangleable-context.js';
import { withRequestedRoute } from './tester-override.js';

interface Thing {
  id: string;
  servedBy: string;
}

class DoThing extends Command<Thing> {
  constructor(
    readonly caller: AuthenticatedUser,
    readonly thingId: string,
  ) {
    super();
  }
}

class GetThing extends Query<Thing> {
  constructor(
    readonly caller: AuthenticatedUser,
    readonly thingId: string,
  ) {
    super();
  }
}

const probe: StrangleableContext = {
  context: 'probe',
  service: 'probe-service',
  commands: { 'probe.DoThing.v1': DoThing },
  queries: { 'probe.GetThing.v1': GetThing },
  shadowIgnores: ['at'],
};

const alice: AuthenticatedUser = { id: 'alice', roles: ['customer'] };
const REQUEST = { requestId: 'req-1', authorization: 'Bearer caller-token' };
const FORWARDED = { 'x-request-id': 'req-1', authorization: 'Bearer caller-token' };

class RecordingBus {
  readonly executed: unknown[] = [];

  async execute(message: { thingId: string }): Promise<Thing> {
    this.executed.push(message);
    return { id: message.thingId, servedBy: 'monolith' };
  }
}

class FakeRemote {
  readonly service = 'probe-service';
  /** Not a whole number of seconds, so Retry-After shows it is rounded up. */
  readonly cooldownMs = 2001;
  readonly calls: Array<{ message: RemoteMessage; headers: Record<string, string> }> = [];
  answer: () => Promise<RemoteReply> = async () => ({ ok: true, value: { id: 'thing-1', servedBy: 'probe-service' } });

  async call(message: RemoteMessage, headers: Record<string, string>): Promise<RemoteReply> {
    this.calls.push({ message, headers });
    return this.answer();
  }
}

class RecordingMirror {
  readonly inputs: MirroredRead[] = [];

  async mirror(input: MirroredRead): Promise<'match'> {
    this.inputs.push(input);
    return 'match';
  }
}

/** This process hosts the probe context (the gateway may serve it in-process). */
const hostingProbe = new HostedContexts();
hostingProbe.register(standIn<HostedContext>({ name: 'probe' }));

function setUp(mode: StranglerMode | undefined, options: { percent?: number; remote?: FakeRemote | null } = {}) {
  const route: Route | undefined = mode && {
    context: 'probe',
    mode,
    percent: options.percent ?? 0,
    updatedAt: '2026-01-01T00:00:00.000Z',
    updatedBy: 'admin',
    dataLocation: 'home',
  };
  const contexts = new StrangleableContexts();
  contexts.register(probe);
  const commands = new RecordingBus();
  const queries = new RecordingBus();
  // Answers for its own context only: a gateway that asked about another would be served in-process.
  const routes = { get: (context: string) => (context === 'probe' ? route : undefined) };
  const remote = options.remote === null ? undefined : (options.remote ?? new FakeRemote());
  const shadow = new RecordingMirror();
  const outcomes: Array<{ side: string; error: boolean }> = [];
  const recorder: OutcomeRecorder = { record: (_context, side, _ms, error) => outcomes.push({ side, error }) };
  const gateway = new ContextGateway(
    probe,
    contexts,
    standIn<CommandBus>(commands),
    standIn<QueryBus>(queries),
    standIn<RouteTable>(routes),
    remote && standIn<RemoteService>(remote),
    standIn<ShadowMirror>(shadow),
    hostingProbe,
    undefined,
    recorder,
  );
  return { gateway, commands, queries, remote, shadow, outcomes };
}

/** Runs a call as an HTTP request would, capturing the response headers the gateway sets. */
async function serve<T>(call: () => Promise<T>, request: { requestId: string; authorization?: string } = REQUEST) {
  const headers: Record<string, string> = {};
  const setResponseHeader = (name: string, value: string) => {
    headers[name] = value;
  };
  const outcome = await RequestContext.run({ ...request, setResponseHeader }, () =>
    call().then(
      (value) => ({ value, error: undefined }),
      (error: unknown) => ({ value: undefined, error }),
    ),
  );
  return { ...outcome, headers };
}

describe('ContextGateway', () => {
  describe.each<[string, StranglerMode | undefined]>([
    ['monolith mode', 'monolith'],
    ['a context with no route yet', undefined],
  ])('%s', (_case, mode) => {
    it('serves a query in-process and never calls the service', async () => {
      const { gateway, commands, queries, remote } = setUp(mode);
      const query = new GetThing(alice, 'thing-1');

      const { value, headers } = await serve(() => gateway.query(query));

      expect(value).toEqual({ id: 'thing-1', servedBy: 'monolith' });
      expect(queries.executed).toEqual([query]);
      expect(queries.executed[0]).toBe(query);
      expect(commands.executed).toEqual([]);
      expect(remote!.calls).toEqual([]);
      expect(headers).toEqual({ 'X-Served-By': 'monolith' });
    });

    it('serves a command in-process and never calls the service', async () => {
      const { gateway, commands, queries, remote } = setUp(mode);
      const command = new DoThing(alice, 'thing-1');

      const { value, headers } = await serve(() => gateway.command(command));

      expect(value).toEqual({ id: 'thing-1', servedBy: 'monolith' });
      expect(commands.executed).toEqual([command]);
      expect(queries.executed).toEqual([]);
      expect(remote!.calls).toEqual([]);
      expect(headers).toEqual({ 'X-Served-By': 'monolith' });
    });
  });

  describe('service mode', () => {
    it.each([
      ['query', 'probe.GetThing.v1', (gateway: ContextGateway) => gateway.query(new GetThing(alice, 'thing-1'))],
      ['command', 'probe.DoThing.v1', (gateway: ContextGateway) => gateway.command(new DoThing(alice, 'thing-1'))],
    ])('sends a %s to the service in its wire form with the caller token and request id', async (_kind, route, call) => {
      const { gateway, commands, queries, remote } = setUp('service');

      const { value, headers } = await serve(() => call(gateway));

      expect(value).toEqual({ id: 'thing-1', servedBy: 'probe-service' });
      expect(remote!.calls).toEqual([{ message: { route, payload: { caller: alice, thingId: 'thing-1' } }, headers: FORWARDED }]);
      expect(commands.executed).toEqual([]);
      expect(queries.executed).toEqual([]);
      expect(headers).toEqual({ 'X-Served-By': 'probe-service' });
    });

    it('forwards no authorization header when the caller sent none', async () => {
      const { gateway, remote } = setUp('service');

      await serve(() => gateway.query(new GetThing(alice, 'thing-1')), { requestId: 'req-2' });

      expect(remote!.calls.map((call) => call.headers)).toEqual([{ 'x-request-id': 'req-2' }]);
    });

    it("rethrows the service's problem with its headers", async () => {
      const remote = new FakeRemote();
      const problem = { type: 'about:blank', title: 'Conflict', status: 409, detail: 'already cancelled' };
      remote.answer = async () => ({ ok: false, problem, headers: { 'X-Trace': 't-1' } });
      const { gateway, commands } = setUp('service', { remote });

      const { error, headers } = await serve(() => gateway.command(new DoThing(alice, 'thing-1')));

      expect(error).toBeInstanceOf(ProblemException);
      expect((error as ProblemException).problem).toEqual(problem);
      expect((error as ProblemException).headers).toEqual({ 'X-Trace': 't-1' });
      expect(commands.executed).toEqual([]);
      expect(headers).toEqual({ 'X-Served-By': 'probe-service' });
    });

    it('serves a query in-process when the service is unavailable', async () => {
      const remote = new FakeRemote();
      remote.answer = () => Promise.reject(new ServiceUnavailableError('probe-service', new Error('timed out')));
      const { gateway, queries } = setUp('service', { remote });
      const query = new GetThing(alice, 'thing-1');

      const { value, headers } = await serve(() => gateway.query(query));

      expect(remote.calls).toHaveLength(1);
      expect(value).toEqual({ id: 'thing-1', servedBy: 'monolith' });
      expect(queries.executed).toEqual([query]);
      expect(headers).toEqual({ 'X-Served-By': 'monolith' });
    });

    it('answers a command 503 with Retry-After when the service is unavailable, and does not run it here', async () => {
      const remote = new FakeRemote();
      remote.answer = () => Promise.reject(new ServiceUnavailableError('probe-service', new Error('timed out')));
      const { gateway, commands, queries } = setUp('service', { remote });

      const { error, headers } = await serve(() => gateway.command(new DoThing(alice, 'thing-1')));

      expect(error).toBeInstanceOf(ProblemException);
      expect((error as ProblemException).problem.status).toBe(503);
      expect((error as ProblemException).headers).toEqual({ 'Retry-After': '3' });
      expect(commands.executed).toEqual([]);
      expect(queries.executed).toEqual([]);
      expect(headers).toEqual({});
    });

    it('says a command that never left (broker away, circuit open) was not applied', async () => {
      const remote = new FakeRemote();
      remote.answer = () =>
        Promise.reject(new ServiceUnavailableError('probe-service', new RpcUnavailableError('not connected', 'disconnected')));
      const { gateway } = setUp('service', { remote });

      const { error } = await serve(() => gateway.command(new DoThing(alice, 'thing-1')));

      expect((error as ProblemException).problem).toMatchObject({ status: 503, type: expect.stringMatching(/\/service-unavailable$/) });
      expect((error as ProblemException).problem.detail).toContain('The request was not applied');
    });

    it('never says "not applied" of a command sent and timed out: it names the deadline before which it may have been', async () => {
      const remote = new FakeRemote();
      const deadline = Date.parse('2026-12-02T10:00:02.750Z');
      remote.answer = () =>
        Promise.reject(new ServiceUnavailableError('probe-service', new RpcUnavailableError('no answer in time', 'timeout', deadline)));
      const { gateway, commands } = setUp('service', { remote });

      const { error } = await serve(() => gateway.command(new DoThing(alice, 'thing-1')));

      const { problem, headers } = error as ProblemException;
      expect(problem).toMatchObject({ status: 503, type: expect.stringMatching(/\/service-timeout$/) });
      expect(problem.detail).not.toMatch(/not applied/);
      expect(problem.detail).toContain('2026-12-02T10:00:02.750Z');
      expect(problem.detail).toContain('either applied by then or never will be');
      expect(headers).toEqual({ 'Retry-After': '3' });
      expect(commands.executed).toEqual([]);
    });

    it('passes on any other failure of the call without serving it here', async () => {
      const remote = new FakeRemote();
      const failure = new Error('malformed reply');
      remote.answer = () => Promise.reject(failure);
      const { gateway, queries } = setUp('service', { remote });

      const { error } = await serve(() => gateway.query(new GetThing(alice, 'thing-1')));

      expect(error).toBe(failure);
      expect(queries.executed).toEqual([]);
    });

    it('serves in-process when there is no remote (no broker)', async () => {
      const { gateway, commands, queries } = setUp('service', { remote: null });
      const query = new GetThing(alice, 'thing-1');
      const command = new DoThing(alice, 'thing-2');

      const read = await serve(() => gateway.query(query));
      const write = await serve(() => gateway.command(command));

      expect(read).toEqual({ value: { id: 'thing-1', servedBy: 'monolith' }, error: undefined, headers: { 'X-Served-By': 'monolith' } });
      expect(write).toEqual({ value: { id: 'thing-2', servedBy: 'monolith' }, error: undefined, headers: { 'X-Served-By': 'monolith' } });
      expect(queries.executed).toEqual([query]);
      expect(commands.executed).toEqual([command]);
    });
  });

  describe('shadow mode', () => {
    it('serves a query in-process and mirrors it to the service for comparison', async () => {
      const { gateway, queries, remote, shadow } = setUp('shadow');
      const query = new GetThing(alice, 'thing-1');

      const { value, headers } = await serve(() => gateway.query(query));

      expect(value).toEqual({ id: 'thing-1', servedBy: 'monolith' });
      expect(headers).toEqual({ 'X-Served-By': 'monolith' });
      expect(shadow.inputs).toEqual([
        {
          context: 'probe',
          route: 'probe.GetThing.v1',
          primary: value,
          shadow: expect.any(Function),
          reread: expect.any(Function),
          requestId: FORWARDED['x-request-id'],
        },
      ]);

      // The mirrored read goes to the service as the caller's; the re-read asks the monolith again.
      const [{ shadow: mirrored, reread }] = shadow.inputs;
      await expect(mirrored()).resolves.toEqual({ id: 'thing-1', servedBy: 'probe-service' });
      expect(remote!.calls).toEqual([
        { message: { route: 'probe.GetThing.v1', payload: { caller: alice, thingId: 'thing-1' } }, headers: FORWARDED },
      ]);
      await expect(reread()).resolves.toEqual({ id: 'thing-1', servedBy: 'monolith' });
      expect(queries.executed).toEqual([query, query]);
    });

    it("compares a service's problem by its status", async () => {
      const remote = new FakeRemote();
      remote.answer = async () => ({
        ok: false,
        problem: { type: 'about:blank', title: 'Not Found', status: 404, detail: 'no such thing' },
      });
      const { gateway, shadow } = setUp('shadow', { remote });

      await serve(() => gateway.query(new GetThing(alice, 'thing-1')));

      await expect(shadow.inputs[0].shadow()).resolves.toEqual({ problem: 404 });
    });

    it('never mirrors a command', async () => {
      const { gateway, commands, remote, shadow } = setUp('shadow');
      const command = new DoThing(alice, 'thing-1');

      const { value, headers } = await serve(() => gateway.command(command));

      expect(value).toEqual({ id: 'thing-1', servedBy: 'monolith' });
      expect(headers).toEqual({ 'X-Served-By': 'monolith' });
      expect(commands.executed).toEqual([command]);
      expect(shadow.inputs).toEqual([]);
      expect(remote!.calls).toEqual([]);
    });

    it('mirrors nothing when there is no remote', async () => {
      const { gateway, shadow } = setUp('shadow', { remote: null });

      const { headers } = await serve(() => gateway.query(new GetThing(alice, 'thing-1')));

      expect(headers).toEqual({ 'X-Served-By': 'monolith' });
      expect(shadow.inputs).toEqual([]);
    });
  });

  describe('canary mode', () => {
    it('sends every caller to the service at 100 percent', async () => {
      const { gateway, commands, queries, remote } = setUp('canary', { percent: 100 });

      const read = await serve(() => gateway.query(new GetThing(alice, 'thing-1')));
      const write = await serve(() => gateway.command(new DoThing({ id: 'bob', roles: [] }, 'thing-1')));

      expect([read.headers, write.headers]).toEqual([{ 'X-Served-By': 'probe-service' }, { 'X-Served-By': 'probe-service' }]);
      expect(remote!.calls.map((call) => call.message.route)).toEqual(['probe.GetThing.v1', 'probe.DoThing.v1']);
      expect([...commands.executed, ...queries.executed]).toEqual([]);
    });

    it('keeps every caller on the monolith at 0 percent', async () => {
      const { gateway, commands, queries, remote } = setUp('canary', { percent: 0 });

      const read = await serve(() => gateway.query(new GetThing(alice, 'thing-1')));
      const write = await serve(() => gateway.command(new DoThing({ id: 'bob', roles: [] }, 'thing-1')));

      expect([read.headers, write.headers]).toEqual([{ 'X-Served-By': 'monolith' }, { 'X-Served-By': 'monolith' }]);
      expect(remote!.calls).toEqual([]);
      expect(queries.executed).toHaveLength(1);
      expect(commands.executed).toHaveLength(1);
    });

    it('serves the same caller from the same side on every call at 50 percent', async () => {
      const { gateway } = setUp('canary', { percent: 50 });
      const callers = ['alice', 'bob', 'carol', 'dave', 'erin'].map((id): AuthenticatedUser => ({ id, roles: ['customer'] }));
      const sides = new Map<string, Set<string>>(callers.map((caller) => [caller.id, new Set()]));

      // Interleaved, so one caller's answer cannot be a leftover of the previous call.
      for (let round = 0; round < 20; round += 1) {
        for (const caller of callers) {
          const { headers } = await serve(() => gateway.query(new GetThing(caller, `thing-${round}`)));
          sides.get(caller.id)!.add(headers['X-Served-By']);
        }
      }

      for (const [caller, served] of sides) expect({ caller, sides: served.size }).toEqual({ caller, sides: 1 });
    });
  });

  describe('evidence for the gates', () => {
    it('records each answer once, on the side that gave it; a 4xx is an answer, a 5xx an error', async () => {
      const remote = new FakeRemote();
      const { gateway, outcomes } = setUp('service', { remote });
      await serve(() => gateway.query(new GetThing(alice, 'thing-1')));
      remote.answer = async () => ({ ok: false, problem: { type: 'about:blank', title: 'Conflict', status: 409, detail: 'no' } });
      await serve(() => gateway.command(new DoThing(alice, 'thing-1')));
      remote.answer = async () => ({ ok: false, problem: { type: 'about:blank', title: 'Oops', status: 500, detail: 'boom' } });
      await serve(() => gateway.command(new DoThing(alice, 'thing-1')));

      expect(outcomes).toEqual([
        { side: 'service', error: false },
        { side: 'service', error: false },
        { side: 'service', error: true },
      ]);
    });

    it('counts a read that fell back to the monolith as a service error, once', async () => {
      const remote = new FakeRemote();
      remote.answer = async () => {
        throw new ServiceUnavailableError('probe-service', new RpcUnavailableError('no answer', 'timeout'));
      };
      const { gateway, outcomes } = setUp('service', { remote });

      const { value } = await serve(() => gateway.query(new GetThing(alice, 'thing-1')));

      expect(value).toEqual({ id: 'thing-1', servedBy: 'monolith' });
      expect(outcomes).toEqual([{ side: 'service', error: true }]);
    });

    it('records the monolith side in shadow mode', async () => {
      const { gateway, outcomes } = setUp('shadow');
      await serve(() => gateway.query(new GetThing(alice, 'thing-1')));
      expect(outcomes).toEqual([{ side: 'monolith', error: false }]);
    });
  });

  describe('X-Strangler-Route', () => {
    const tester: AuthenticatedUser = { id: 'tess', roles: ['tester'] };
    const asked = <T>(header: string, call: () => Promise<T>) =>
      serve(() => new Promise<T>((resolve, reject) => withRequestedRoute(header, () => void call().then(resolve, reject))));

    it("sends a tester's request to the side asked for, left out of the evidence", async () => {
      const { gateway, remote, queries, outcomes } = setUp('monolith');
      const { value, headers } = await asked('service', () => gateway.query(new GetThing(tester, 'thing-1')));
      expect(value).toEqual({ id: 'thing-1', servedBy: 'probe-service' });
      expect(headers).toEqual({ 'X-Served-By': 'probe-service' });
      expect(remote!.calls).toHaveLength(1);
      expect(queries.executed).toEqual([]);
      expect(outcomes).toEqual([]);
    });

    it('serves an admin from the monolith when asked, whatever the route', async () => {
      const { gateway, remote } = setUp('service');
      const { headers } = await asked('monolith', () => gateway.query(new GetThing({ id: 'ada', roles: ['admin'] }, 'thing-1')));
      expect(headers).toEqual({ 'X-Served-By': 'monolith' });
      expect(remote!.calls).toEqual([]);
    });

    it("ignores a customer's header", async () => {
      const { gateway, remote, outcomes } = setUp('monolith');
      const { headers } = await asked('service', () => gateway.query(new GetThing(alice, 'thing-1')));
      expect(headers).toEqual({ 'X-Served-By': 'monolith' });
      expect(remote!.calls).toEqual([]);
      expect(outcomes).toEqual([{ side: 'monolith', error: false }]);
    });

    it('refuses a value other than service or monolith from a tester with a 400, serving nothing', async () => {
      const { gateway, remote, queries } = setUp('monolith');
      const { error } = await asked('both', () => gateway.query(new GetThing(tester, 'thing-1')));
      expect((error as ProblemException).problem).toMatchObject({ status: 400, errors: [{ field: 'X-Strangler-Route' }] });
      expect(remote!.calls).toEqual([]);
      expect(queries.executed).toEqual([]);
    });
  });
});
