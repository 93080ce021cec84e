export const OrderTable = 'orders';
