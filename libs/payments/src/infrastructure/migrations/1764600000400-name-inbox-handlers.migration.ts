import { inboxHandlerRenames } from '@shop/platform';

/** Inbox keys were `<class>.<method>`; they are the handlers' explicit names now. */
export const NameInboxHandlers1764600000400 = inboxHandlerRenames('payments', 'NameInboxHandlers1764600000400', {
  'PaymentsConsumer.onPaymentRequested': 'payments.take-payment-as-requested',
  'PaymentsConsumer.onOrderCancelled': 'payments.refund-on-order-cancelled',
});
