import type { DataSource } from 'typeorm';
import { DatabaseConnector, type NotificationHandler } from '@shop/platform';
import { createTestDatabase, eventually, TcpProxy, type TestDatabase } from '@shop/testing';
import { STRANGLER_MIGRATIONS } from '../control/migrations.js';
import { ControlChannel } from '../control/control-channel.js';
import { RouteTable } from './route-table.js';

/** A change announced on the control channel is in force on every instance well within this. */
const PROPAGATES_WITHIN_MS = 1000;
/** The tables here re-read this rarely, so what a test sees was told by the channel, not re-read on a timer. */
const HOUR_MS = 3_600_000;

interface ChangeRow {
  context: string;
  from_mode: string | null;
  from_percent: number | null;
  to_mode: string;
  to_percent: number;
  changed_by: string;
}

/**
 * `dataSource`, of which the next read of the routes, once held, is run at once but handed over
 * only when released: a read that started before a commit and answers after it.
 */
function routeReadsOf(dataSource: DataSource) {
  let hold: ((answer: Promise<unknown>) => Promise<unknown>) | undefined;
  const query = (sql: string, parameters?: unknown[]): Promise<unknown> => {
    const answer = dataSource.query(sql, parameters);
    if (!hold || sql !== 'SELECT * FROM strangler.routes') return answer;
    const held = hold(answer);
    hold = undefined;
    return held;
  };
  return {
    dataSource: Object.create(dataSource, { query: { value: query } }) as DataSource,
    holdNext() {
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let answered!: (answer: Promise<unknown>) => void;
      const answer = new Promise<unknown>((resolve) => (answered = resolve));
      hold = (read) => {
        answered(read);
        return released.then(() => read);
      };
      /** `answered` settles once the database has answered; the reader has it only after `release`. */
      return { answered: answer, release };
    },
  };
}

describe('RouteTable on PostgreSQL', () => {
  let database: TestDatabase;
  const connectors: DatabaseConnector[] = [];
  /** Two DataSources stand for two instances of the app sharing one database; the second reaches it through a proxy. */
  let here: DataSource;
  let elsewhere: DataSource;
  let proxy: TcpProxy;
  let started: RouteTable[] = [];
  const connectorOf = new Map<DataSource, DatabaseConnector>();

  const open = async (url: string): Promise<DataSource> => {
    const connector = new DatabaseConnector({ kind: 'postgres', url });
    connectors.push(connector);
    const dataSource = await connector.open({
      schema: 'strangler',
      entities: [],
      migrations: STRANGLER_MIGRATIONS,
    });
    connectorOf.set(dataSource, connector);
    return dataSource;
  };
  const channels: ControlChannel[] = [];

  /** A table as StranglerModule makes it: told by the control channel on its connector's listener. */
  const startTable = async (dataSource: DataSource, bootModes: Parameters<RouteTable['start']>[0]): Promise<RouteTable> => {
    const connector = connectorOf.get(dataSource)!;
    const channel = new ControlChannel(dataSource, (name, handler) => connector.listen(name, handler));
    await channel.start();
    channels.push(channel);
    const table = new RouteTable(dataSource, channel, HOUR_MS);
    started.push(table);
    await table.start(bootModes);
    return table;
  };

  const changes = (): Promise<ChangeRow[]> =>
    here.query('SELECT context, from_mode, from_percent, to_mode, to_percent, changed_by FROM strangler.audit ORDER BY id');

  beforeAll(async () => {
    database = await createTestDatabase('route_table');
    const { hostname, port } = new URL(database.url);
    proxy = await TcpProxy.start({ host: hostname, port: Number(port) });
    here = await open(database.url);
    elsewhere = await open(proxy.rewrite(database.url));
  });

  beforeEach(() => here.query('TRUNCATE strangler.routes, strangler.audit'));

  afterEach(async () => {
    proxy.restore();
    for (const table of started) table.stop();
    started = [];
    await Promise.all(channels.splice(0).map((channel) => channel.close()));
  });

  afterAll(async () => {
    await Promise.all(connectors.map((connector) => connector.close()));
    await proxy?.stop();
    await database?.drop();
  });

  it('seeds the boot mode of each context that has no route, with the percent the mode implies', async () => {
    const table = await startTable(here, { ordering: 'service', catalog: 'shadow' });

    expect(table.get('ordering')).toEqual({
      context: 'ordering',
      mode: 'service',
      percent: 100,
      updatedAt: expect.any(String),
      updatedBy: 'boot',
      dataLocation: 'home',
    });
    expect(table.get('catalog')).toEqual({
      context: 'catalog',
      mode: 'shadow',
      percent: 0,
      updatedAt: expect.any(String),
      updatedBy: 'boot',
      dataLocation: 'home',
    });
    expect(table.get('payments')).toBeUndefined();
    const rows = await here.query('SELECT context, mode, percent, updated_by FROM strangler.routes ORDER BY context');
    expect(rows).toEqual([
      { context: 'catalog', mode: 'shadow', percent: 0, updated_by: 'boot' },
      { context: 'ordering', mode: 'service', percent: 100, updated_by: 'boot' },
    ]);
  });

  it('keeps a persisted route when started again with another boot mode', async () => {
    const first = await startTable(here, { ordering: 'monolith' });
    await first.change('ordering', 'canary', 30, 'alice');

    const second = await startTable(elsewhere, { ordering: 'service', catalog: 'service' });

    expect(second.get('ordering')).toMatchObject({ mode: 'canary', percent: 30, updatedBy: 'alice' });
    expect(second.get('catalog')).toMatchObject({ mode: 'service', percent: 100, updatedBy: 'boot' });
  });

  it('persists a change, answers the new route and records who changed it from what to what', async () => {
    const table = await startTable(here, { ordering: 'monolith' });

    const canary = await table.change('ordering', 'canary', 25, 'alice');
    const service = await table.change('ordering', 'service', 100, 'bob');

    expect(canary).toEqual({
      context: 'ordering',
      mode: 'canary',
      percent: 25,
      updatedAt: expect.any(String),
      updatedBy: 'alice',
      dataLocation: 'home',
    });
    expect(service).toEqual({
      context: 'ordering',
      mode: 'service',
      percent: 100,
      updatedAt: expect.any(String),
      updatedBy: 'bob',
      dataLocation: 'home',
    });
    expect(table.get('ordering')).toEqual(service);
    const [row] = await here.query("SELECT mode, percent, updated_at, updated_by FROM strangler.routes WHERE context = 'ordering'");
    expect({ ...row, updated_at: row.updated_at.toISOString() }).toEqual({
      mode: 'service',
      percent: 100,
      updated_at: service.updatedAt,
      updated_by: 'bob',
    });
    expect(await changes()).toEqual([
      { context: 'ordering', from_mode: 'monolith', from_percent: 0, to_mode: 'canary', to_percent: 25, changed_by: 'alice' },
      { context: 'ordering', from_mode: 'canary', from_percent: 25, to_mode: 'service', to_percent: 100, changed_by: 'bob' },
    ]);
  });

  it('records a first route for a context that had none as a change from nothing', async () => {
    const table = await startTable(here, {});

    await table.change('payments', 'shadow', 0, 'alice');

    expect(table.get('payments')).toMatchObject({ mode: 'shadow', percent: 0, updatedBy: 'alice' });
    expect(await changes()).toEqual([
      { context: 'payments', from_mode: null, from_percent: null, to_mode: 'shadow', to_percent: 0, changed_by: 'alice' },
    ]);
  });

  it('leaves route and audit untouched when the database refuses a change', async () => {
    const table = await startTable(here, { ordering: 'monolith' });
    const before = table.get('ordering');

    await expect(table.change('ordering', 'canary', 101, 'alice')).rejects.toThrow(/check constraint/);

    expect(table.get('ordering')).toEqual(before);
    expect(await changes()).toEqual([]);
  });

  const seenBy = (reader: RouteTable, mode: string, withinMs = PROPAGATES_WITHIN_MS) =>
    eventually(() => (reader.get('ordering')?.mode === mode ? reader.get('ordering') : undefined), withinMs, `${mode} seen elsewhere`);

  it('lets another instance see each change within a second, as it is announced', async () => {
    const writer = await startTable(here, { ordering: 'monolith' });
    const reader = await startTable(elsewhere, { ordering: 'monolith' });
    expect(reader.get('ordering')).toMatchObject({ mode: 'monolith' });

    // Twice, since the other instance must keep following, not only once after it starts.
    await writer.change('ordering', 'shadow', 0, 'alice');
    expect(await seenBy(reader, 'shadow')).toMatchObject({ mode: 'shadow', percent: 0, updatedBy: 'alice' });
    await writer.change('ordering', 'canary', 10, 'bob');
    expect(await seenBy(reader, 'canary')).toMatchObject({ mode: 'canary', percent: 10, updatedBy: 'bob' });
  });

  it('re-reads a change made while its listener was cut off from the database once it is back', async () => {
    const writer = await startTable(here, { ordering: 'monolith' });
    const reader = await startTable(elsewhere, { ordering: 'monolith' });

    proxy.cut(); // the announcement is made while nobody there can hear it
    await writer.change('ordering', 'service', 100, 'alice');
    proxy.restore();

    // The listener reconnects after 0.25 s, 1 s, then 5 s between attempts, and everyone re-reads.
    expect(await seenBy(reader, 'service', 10_000)).toMatchObject({ mode: 'service', updatedBy: 'alice' });
  });

  it('keeps a change when a refresh that read the table before it commits answers after it', async () => {
    // Announcements reach this table only when the test tells them, so no other refresh can come between.
    let tell!: NotificationHandler;
    const channel = new ControlChannel(here, async (_name, handler) => {
      tell = handler;
      return async () => {};
    });
    await channel.start();
    channels.push(channel);
    const reads = routeReadsOf(here);
    const table = new RouteTable(reads.dataSource, channel, HOUR_MS);
    started.push(table);
    await table.start({ ordering: 'monolith' });

    const staleRead = reads.holdNext();
    tell(JSON.stringify({ kind: 'route', context: 'ordering' }));
    await staleRead.answered; // the database has answered: still monolith
    await table.change('ordering', 'service', 100, 'alice');
    staleRead.release();
    await new Promise((resolve) => setImmediate(resolve)); // the stale read is handed over, and acted on

    expect(table.get('ordering')).toMatchObject({ mode: 'service', updatedBy: 'alice' });
  });

  it('lists the routes sorted by context', async () => {
    const table = await startTable(here, { payments: 'monolith', ordering: 'monolith', catalog: 'monolith' });
    // An updated row moves to the end of the heap, so the database's own order is not the sorted one.
    await table.change('catalog', 'shadow', 0, 'alice');

    expect(table.list().map((route) => route.context)).toEqual(['catalog', 'ordering', 'payments']);
  });
});
