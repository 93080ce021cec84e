import { randomUUID } from 'node:crypto';
import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigModule } from '../config/config.module.js';
import { platformConfig, type PlatformConfig } from '../config/platform.config.js';
import { AmqpConnection } from './amqp/amqp-connection.js';
import { AmqpNames } from './amqp/amqp-names.js';
import { AmqpTransport } from './amqp/amqp-transport.js';
import { HostedContexts } from './hosted-contexts.js';
import { HandlerNames } from './inbox-consumer.js';
import { InProcessTransport } from './in-process-transport.js';
import { MESSAGE_TRANSPORT, type MessageTransport } from './message-transport.js';

/** Identifies this process among instances of the same app (its reply queue, logs). */
export const INSTANCE_ID = Symbol('INSTANCE_ID');
/** The broker connection, when AMQP_URL is set (undefined otherwise). */
export const AMQP_CONNECTION = Symbol('AMQP_CONNECTION');
const INITIAL_CONNECT_WAIT_MS = 5000;

/**
 * The process-wide transport: RabbitMQ when AMQP_URL is set, in-process otherwise. Contexts never
 * see which; only this module and the relays do.
 */
@Global()
@Module({
  imports: [ConfigModule.forFeature(platformConfig)],
  providers: [
    HandlerNames,
    HostedContexts,
    { provide: INSTANCE_ID, useFactory: () => randomUUID().slice(0, 8) },
    {
      provide: AMQP_CONNECTION,
      inject: [platformConfig.token],
      useFactory: async (config: PlatformConfig) => {
        if (!config.amqpUrl) return undefined;
        const connection = new AmqpConnection(config.amqpUrl, {
          connectMs: config.amqpConnectTimeoutMs,
          confirmMs: config.amqpConfirmTimeoutMs,
        });
        await connection.start();
        // Start anyway if the broker is away: the outbox keeps events and readiness says "broker down".
        await connection.waitUntilConnected(INITIAL_CONNECT_WAIT_MS).catch(() => undefined);
        return connection;
      },
    },
    {
      provide: AmqpNames,
      inject: [platformConfig.token],
      useFactory: (config: PlatformConfig) => new AmqpNames(config.amqpNamespace),
    },
    {
      provide: MESSAGE_TRANSPORT,
      inject: [AMQP_CONNECTION, AmqpNames],
      useFactory: async (connection: AmqpConnection | undefined, names: AmqpNames): Promise<MessageTransport> => {
        if (!connection) return new InProcessTransport();
        const transport = new AmqpTransport(connection, names);
        await transport.start();
        return transport;
      },
    },
  ],
  exports: [MESSAGE_TRANSPORT, AMQP_CONNECTION, AmqpNames, INSTANCE_ID, HandlerNames, HostedContexts],
})
export class MessagingModule implements OnApplicationShutdown {
  constructor(@Inject(MESSAGE_TRANSPORT) private readonly transport: MessageTransport) {}

  async onApplicationShutdown(): Promise<void> {
    await this.transport.close();
  }
}
