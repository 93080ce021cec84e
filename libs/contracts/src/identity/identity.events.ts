import { messageType } from '../messaging/message-type.js';

export interface UserRegisteredV1 {
  userId: string;
  email: string;
  displayName: string;
}
export const UserRegisteredV1 = messageType<UserRegisteredV1>('identity.UserRegistered', 1);
