// Message types as the real contracts declare them; the map reads the literals, not the payload types.
import { messageType } from './message-type.js';

export const AlphaHappenedV1 = messageType<{ id: string }>('alpha.AlphaHappened', 1);
export const BetaDoneV2 = messageType<{ id: string }>('beta.BetaDone', 2);
export const NeverSentV1 = messageType<{ id: string }>('beta.NeverSent', 1);
