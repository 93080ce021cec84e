import type { DataSource } from 'typeorm';
import { DatabaseConnector, HostedContexts, ProblemException, type HostedContext } from '@shop/platform';
import { createTestDatabase, sleep, standIn, type TestDatabase } from '@shop/testing';
import { AdvisoryLocks } from '../control/advisory-locks.js';
import { ControlChannel } from '../control/control-channel.js';
import { HandoffStore } from '../control/handoffs.js';
import type { InstanceRegistry } from '../control/instances.js';
import { MigrationControl } from '../control/migration-control.js';
import { STRANGLER_MIGRATIONS } from '../control/migrations.js';
import type { RemoteServices } from '../remote/remote-services.js';
import { RouteTable } from '../routing/route-table.js';
import { StrangleableContexts, type StrangleableContext } from '../routing/strangleable-context.js';
import { GateStore } from './gates.js';
import { PlanStore, type Plan, type ShadowEvidence, type ShadowTotals } from './plans.js';
import { Promotion } from './promotion.js';

const HOUR_MS = 3_600_000;
const probe: StrangleableContext = { context: 'probe', service: 'probe-service', commands: {}, queries: {} };

/** Shadow counts kept per second, as the store keeps them, which the test can prune. */
class CountedSeconds implements ShadowEvidence {
  rows: Array<ShadowTotals & { atMs: number }> = [];
  /** When set, the next read waits for it (a decider held in the middle of judging a step). */
  hold: Promise<void> | undefined;

  async totals(_context: string, sinceMs?: number): Promise<ShadowTotals> {
    const held = this.hold;
    this.hold = undefined;
    await held;
    return this.rows
      .filter((row) => sinceMs === undefined || row.atMs >= sinceMs)
      .reduce((sum, row) => ({ compared: sum.compared + row.compared, mismatches: sum.mismatches + row.mismatches }), {
        compared: 0,
        mismatches: 0,
      });
  }
}

/**
 * A promotion on PostgreSQL, driven by hand (no decider): what a shadow step counts, and how commands
 * and the decider's advance interleave.
 */
describe('Promotion on PostgreSQL', () => {
  let database: TestDatabase;
  let connector: DatabaseConnector;
  let dataSource: DataSource;
  let routes: RouteTable;
  let plans: PlanStore;
  let handoffs: HandoffStore;
  let shadow: CountedSeconds;
  let promotion: Promotion;

  beforeAll(async () => {
    database = await createTestDatabase('promotion');
    connector = new DatabaseConnector({ kind: 'postgres', url: database.url });
    dataSource = await connector.open({ schema: 'strangler', entities: [], migrations: STRANGLER_MIGRATIONS });
    const channel = new ControlChannel(dataSource, (name, handler) => connector.listen(name, handler));
    await channel.start();
    routes = new RouteTable(dataSource, channel, HOUR_MS);
    await routes.start({ probe: 'monolith' });
    const contexts = new StrangleableContexts();
    contexts.register(probe);
    const hosted = new HostedContexts();
    hosted.register(standIn<HostedContext>({ name: 'probe' }));
    handoffs = new HandoffStore(dataSource, channel);
    const control = new MigrationControl(
      contexts,
      routes,
      standIn<RemoteServices>({ for: () => ({ isLive: async () => true }) }),
      handoffs,
      standIn<InstanceRegistry>({ alive: async () => [] }),
      hosted,
      new AdvisoryLocks(dataSource, 'postgres'),
    );
    const gates = new GateStore(dataSource, channel);
    await gates.set('probe', { windowS: 30, minRequests: 20, maxErrorRate: 0.05, maxP99Ms: 300, dryRun: false }, 'test');
    plans = new PlanStore(dataSource, channel);
    shadow = new CountedSeconds();
    promotion = new Promotion(plans, gates, routes, control, shadow, new AdvisoryLocks(dataSource, 'postgres'));
  }, 30_000);

  beforeEach(async () => {
    await dataSource.query('TRUNCATE strangler.plans, strangler.handoffs, strangler.audit');
    await routes.update('probe', { mode: 'monolith', percent: 0 }, { action: 'route', by: 'test' });
    shadow.rows = [];
  });

  afterAll(async () => {
    routes?.stop();
    await connector?.close().catch(() => undefined);
    await database?.drop();
  }, 30_000);

  const storedMode = async (): Promise<string> =>
    ((await dataSource.query("SELECT mode FROM strangler.routes WHERE context = 'probe'")) as Array<{ mode: string }>)[0]!.mode;

  const SHADOW_THEN_CANARY: Plan = {
    steps: [
      { mode: 'shadow', holdS: 0, minComparedReads: 2000, maxMismatchRate: 0.001 },
      { mode: 'canary', percent: 5, holdS: 60 },
    ],
  };

  it('a shadow step counts only what was compared since it began, though older counts are pruned meanwhile', async () => {
    // Before the plan: a faulty service, half its reads mismatched.
    shadow.rows.push({ atMs: Date.now() - 10_000, compared: 1000, mismatches: 500 });
    await promotion.start('probe', SHADOW_THEN_CANARY, 'test');
    // During the step: 3,200 compared, 100 of them mismatched (3 %, far above 0.1 %); the rows from before are pruned.
    shadow.rows.push({ atMs: Date.now() + 2000, compared: 3200, mismatches: 100 });
    shadow.rows.shift();

    await promotion.advance('probe');

    const view = await promotion.view('probe');
    expect(view).toMatchObject({ status: 'running', stepIndex: 0 });
    expect(view.progress).toMatchObject({ comparedReads: 3200, mismatchRate: 100 / 3200 });
    expect(routes.get('probe')).toMatchObject({ mode: 'shadow' });
  });

  it('an abort sent while the decider is advancing the plan wins: the plan is aborted and the context on the monolith', async () => {
    await promotion.start('probe', { steps: [{ mode: 'shadow', holdS: 0, minComparedReads: 1 }, SHADOW_THEN_CANARY.steps[1]!] }, 'test');
    shadow.rows.push({ atMs: Date.now() + 2000, compared: 10, mismatches: 0 });
    let release!: () => void;
    shadow.hold = new Promise((resolve) => (release = resolve));

    // The decider has read the plan as running on step 0 and is judging the step when the operator aborts.
    const advancing = promotion.advance('probe');
    const aborting = promotion.abort('probe', 'operator');
    await Promise.race([aborting, sleep(300)]);
    release();
    await Promise.all([advancing, aborting]);

    expect(await plans.get('probe')).toMatchObject({ status: 'aborted' });
    expect(await storedMode()).toBe('monolith');
  });

  it('an abort the route refuses (a handoff under way) leaves the plan as it was', async () => {
    await promotion.start('probe', SHADOW_THEN_CANARY, 'test');
    await handoffs.begin('probe', 'out', 'test', undefined);

    const refusal = await promotion.abort('probe', 'operator').catch((error: ProblemException) => error);

    expect(refusal).toBeInstanceOf(ProblemException);
    expect((refusal as ProblemException).getStatus()).toBe(409);
    expect(await plans.get('probe')).toMatchObject({ status: 'running', stepIndex: 0 });
    expect(await storedMode()).toBe('shadow');
  });
});
