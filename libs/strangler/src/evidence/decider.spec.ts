import type { DataSource } from 'typeorm';
import { DatabaseConnector, HostedContexts, type HostedContext } from '@shop/platform';
import { createTestDatabase, eventually, standIn, TcpProxy, until, type TestDatabase } from '@shop/testing';
import { STRANGLER_MIGRATIONS } from '../control/migrations.js';
import { AdvisoryLocks } from '../control/advisory-locks.js';
import { ControlChannel } from '../control/control-channel.js';
import { HandoffStore } from '../control/handoffs.js';
import type { InstanceRegistry } from '../control/instances.js';
import { MigrationControl } from '../control/migration-control.js';
import type { RemoteServices } from '../remote/remote-services.js';
import { RouteTable, type AuditRecord } from '../routing/route-table.js';
import { StrangleableContexts, type StrangleableContext } from '../routing/strangleable-context.js';
import { Decider } from './decider.js';
import { GateStore, type Gate } from './gates.js';
import { LeaderLock } from './leader-lock.js';
import { OutcomeStore } from './outcomes.js';
import { PlanStore } from './plans.js';
import { Promotion } from './promotion.js';

const HOUR_MS = 3_600_000;
const GATE: Gate = { windowS: 30, minRequests: 20, maxErrorRate: 0.05, maxP99Ms: 300, dryRun: false };
const probe: StrangleableContext = { context: 'probe', service: 'probe-service', commands: {}, queries: {} };

interface Instance {
  name: string;
  routes: RouteTable;
  outcomes: OutcomeStore;
  gates: GateStore;
  promotion: Promotion;
  decider: Decider;
}

/**
 * Two facade instances on one PostgreSQL database, each with its own listener, route table, outcomes
 * and decider; the first reaches the database through a proxy, so the test can take its leadership
 * away by cutting it. The service side is a stand-in that is always live.
 */
describe('Decider on PostgreSQL', () => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let reader: DataSource;
  const connectors: DatabaseConnector[] = [];
  const instances: Instance[] = [];

  const startInstance = async (name: string, url: string): Promise<Instance> => {
    const connector = new DatabaseConnector({ kind: 'postgres', url });
    connectors.push(connector);
    const dataSource = await connector.open({
      schema: 'strangler',
      entities: [],
      migrations: STRANGLER_MIGRATIONS,
    });
    const channel = new ControlChannel(dataSource, (channelName, handler) => connector.listen(channelName, handler));
    await channel.start();
    const routes = new RouteTable(dataSource, channel, HOUR_MS);
    await routes.start({ probe: 'monolith' });
    const contexts = new StrangleableContexts();
    contexts.register(probe);
    const hosted = new HostedContexts();
    hosted.register(standIn<HostedContext>({ name: 'probe' }));
    const remotes = standIn<RemoteServices>({ for: () => ({ isLive: async () => true }) });
    const registry = standIn<InstanceRegistry>({ alive: async () => [] });
    const control = new MigrationControl(
      contexts,
      routes,
      remotes,
      new HandoffStore(dataSource, channel),
      registry,
      hosted,
      new AdvisoryLocks(dataSource, 'postgres'),
    );
    const outcomes = new OutcomeStore(dataSource, channel, name);
    const gates = new GateStore(dataSource, channel);
    const plans = new PlanStore(dataSource, channel);
    const promotion = new Promotion(
      plans,
      gates,
      routes,
      control,
      { totals: async () => ({ compared: 0, mismatches: 0 }) },
      new AdvisoryLocks(dataSource, 'postgres'),
    );
    const leader = new LeaderLock({ kind: 'postgres', url }, 'strangler.decider.spec', (leading) => leading && decider.wake());
    const decider: Decider = new Decider(leader, channel, routes, control, gates, plans, outcomes, promotion);
    decider.start();
    const instance = { name, routes, outcomes, gates, promotion, decider };
    instances.push(instance);
    return instance;
  };

  const audit = (action: string): Promise<AuditRecord[]> =>
    instances[1]!.routes.history('probe', 50).then((rows) => rows.filter((row) => row.action === action));
  /** `n` answers on a side through an instance's outcomes, written at once. */
  const answers = async (instance: Instance, side: 'monolith' | 'service', n: number, ms: number, errors = 0) => {
    for (let i = 0; i < n; i += 1) instance.outcomes.record('probe', side, ms, i < errors);
    await instance.outcomes.flush();
  };
  /**
   * Changes the probe's route, and returns once an answer of up to `longestMs` written from then on
   * began in a whole second after the change (answers count in the second their requests arrived, and
   * a gate judges from the first whole second after the route's change). Returns when it changed.
   */
  const routeTo = async (route: { mode: 'canary' | 'retired'; percent: number }) => {
    await instances[1]!.routes.update('probe', route, { action: 'route', by: 'test' });
    return afterTheChange();
  };
  const afterTheChange = async (longestMs = 50) => {
    const changedAt = Date.parse(instances[1]!.routes.get('probe')!.updatedAt);
    await until(() => Date.now() - longestMs >= Math.ceil(changedAt / 1000) * 1000, 2000, 'answers that began after the change');
    return changedAt;
  };
  const leaderOf = () => eventually(async () => instances.find((instance) => instance.decider.leading), 10_000, 'an instance leads');

  beforeAll(async () => {
    database = await createTestDatabase('decider');
    const { hostname, port } = new URL(database.url);
    proxy = await TcpProxy.start({ host: hostname, port: Number(port) });
    await startInstance('first', proxy.rewrite(database.url));
    await leaderOf();
    await startInstance('second', database.url);
    const connector = new DatabaseConnector({ kind: 'postgres', url: database.url });
    connectors.push(connector);
    reader = await connector.open({ schema: 'strangler', entities: [], migrations: [] });
  }, 30_000);

  beforeEach(async () => {
    await reader.query('TRUNCATE strangler.outcomes, strangler.gates, strangler.gate_state, strangler.plans, strangler.audit');
    await routeTo({ mode: 'canary', percent: 50 });
  });

  afterAll(async () => {
    for (const instance of instances) await instance.decider.stop();
    for (const instance of instances) instance.routes.stop();
    for (const connector of connectors) await connector.close().catch(() => undefined);
    await proxy?.stop();
    await database?.drop();
  }, 30_000);

  it('exactly one instance leads', async () => {
    await leaderOf();
    expect(instances.filter((instance) => instance.decider.leading)).toHaveLength(1);
  });

  it('rolls a canary back to the monolith on every instance when the fleet-wide error rate breaches the gate', async () => {
    await instances[1]!.gates.set('probe', GATE, 'test');
    // Each instance alone stays under the gate's minimum: only the sum over both breaches it.
    await answers(instances[0]!, 'service', 15, 20, 2);
    await answers(instances[1]!, 'service', 15, 20, 2);

    await until(async () => instances.every((instance) => instance.routes.get('probe')?.mode === 'monolith'), 5000, 'rolled back');
    const [rollback] = await audit('gate.rollback');
    expect(rollback).toMatchObject({ by: 'strangler', from: { mode: 'canary', percent: 50 }, to: { mode: 'monolith', percent: 0 } });
    expect(rollback!.details).toMatchObject({
      reason: expect.stringMatching(/error rate 0\.133 > 0\.05 \(4 of 30 service requests over 30 s\)/),
      figures: { service: { requests: 30, errors: 4 } },
    });
    expect((await instances[0]!.gates.state('probe')).status).toBe('rolled-back');
  });

  it('rolls back on a p99 over the bound', async () => {
    await instances[1]!.gates.set('probe', GATE, 'test');
    await afterTheChange(450);
    await answers(instances[0]!, 'service', 30, 450);
    await until(async () => instances[0]!.routes.get('probe')?.mode === 'monolith', 5000, 'rolled back');
    const [rollback] = await audit('gate.rollback');
    expect(rollback!.details).toMatchObject({ reason: expect.stringMatching(/service p99 \d+(\.\d)? ms > 300 ms/) });
  });

  it('in dry run records that it would roll back, once, and changes nothing', async () => {
    await instances[1]!.gates.set('probe', { ...GATE, dryRun: true }, 'test');
    await answers(instances[1]!, 'service', 30, 20, 30);
    await until(async () => (await instances[0]!.gates.state('probe')).status === 'would-roll-back', 5000, 'would roll back');
    await answers(instances[1]!, 'service', 30, 20, 30);
    await (await leaderOf()).decider.decide();
    expect(instances.map((instance) => instance.routes.get('probe')?.mode)).toEqual(['canary', 'canary']);
    expect(await audit('gate.would-roll-back')).toHaveLength(1);
    expect(await audit('gate.rollback')).toEqual([]);
  });

  it('judges only what came after the last route change', async () => {
    await answers(instances[1]!, 'service', 30, 20, 30);
    // Outcomes are kept per second: the change comes in a later second than the errors.
    const second = Math.floor(Date.now() / 1000);
    await until(() => Math.floor(Date.now() / 1000) > second, 2000, 'the next second');
    await routeTo({ mode: 'canary', percent: 25 });
    await instances[1]!.gates.set('probe', GATE, 'test');
    await answers(instances[1]!, 'service', 30, 20, 0);
    await until(async () => (await instances[0]!.gates.state('probe')).status === 'green', 5000, 'green');
    expect(instances[0]!.routes.get('probe')).toMatchObject({ mode: 'canary', percent: 25 });
  });

  it('never holds against the new route an answer, written after the change, to a request sent before it', async () => {
    await instances[1]!.gates.set('probe', GATE, 'test');
    // The change in the middle of a second, so that requests sent just before it share its second.
    await until(() => Date.now() % 1000 >= 300 && Date.now() % 1000 < 700, 1000, 'the middle of a second');
    const changedAt = await routeTo({ mode: 'canary', percent: 25 });
    // Slow failures of requests sent 100 ms before the change, and two seconds before it, answered only now.
    await answers(instances[1]!, 'service', 30, Date.now() - changedAt + 100, 30);
    await answers(instances[1]!, 'service', 30, 2000, 30);
    await answers(instances[1]!, 'service', 30, 20);
    await (await leaderOf()).decider.decide();
    expect(await instances[0]!.gates.state('probe')).toMatchObject({ status: 'green', figures: { service: { requests: 30, errors: 0 } } });
    expect(await audit('gate.rollback')).toEqual([]);
  });

  it("keeps a green gate's figures current at every look, and the moment it went green as it was", async () => {
    await instances[1]!.gates.set('probe', GATE, 'test');
    await answers(instances[1]!, 'service', 30, 20);
    await until(async () => (await instances[0]!.gates.state('probe')).status === 'green', 5000, 'green');
    const first = await instances[0]!.gates.state('probe');
    expect(first.figures?.service.requests).toBe(30);

    await answers(instances[0]!, 'service', 10, 40);
    await (await leaderOf()).decider.decide();
    const later = await instances[0]!.gates.state('probe');
    expect(later).toMatchObject({ status: 'green', at: first.at });
    expect(later.figures?.service.requests).toBe(40);
    expect(Date.parse(later.judgedAt!)).toBeGreaterThanOrEqual(Date.parse(first.judgedAt!));
  });

  it('advances a running plan step by step while its gate is green, to service, and says done', async () => {
    await instances[1]!.gates.set('probe', { ...GATE, minRequests: 5 }, 'test');
    await instances[1]!.promotion.start(
      'probe',
      {
        steps: [
          { mode: 'canary', percent: 10, holdS: 1 },
          { mode: 'service', holdS: 1 },
        ],
      },
      'test',
    );
    const healthy = setInterval(() => void answers(instances[1]!, 'service', 5, 10).catch(() => undefined), 200);
    try {
      await until(async () => (await instances[1]!.promotion.view('probe')).status === 'done', 15_000, 'plan done');
    } finally {
      clearInterval(healthy);
    }
    expect(instances[0]!.routes.get('probe')?.mode).toBe('service');
    const steps = (await instances[1]!.routes.history('probe', 50)).filter((row) => row.action.startsWith('plan.')).reverse();
    expect(steps.map((row) => [row.action, row.to?.mode ?? null, row.to?.percent ?? null])).toEqual([
      ['plan.start', 'canary', 10],
      ['plan.step', 'service', 100],
      ['plan.done', null, null],
    ]);
  }, 30_000);

  it('stops a running plan where a gate rolls it back', async () => {
    await instances[1]!.gates.set('probe', GATE, 'test');
    await instances[1]!.promotion.start(
      'probe',
      {
        steps: [
          { mode: 'canary', percent: 10, holdS: 60 },
          { mode: 'service', holdS: 1 },
        ],
      },
      'test',
    );
    await afterTheChange();
    await answers(instances[1]!, 'service', 30, 20, 30);
    await until(async () => (await instances[1]!.promotion.view('probe')).status === 'rolled-back', 5000, 'plan rolled back');
    expect(instances[1]!.routes.get('probe')?.mode).toBe('monolith');
  });

  it('raises an alert for a retired context instead of changing its route', async () => {
    await routeTo({ mode: 'retired', percent: 100 });
    await instances[1]!.gates.set('probe', GATE, 'test');
    await answers(instances[1]!, 'service', 30, 20, 30);
    await until(async () => (await instances[0]!.gates.state('probe')).status === 'alert', 5000, 'alert');
    expect(instances[1]!.routes.get('probe')?.mode).toBe('retired');
    expect(await audit('gate.alert')).toHaveLength(1);
    expect(await audit('gate.rollback')).toEqual([]);
  });

  it('pauses, resumes, promotes to the last step and aborts a plan on command, each audited', async () => {
    const promotion = instances[0]!.promotion;
    await instances[1]!.gates.set('probe', GATE, 'test');
    const steps = [
      { mode: 'canary' as const, percent: 10, holdS: 600 },
      { mode: 'canary' as const, percent: 30, holdS: 600 },
      { mode: 'service' as const, holdS: 600 },
    ];
    await promotion.start('probe', { steps }, 'ann');
    expect((await promotion.pause('probe', 'ann')).status).toBe('paused');
    await expect(promotion.pause('probe', 'ann')).rejects.toMatchObject({ problem: { status: 409 } });
    expect((await promotion.resume('probe', 'ann')).status).toBe('running');
    expect(await promotion.promote('probe', false, 'ann')).toMatchObject({ status: 'running', stepIndex: 1 });
    expect(instances[0]!.routes.get('probe')).toMatchObject({ mode: 'canary', percent: 30 });
    expect(await promotion.promote('probe', true, 'ann')).toMatchObject({ status: 'done', stepIndex: 2 });
    expect(instances[0]!.routes.get('probe')?.mode).toBe('service');

    await promotion.start('probe', { steps }, 'ann');
    expect((await promotion.abort('probe', 'ann')).status).toBe('aborted');
    expect(instances[0]!.routes.get('probe')?.mode).toBe('monolith');
    const actions = (await instances[0]!.routes.history('probe', 50)).map((row) => row.action).reverse();
    expect(actions.filter((action) => action.startsWith('plan.'))).toEqual([
      'plan.start',
      'plan.pause',
      'plan.resume',
      'plan.promote',
      'plan.promote',
      'plan.start',
      'plan.abort',
    ]);
  });

  it('hands leadership to another instance when the leader loses its connection', async () => {
    const first = await leaderOf();
    expect(first.name).toBe('first');
    proxy.cut();
    try {
      const next = await eventually(
        async () => (instances[1]!.decider.leading ? instances[1]! : undefined),
        10_000,
        'the second instance leads',
      );
      expect(instances[0]!.decider.leading).toBe(false);
      await next.gates.set('probe', GATE, 'test');
      await answers(next, 'service', 30, 20, 30);
      await until(async () => next.routes.get('probe')?.mode === 'monolith', 5000, 'rolled back by the new leader');
    } finally {
      proxy.restore();
    }
  }, 30_000);
});
