import type { MessageEnvelope } from '@shop/contracts';
import { routingKeyOf } from '@shop/contracts';
import { DeliveryObservers, type DeliveryListener, type MessageTransport, type Subscription } from './message-transport.js';

/**
 * Delivery without a broker: `publish` hands each envelope to every subscribed context and resolves
 * only after their handlers committed, so the relay marks a row published only once it is handled.
 * A failing handler fails the envelope; the relay retries it with back-off.
 */
export class InProcessTransport implements MessageTransport {
  private readonly subscriptions: Subscription[] = [];
  private readonly observers = new DeliveryObservers();

  async publish(envelopes: MessageEnvelope[]): Promise<Array<Error | null>> {
    const outcomes: Array<Error | null> = [];
    for (const envelope of envelopes) outcomes.push(await this.deliver(envelope));
    return outcomes;
  }

  async subscribe(subscription: Subscription): Promise<void> {
    this.subscriptions.push(subscription);
  }

  async ready(): Promise<void> {}

  observe(listener: DeliveryListener): () => void {
    return this.observers.add(listener);
  }

  async close(): Promise<void> {
    this.subscriptions.length = 0;
  }

  private async deliver(envelope: MessageEnvelope): Promise<Error | null> {
    const key = routingKeyOf(envelope);
    const subscribers = this.subscriptions.filter((subscription) => subscription.routingKeys.includes(key));
    const results = await Promise.allSettled(subscribers.map((subscription) => this.handle(subscription, envelope, key)));
    const failures = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failures.length === 0) return null;
    return new Error(failures.map((failure) => String((failure.reason as Error)?.message ?? failure.reason)).join('; '));
  }

  private async handle(subscription: Subscription, envelope: MessageEnvelope, type: string): Promise<void> {
    const started = performance.now();
    const settle = (outcome: 'handled' | 'duplicate' | 'failed') =>
      this.observers.notify({
        context: subscription.queue,
        messageId: envelope.messageId,
        type,
        outcome,
        durationMs: performance.now() - started,
      });
    try {
      settle(await subscription.handle(envelope));
    } catch (error) {
      settle('failed');
      throw error;
    }
  }
}
