import { AlphaHappenedV1, BetaDoneV2 } from '@fx/contracts';
import { OnIntegrationEvent } from '@fx/kernel';

export class BetaConsumer {
  @OnIntegrationEvent(AlphaHappenedV1)
  async onAlpha(event: { id: string }, tx: { publish(type: unknown, payload: unknown): Promise<void> }): Promise<void> {
    await tx.publish(BetaDoneV2, { id: event.id });
  }
}
