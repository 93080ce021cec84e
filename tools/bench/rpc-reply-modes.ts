// Request-reply round trips through the real RabbitMQ: our per-instance reply queue vs direct
// reply-to, alternating rounds, at concurrency 1 and 32. Prints median figures of the rounds.
// Run: npm run build && node dist/tools/bench/rpc-reply-modes.js
import { randomBytes } from 'node:crypto';
import { AmqpConnection, AmqpNames, RpcClient, RpcServer, type ReplyMode } from '@shop/platform';
import { deleteQueues } from './support/broker.js';
import { measure, median, type LoadFigures } from './support/measure.js';

const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const CALLS_PER_ROUND = Number(process.env.CALLS ?? 2000);

async function main(): Promise<void> {
  const names = new AmqpNames(`bench-${randomBytes(3).toString('hex')}`);
  const connection = new AmqpConnection(AMQP_URL);
  await connection.start();
  await connection.waitUntilConnected(5000);
  await new RpcServer(connection, names, 64).serve('echo', async ({ payload }) => payload);
  try {
    const clients = Object.fromEntries(
      await Promise.all(
        (['queue', 'direct'] as ReplyMode[]).map(async (mode) => {
          const client = new RpcClient(connection, names, `bench-${mode}`, mode);
          await client.start();
          return [mode, client] as const;
        }),
      ),
    ) as Record<ReplyMode, RpcClient>;
    const payload = { orderId: '6f1c2c7e-8d1f-4a0e-9a57-6f2b0d1c9e11', items: [{ productId: 'p', quantity: 1 }] };
    const echo = (mode: ReplyMode) => () => clients[mode].call('echo', { route: 'echo', payload, headers: {} }, 3000);

    for (const mode of ['queue', 'direct'] as ReplyMode[]) await measure(echo(mode), 500, 8); // warm-up
    const results: Record<string, LoadFigures[]> = {};
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const mode of ['queue', 'direct'] as ReplyMode[]) {
        for (const concurrency of [1, 32]) {
          const key = `${mode} c${concurrency}`;
          (results[key] ??= []).push(await measure(echo(mode), concurrency === 1 ? CALLS_PER_ROUND / 4 : CALLS_PER_ROUND, concurrency));
        }
      }
    }
    console.log(`request-reply echo, ${ROUNDS} alternating rounds, median of rounds`);
    console.log('mode            calls/s    p50 ms   p99 ms');
    for (const [key, rounds] of Object.entries(results)) {
      const row = [
        median(rounds.map((r) => r.perSecond)).toFixed(0),
        median(rounds.map((r) => r.p50Ms)).toFixed(2),
        median(rounds.map((r) => r.p99Ms)).toFixed(2),
      ];
      console.log(`${key.padEnd(14)} ${row[0]!.padStart(8)} ${row[1]!.padStart(9)} ${row[2]!.padStart(8)}`);
    }
  } finally {
    await connection.close();
    await deleteQueues(AMQP_URL, [names.requestQueue('echo'), names.replyQueue('bench-queue')]);
  }
}

await main();
