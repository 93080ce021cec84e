export const ORDER_REPOSITORY = Symbol('OrderRepository');
export const PRODUCT_PRICES = Symbol('ProductPrices');
export const IDEMPOTENCY_KEYS = Symbol('IdempotencyKeys');
