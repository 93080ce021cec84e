import { randomBytes } from 'node:crypto';
import amqp from 'amqplib';
import { AmqpNames } from '@shop/platform';

/** The real RabbitMQ server the suites run against; each app under test gets its own namespace on it. */
export const TEST_AMQP_URL = process.env.TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

/** Set SHOP_TEST_TRANSPORT=amqp to run the shop suites with events over RabbitMQ. */
export const testTransport = (): 'amqp' | 'in-process' => (process.env.SHOP_TEST_TRANSPORT === 'amqp' ? 'amqp' : 'in-process');

export function testAmqpNamespace(label = 'test'): string {
  return `t-${label.replace(/[^a-z0-9]/gi, '-')}-${process.pid}-${randomBytes(3).toString('hex')}`.toLowerCase().slice(0, 41);
}

/** Deletes what the platform declared under a namespace for these contexts and services. */
export async function deleteAmqpNamespace(namespace: string, { contexts = [] as string[], services = [] as string[] } = {}): Promise<void> {
  const names = new AmqpNames(namespace);
  const connection = await amqp.connect(TEST_AMQP_URL);
  try {
    const channel = await connection.createChannel();
    for (const context of contexts) {
      await channel.deleteQueue(names.consumerQueue(context));
      await channel.deleteQueue(names.retryQueue(context));
      await channel.deleteQueue(names.deadLetterQueue(context));
      await channel.deleteExchange(names.deadLetterExchange(context));
    }
    for (const service of services) await channel.deleteQueue(names.requestQueue(service));
    await channel.deleteExchange(names.eventsExchange);
    await channel.close();
  } finally {
    await connection.close();
  }
}
