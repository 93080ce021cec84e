// Imported under another name, with an explicit handler name.
import { BetaDoneV2 as Done } from '@fx/contracts';
import { OnIntegrationEvent } from '@fx/kernel';

export class BetaDoneConsumer {
  @OnIntegrationEvent(Done, 'alpha.on-beta-done')
  async onDone(): Promise<void> {}
}
