import { Order } from '../domain/order.js';
import { OrderEntity } from './order.entity.js';

export const OrderMapper = {
  toDomain: (entity: OrderEntity): Order => Order.restore({ ...entity }),
  toPersistence: (order: Order): OrderEntity => Object.assign(new OrderEntity(), order.snapshot()),
};
