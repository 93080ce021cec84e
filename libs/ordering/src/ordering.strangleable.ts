import type { StrangleableContext } from '@shop/platform';
import { CancelOrder } from './application/commands/cancel-order/cancel-order.command.js';
import { PlaceOrder } from './application/commands/place-order/place-order.command.js';
import { GetOrder } from './application/queries/get-order/get-order.query.js';
import { ListOrders } from './application/queries/list-orders/list-orders.query.js';
import { toOrderingProblem } from './api/ordering-problems.js';

/** What the strangler may route to order-service: every ordering command and query. */
export const orderingStrangleable: StrangleableContext = {
  context: 'ordering',
  service: 'order-service',
  commands: [PlaceOrder, CancelOrder],
  queries: [GetOrder, ListOrders],
  toProblem: toOrderingProblem,
};
