import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { InProcessTransport } from './in-process-transport.js';
import { MESSAGE_TRANSPORT, type MessageTransport } from './message-transport.js';

/** The process-wide transport every context's relay publishes to and every consumer subscribes on. */
@Global()
@Module({
  providers: [{ provide: MESSAGE_TRANSPORT, useFactory: () => new InProcessTransport() }],
  exports: [MESSAGE_TRANSPORT],
})
export class MessagingModule implements OnApplicationShutdown {
  constructor(@Inject(MESSAGE_TRANSPORT) private readonly transport: MessageTransport) {}

  async onApplicationShutdown(): Promise<void> {
    await this.transport.close();
  }
}
