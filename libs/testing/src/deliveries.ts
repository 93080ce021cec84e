import type { MessageEnvelope } from '@shop/contracts';
import type { Delivery, MessageTransport } from '@shop/platform';
import { eventually } from './eventually.js';

/**
 * Records how deliveries end on a transport, so a test waits for the delivery it caused (handled,
 * recognised as a duplicate, failed, dead-lettered) instead of sleeping and hoping.
 */
export class DeliveryRecorder {
  private readonly seen: Delivery[] = [];
  private readonly awaited = new Map<string, number>();
  private readonly stop: () => void;

  constructor(private readonly transport: MessageTransport) {
    this.stop = transport.observe((delivery) => this.seen.push(delivery));
  }

  /**
   * Hands an envelope to the transport as the producing context's relay would, and waits until
   * `context` is done with this copy (handled, recognised as a duplicate, or failed); copies handed
   * over concurrently each wait for one delivery of their own. Answers what `publish` said (in-process,
   * the handler's error; over RabbitMQ, only whether the broker took it) and how the deliveries ended.
   */
  async handOver(envelope: MessageEnvelope, context: string): Promise<{ published: Error | null; deliveries: Delivery[] }> {
    const key = `${context}:${envelope.messageId}`;
    const count = (this.awaited.get(key) ?? 0) + 1;
    this.awaited.set(key, count);
    const [published = null] = await this.transport.publish([envelope]);
    return { published, deliveries: await this.settled(envelope.messageId, context, { count }) };
  }

  /** The deliveries of one message to `context` that have ended so far. */
  of(messageId: string, context: string): Delivery[] {
    return this.seen.filter((delivery) => delivery.messageId === messageId && delivery.context === context);
  }

  /** Waits until `count` deliveries of the message to `context` have ended, and answers them. */
  async settled(messageId: string, context: string, { count = 1, timeoutMs = 5000 } = {}): Promise<Delivery[]> {
    return eventually(
      () => {
        const ended = this.of(messageId, context);
        return ended.length >= count ? ended : undefined;
      },
      timeoutMs,
      `${count} ended deliveries of ${messageId} to ${context}`,
    );
  }

  close(): void {
    this.stop();
  }
}
