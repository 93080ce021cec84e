// Broker housekeeping for the benchmark: remove everything a run declared under its namespaces.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import amqp from 'amqplib';
import { TEST_AMQP_URL } from '@shop/testing';

const run = promisify(execFile);

/** Deletes queues a run declared (deleting a missing queue is not an error). */
export async function deleteQueues(url: string, queues: string[]): Promise<void> {
  const connection = await amqp.connect(url);
  try {
    const channel = await connection.createChannel();
    for (const queue of queues) await channel.deleteQueue(queue);
    await channel.close();
  } finally {
    await connection.close();
  }
}

/**
 * Deletes every queue and exchange whose name starts with `<namespace>.`, e.g. a requester's reply
 * queue whose instance id the run never learnt (it would otherwise expire by itself after 5 idle
 * minutes). Needs `rabbitmqctl` (as `npm run chaos:broker` does); without it, does nothing.
 */
export async function sweepNamespace(namespace: string): Promise<void> {
  const list = async (what: 'list_queues' | 'list_exchanges') =>
    (await run('rabbitmqctl', [what, 'name', '--quiet', '--no-table-headers'])).stdout
      .split('\n')
      .map((line) => line.trim())
      .filter((name) => name.startsWith(`${namespace}.`));
  let queues: string[];
  let exchanges: string[];
  try {
    [queues, exchanges] = await Promise.all([list('list_queues'), list('list_exchanges')]);
  } catch {
    return;
  }
  if (queues.length === 0 && exchanges.length === 0) return;
  const connection = await amqp.connect(TEST_AMQP_URL);
  try {
    const channel = await connection.createChannel();
    for (const queue of queues) await channel.deleteQueue(queue);
    for (const exchange of exchanges) await channel.deleteExchange(exchange);
    await channel.close();
  } finally {
    await connection.close();
  }
}
