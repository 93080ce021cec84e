import type { MessageEnvelope } from '@shop/contracts';
import { routingKeyOf } from '@shop/contracts';
import type { MessageTransport, Subscription } from './message-transport.js';

/**
 * Delivery without a broker: `publish` hands each envelope to every subscribed context and resolves
 * only after their handlers committed, so the relay marks a row published only once it is handled.
 * A failing handler fails the envelope; the relay retries it with back-off.
 */
export class InProcessTransport implements MessageTransport {
  private readonly subscriptions: Subscription[] = [];

  async publish(envelopes: MessageEnvelope[]): Promise<Array<Error | null>> {
    const outcomes: Array<Error | null> = [];
    for (const envelope of envelopes) outcomes.push(await this.deliver(envelope));
    return outcomes;
  }

  async subscribe(subscription: Subscription): Promise<void> {
    this.subscriptions.push(subscription);
  }

  async ready(): Promise<void> {}

  async close(): Promise<void> {
    this.subscriptions.length = 0;
  }

  private async deliver(envelope: MessageEnvelope): Promise<Error | null> {
    const key = routingKeyOf(envelope);
    const subscribers = this.subscriptions.filter((subscription) => subscription.routingKeys.includes(key));
    const results = await Promise.allSettled(subscribers.map((subscription) => subscription.handle(envelope)));
    const failures = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failures.length === 0) return null;
    return new Error(failures.map((failure) => String((failure.reason as Error)?.message ?? failure.reason)).join('; '));
  }
}
