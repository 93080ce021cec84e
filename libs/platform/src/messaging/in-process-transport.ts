import type { MessageEnvelope } from '@shop/contracts';
import { routingKeyOf } from '@shop/contracts';
import {
  DeliveryObservers,
  TransportUnavailableError,
  type DeliveryListener,
  type MessageTransport,
  type Subscription,
} from './message-transport.js';

/**
 * Delivery without a broker: `publish` hands each envelope to every subscribed context and resolves
 * only after their handlers committed, so the relay marks a row published only once it is handled.
 * A failing handler fails the envelope; the relay retries it with back-off. An envelope for a paused
 * context is refused as "transport unavailable" (kept in the outbox, not counted as an attempt).
 */
export class InProcessTransport implements MessageTransport {
  private readonly subscriptions: Subscription[] = [];
  private readonly observers = new DeliveryObservers();
  private readonly paused = new Set<string>();
  private readonly inFlight = new Map<string, Set<Promise<void>>>();

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

  async pause(context: string): Promise<void> {
    this.paused.add(context);
    await Promise.allSettled([...(this.inFlight.get(context) ?? [])]);
  }

  async resume(context: string): Promise<void> {
    this.paused.delete(context);
  }

  async close(): Promise<void> {
    this.subscriptions.length = 0;
  }

  private async deliver(envelope: MessageEnvelope): Promise<Error | null> {
    const key = routingKeyOf(envelope);
    const subscribers = this.subscriptions.filter((subscription) => subscription.routingKeys.includes(key));
    const waiting = subscribers.filter((subscription) => this.paused.has(subscription.queue));
    if (waiting.length > 0) return new TransportUnavailableError(`${waiting.map((s) => s.queue).join(', ')} paused`);
    const results = await Promise.allSettled(
      subscribers.map((subscription) => this.track(subscription.queue, this.handle(subscription, envelope, key))),
    );
    const failures = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failures.length === 0) return null;
    return new Error(failures.map((failure) => String((failure.reason as Error)?.message ?? failure.reason)).join('; '));
  }

  private track(context: string, delivery: Promise<void>): Promise<void> {
    const deliveries = this.inFlight.get(context) ?? new Set();
    this.inFlight.set(context, deliveries);
    deliveries.add(delivery);
    return delivery.finally(() => deliveries.delete(delivery));
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
