import { randomUUID } from 'node:crypto';
import { Command, type CommandBus, type QueryBus } from '@nestjs/cqrs';
import type { DataSource } from 'typeorm';
import {
  AmqpConnection,
  AmqpNames,
  DatabaseConnector,
  entityManagerOf,
  generateRsaKeyPair,
  outboxMigrations,
  ProblemCatalog,
  RpcClient,
  RpcServer,
  TokenService,
  UnitOfWork,
  type AuthenticatedUser,
} from '@shop/platform';
import { createTestDatabase, deleteAmqpNamespace, TcpProxy, TEST_AMQP_URL, testAmqpNamespace, type TestDatabase } from '@shop/testing';
import type { RouteTable } from '../routing/route-table.js';
import type { StrangleableContext } from '../routing/strangleable-context.js';
import { StrangleableContexts } from '../routing/strangleable-context.js';
import type { RemoteReply } from './remote-service.js';
import { StranglerEndpoint } from './strangler-endpoint.js';

class RecordThing extends Command<{ recorded: string }> {
  constructor(
    readonly caller: AuthenticatedUser,
    readonly thing: string,
  ) {
    super();
  }
}

const probe: StrangleableContext = {
  context: 'probe',
  service: 'probe-service',
  commands: { 'probe.RecordThing.v1': RecordThing },
  queries: {},
};

class CreateThings1763700000002 {
  async up(queryRunner: { query(sql: string): Promise<unknown> }): Promise<void> {
    await queryRunner.query('CREATE TABLE probe.things (id serial PRIMARY KEY, thing text NOT NULL)');
  }
  async down(): Promise<void> {}
}

/** Stands in for the CommandBus: runs the command in a unit of work; the test's fault strikes before it or after its commit. */
class RecordingCommands {
  beforeWork: () => Promise<void> | void = () => undefined;
  afterCommit: () => Promise<void> | void = () => undefined;

  constructor(private readonly uow: UnitOfWork) {}

  async execute(command: RecordThing): Promise<{ recorded: string }> {
    await this.beforeWork();
    await this.uow.run(async (tx) => {
      await entityManagerOf(tx).query('INSERT INTO probe.things (thing) VALUES ($1)', [command.thing]);
    });
    await this.afterCommit();
    return { recorded: command.thing };
  }
}

/**
 * A broker delivers a request again when the instance that took it loses its connection before
 * acknowledging it, which it does only after replying. An instance that committed the work and then
 * lost the broker (killed, cut off) leaves a request that another instance is handed at once,
 * while the caller still waits.
 */
describe('StranglerEndpoint: a request the broker delivers again', () => {
  let database: TestDatabase;
  let connector: DatabaseConnector;
  let source: DataSource;
  let namespace: string;
  const proxies: TcpProxy[] = [];
  const connections: AmqpConnection[] = [];
  const tokens = new TokenService(generateRsaKeyPair());
  const bearer = `Bearer ${tokens.issue({ id: randomUUID(), roles: ['customer'] }).accessToken}`;

  beforeAll(async () => {
    database = await createTestDatabase('endpoint');
    connector = new DatabaseConnector({ kind: 'postgres', url: database.url });
    source = await connector.open({
      schema: 'probe',
      entities: [],
      migrations: [...outboxMigrations('probe'), CreateThings1763700000002],
    });
  });

  // Each test has a broker namespace of its own, so no instance of one test takes another test's request.
  beforeEach(() => {
    namespace = testAmqpNamespace('endpoint');
  });

  afterEach(async () => {
    await Promise.all(connections.splice(0).map((connection) => connection.close()));
    await Promise.all(proxies.splice(0).map((proxy) => proxy.stop()));
    await deleteAmqpNamespace(namespace, { services: ['probe'] });
  });

  afterAll(async () => {
    await connector.close();
    await database.drop();
  });

  /** The route table as the endpoint reads it: no context here is frozen for a handoff. */
  const notFrozen = { get: () => undefined } as unknown as RouteTable;

  /** An instance of the service: its own broker connection (through a proxy the test can cut) and its own command bus. */
  async function instance(): Promise<{ proxy: TcpProxy; commands: RecordingCommands }> {
    const broker = new URL(TEST_AMQP_URL);
    const proxy = await TcpProxy.start({ host: broker.hostname, port: Number(broker.port || 5672) });
    proxies.push(proxy);
    const connection = new AmqpConnection(proxy.rewrite(TEST_AMQP_URL));
    connections.push(connection);
    await connection.start();
    await connection.waitUntilConnected(5000);
    const commands = new RecordingCommands(new UnitOfWork('probe', { dataSource: source }, () => undefined));
    const contexts = new StrangleableContexts();
    contexts.register(probe);
    const endpoint = new StranglerEndpoint(
      contexts,
      new RpcServer(connection, new AmqpNames(namespace), 1),
      tokens,
      commands as unknown as CommandBus,
      {} as QueryBus,
      new ProblemCatalog(),
      notFrozen,
    );
    await endpoint.start();
    return { proxy, commands };
  }

  async function caller(): Promise<RpcClient> {
    const connection = new AmqpConnection(TEST_AMQP_URL);
    connections.push(connection);
    await connection.start();
    await connection.waitUntilConnected(5000);
    const client = new RpcClient(connection, new AmqpNames(namespace), `endpoint-spec-${randomUUID().slice(0, 8)}`);
    await client.start();
    return client;
  }

  const record = (client: RpcClient, thing: string) =>
    client.call<RemoteReply>(
      'probe',
      { route: 'probe.RecordThing.v1', payload: { thing }, headers: { authorization: bearer, 'x-request-id': `req-${thing}` } },
      3000,
    );

  const recorded = async (thing: string) => (await source.query('SELECT thing FROM probe.things WHERE thing = $1', [thing])).length;

  it('is not applied again: the caller is told it was applied once, and the work exists once', async () => {
    const instances = [await instance(), await instance()];
    let tookIt: RecordingCommands | undefined;
    for (const { proxy, commands } of instances) {
      // Whichever instance takes the request commits, then loses the broker before it can reply.
      commands.afterCommit = () => {
        if (tookIt) return;
        tookIt = commands;
        proxy.cut();
      };
    }
    const thing = randomUUID();
    const reply = await record(await caller(), thing);

    expect(await recorded(thing)).toBe(1);
    expect(reply).toMatchObject({ ok: false, problem: { status: 503, type: expect.stringMatching(/\/already-applied$/) } });
    if (!reply.ok) expect(reply.problem.detail).toContain('was applied once already');
  }, 20_000);

  it('is applied, once, when the instance that took it lost the broker before doing anything', async () => {
    const instances = [await instance(), await instance()];
    let tookIt = false;
    for (const { proxy, commands } of instances) {
      commands.beforeWork = () => {
        if (tookIt) return;
        tookIt = true;
        proxy.cut();
        throw new Error('the instance lost the broker and stopped here');
      };
    }
    const thing = randomUUID();
    const reply = await record(await caller(), thing);

    expect(tookIt).toBe(true);
    expect(reply).toEqual({ ok: true, value: { recorded: thing } });
    expect(await recorded(thing)).toBe(1);
  }, 20_000);
});
