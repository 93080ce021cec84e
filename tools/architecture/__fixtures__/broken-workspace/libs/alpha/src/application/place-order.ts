import { OrderTable } from '../infrastructure/order-table';

export const placeOrder = OrderTable;
