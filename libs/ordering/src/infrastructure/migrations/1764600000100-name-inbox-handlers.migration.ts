import { inboxHandlerRenames } from '@shop/platform';

/** Inbox keys were `<class>.<method>`; they are the handlers' explicit names now. */
export const NameInboxHandlers1764600000100 = inboxHandlerRenames('ordering', 'NameInboxHandlers1764600000100', {
  'OrderSaga.onStockReserved': 'ordering.saga-on-stock-reserved',
  'OrderSaga.onStockReservationFailed': 'ordering.saga-on-stock-reservation-failed',
  'OrderSaga.onPaymentCaptured': 'ordering.saga-on-payment-captured',
  'OrderSaga.onPaymentDeclined': 'ordering.saga-on-payment-declined',
  'ProductPricesProjector.onProductCreated': 'ordering.record-price-of-created-product',
  'ProductPricesProjector.onPriceChanged': 'ordering.record-changed-price',
});
