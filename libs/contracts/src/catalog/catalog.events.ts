import { messageType } from '../messaging/message-type.js';

export interface ProductCreatedV1 {
  productId: string;
  sku: string;
  name: string;
  priceCents: number;
}
export const ProductCreatedV1 = messageType<ProductCreatedV1>('catalog.ProductCreated', 1);

export interface ProductPriceChangedV1 {
  productId: string;
  priceCents: number;
}
export const ProductPriceChangedV1 = messageType<ProductPriceChangedV1>('catalog.ProductPriceChanged', 1);

export interface ReservedLineV1 {
  productId: string;
  quantity: number;
}

/** Every line of the order is reserved (all or none). */
export interface StockReservedV1 {
  orderId: string;
  lines: ReservedLineV1[];
}
export const StockReservedV1 = messageType<StockReservedV1>('catalog.StockReserved', 1);

export interface StockReservationFailedV1 {
  orderId: string;
  /** `OUT_OF_STOCK` (some line lacks units) or `ORDER_CLOSED` (the order was cancelled first). */
  reason: 'OUT_OF_STOCK' | 'ORDER_CLOSED';
  /** The lines that could not be served. */
  shortLines: ReservedLineV1[];
}
export const StockReservationFailedV1 = messageType<StockReservationFailedV1>('catalog.StockReservationFailed', 1);

export interface StockReleasedV1 {
  orderId: string;
  lines: ReservedLineV1[];
}
export const StockReleasedV1 = messageType<StockReleasedV1>('catalog.StockReleased', 1);
