import { AlphaHappenedV1 } from '@fx/contracts';

const LocalThing = { type: 'not.AMessage', version: 1 };

export class DoAlpha {
  constructor(private readonly outbox: { publish(type: unknown, payload: unknown): Promise<void> }, private readonly channel: { publish(exchange: string, body: unknown): void }) {}

  async run(id: string): Promise<void> {
    await this.outbox.publish(AlphaHappenedV1, { id });
    // Neither is a contracts message type: a broker channel's publish and a look-alike of the context's own.
    this.channel.publish('events', { id });
    await this.outbox.publish(LocalThing, { id });
  }
}
