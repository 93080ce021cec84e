import { inboxHandlerRenames } from '@shop/platform';

/** Inbox keys were `<class>.<method>`; they are the handlers' explicit names now. */
export const NameInboxHandlers1764600000200 = inboxHandlerRenames('catalog', 'NameInboxHandlers1764600000200', {
  'OrderSagaConsumer.onOrderPlaced': 'catalog.reserve-stock-on-order-placed',
  'OrderSagaConsumer.onOrderRejected': 'catalog.release-stock-on-order-rejected',
  'OrderSagaConsumer.onOrderCancelled': 'catalog.release-stock-on-order-cancelled',
});
