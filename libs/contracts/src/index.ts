export * from './messaging/message-type.js';
export * from './messaging/envelope.js';
export * from './identity/identity.events.js';
export * from './identity/roles.js';
export * from './catalog/catalog.events.js';
export * from './ordering/ordering.events.js';
export * from './payments/payments.events.js';
export * from './payments/payments.commands.js';
