// Three request-reply channels over the same RabbitMQ, answering the same echo: ours (RpcClient /
// RpcServer of @shop/platform, as the strangler uses them), NestJS's stock RMQ transport
// (ClientRMQ + an RMQ microservice with @MessagePattern), and bare amqplib with direct reply-to.
// Each has its own queue and, like a requester and a responder in two processes, two connections.
import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ClientProxyFactory, MessagePattern, Payload, Transport, type ClientProxy, type RmqOptions } from '@nestjs/microservices';
import amqp, { type Channel, type ChannelModel } from 'amqplib';
import { firstValueFrom } from 'rxjs';
import { AmqpConnection, AmqpNames, RpcClient, RpcServer } from '@shop/platform';
import { deleteQueues } from './broker.js';

export interface EchoChannel {
  readonly name: string;
  call(): Promise<unknown>;
  close(): Promise<void>;
}

/** The echoed payload: about the size of a small command of the strangler. */
export const ECHO_PAYLOAD = {
  orderId: '6f1c2c7e-8d1f-4a0e-9a57-6f2b0d1c9e11',
  items: [{ productId: '0b7c1c55-2d0f-4d8e-8f7e-3c1a9f1e2d44', quantity: 1 }],
};
const TIMEOUT_MS = 3000;
/** Unacknowledged requests per responder, ours (RpcServer's default, as the strangler endpoint uses it) and bare. */
const PREFETCH = 32;
const DIRECT_REPLY_TO = 'amq.rabbitmq.reply-to';

/** Ours: the per-instance reply queue (the product's mode), a timeout and expiration on every call, manual acks. */
export async function ourEcho(url: string, namespace: string): Promise<EchoChannel> {
  const names = new AmqpNames(namespace);
  const server = new AmqpConnection(url);
  const client = new AmqpConnection(url);
  for (const connection of [server, client]) {
    await connection.start();
    await connection.waitUntilConnected(5000);
  }
  await new RpcServer(server, names, PREFETCH).serve('echo', async ({ payload }) => payload);
  const rpc = new RpcClient(client, names, 'bench');
  await rpc.start();
  return {
    name: 'ours (RpcClient/RpcServer)',
    call: () => rpc.call('echo', { route: 'echo', payload: ECHO_PAYLOAD, headers: {} }, TIMEOUT_MS),
    close: async () => {
      await rpc.close();
      await Promise.all([client.close(), server.close()]);
      await deleteQueues(url, [names.requestQueue('echo'), names.replyQueue('bench')]);
    },
  };
}

@Controller()
class NestEchoController {
  @MessagePattern('echo')
  echo(@Payload() payload: unknown): unknown {
    return payload;
  }
}

@Module({ controllers: [NestEchoController] })
class NestEchoModule {}

/**
 * NestJS stock: `Transport.RMQ` with its defaults (direct reply-to, a confirm channel through
 * amqp-connection-manager, server noAck and no prefetch limit), plus `noDelay` on both sockets
 * (`socketOptions.connectionOptions`, passed to amqplib's connect) so Nagle does not decide the result.
 */
export async function nestEcho(url: string, namespace: string): Promise<EchoChannel> {
  const queue = `${namespace}.nest.echo`;
  const options: RmqOptions['options'] = { urls: [url], queue, socketOptions: { connectionOptions: { noDelay: true } } };
  const server: INestMicroservice = await NestFactory.createMicroservice<RmqOptions>(NestEchoModule, {
    transport: Transport.RMQ,
    options,
    logger: false,
  });
  await server.listen();
  const client: ClientProxy = ClientProxyFactory.create({ transport: Transport.RMQ, options });
  await client.connect();
  return {
    name: 'NestJS stock (ClientRMQ + RMQ transport)',
    call: () => firstValueFrom(client.send('echo', ECHO_PAYLOAD)),
    close: async () => {
      await client.close();
      await server.close();
      await deleteQueues(url, [queue]);
    },
  };
}

/** Bare amqplib: direct reply-to, correlation ids, JSON, manual acks and the same prefetch as ours; no timeout, no envelope. */
export async function bareEcho(url: string, namespace: string): Promise<EchoChannel> {
  const queue = `${namespace}.bare.echo`;
  const responder = await amqp.connect(url, { noDelay: true });
  const requester = await amqp.connect(url, { noDelay: true });
  const serving = await responder.createChannel();
  await serving.assertQueue(queue, { durable: true });
  await serving.prefetch(PREFETCH);
  await serving.consume(queue, (message) => {
    if (!message) return;
    const body = JSON.parse(message.content.toString('utf8')) as unknown;
    serving.sendToQueue(message.properties.replyTo, Buffer.from(JSON.stringify(body)), {
      correlationId: message.properties.correlationId,
      contentType: 'application/json',
    });
    serving.ack(message);
  });
  const pending = new Map<string, (value: unknown) => void>();
  const calling: Channel = await requester.createChannel();
  await calling.consume(
    DIRECT_REPLY_TO,
    (message) => {
      if (!message) return;
      const resolve = pending.get(message.properties.correlationId);
      pending.delete(message.properties.correlationId);
      resolve?.(JSON.parse(message.content.toString('utf8')));
    },
    { noAck: true },
  );
  let next = 0;
  return {
    name: 'bare amqplib (direct reply-to)',
    call: () =>
      new Promise((resolve) => {
        const correlationId = String((next += 1));
        pending.set(correlationId, resolve);
        calling.sendToQueue(queue, Buffer.from(JSON.stringify(ECHO_PAYLOAD)), {
          correlationId,
          replyTo: DIRECT_REPLY_TO,
          contentType: 'application/json',
        });
      }),
    close: async () => {
      await Promise.all([requester, responder].map((connection: ChannelModel) => connection.close()));
      await deleteQueues(url, [queue]);
    },
  };
}
