import { createTestDatabase, eventually, TcpProxy, type TestDatabase } from '@shop/testing';
import { LeaderLock } from './leader-lock.js';

const HEARTBEAT_MS = 300;
const LOCK = 'strangler.leader-lock.spec';

/**
 * Two instances campaign for one lock on the real PostgreSQL; the first reaches it through a proxy,
 * so the test can make its connection go silent without closing it (a half-open connection).
 */
describe('LeaderLock on PostgreSQL', () => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  const locks: LeaderLock[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('leader_lock');
    const { hostname, port } = new URL(database.url);
    proxy = await TcpProxy.start({ host: hostname, port: Number(port) });
  });

  afterAll(async () => {
    proxy?.cut();
    for (const lock of locks) await lock.stop();
    await proxy?.stop();
    await database?.drop();
  });

  const campaign = (url: string): LeaderLock => {
    const lock = new LeaderLock({ kind: 'postgres', url }, LOCK, () => undefined, HEARTBEAT_MS);
    locks.push(lock);
    lock.start();
    return lock;
  };

  it('a leader whose connection goes silent steps down, and the server frees the lock for the next instance', async () => {
    const first = campaign(proxy.rewrite(database.url));
    await eventually(async () => first.isLeader || undefined, 5000, 'the first instance leads');
    const second = campaign(database.url);

    // Nothing is closed: no byte passes between the first instance and the server, nor does either end's closing.
    proxy.silence();

    await eventually(async () => !first.isLeader || undefined, 3 * HEARTBEAT_MS + 2000, 'the silent leader steps down');
    await eventually(async () => second.isLeader || undefined, 3 * HEARTBEAT_MS + 5000, 'the second instance leads');
    expect(first.isLeader).toBe(false);
  }, 20_000);
});
