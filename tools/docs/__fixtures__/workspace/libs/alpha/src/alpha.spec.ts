// A spec publishing a message is not a publication of the context.
import { NeverSentV1 } from '@fx/contracts';

export const sent = (tx: { publish(type: unknown, payload: unknown): void }) => tx.publish(NeverSentV1, {});
