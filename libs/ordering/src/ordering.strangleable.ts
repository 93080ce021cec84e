import type { StrangleableContext } from '@shop/strangler';
import { CancelOrder } from './application/commands/cancel-order/cancel-order.command.js';
import { PlaceOrder } from './application/commands/place-order/place-order.command.js';
import { GetOrder } from './application/queries/get-order/get-order.query.js';
import { ListOrdersAfter } from './application/queries/list-orders-after/list-orders-after.query.js';
import { ListOrders } from './application/queries/list-orders/list-orders.query.js';

/** What the strangler may route to order-service: every ordering command and query, by its name on the wire. */
export const orderingStrangleable: StrangleableContext = {
  context: 'ordering',
  service: 'order-service',
  commands: {
    'ordering.PlaceOrder.v1': PlaceOrder,
    'ordering.CancelOrder.v1': CancelOrder,
  },
  queries: {
    'ordering.GetOrder.v1': GetOrder,
    'ordering.ListOrders.v1': ListOrders,
    'ordering.ListOrdersAfter.v1': ListOrdersAfter,
  },
};
