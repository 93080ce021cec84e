import { InsufficientStockError, InvalidProductError, InvalidQuantityError } from './catalog.errors.js';

export interface ProductState {
  id: string;
  sku: string;
  name: string;
  priceCents: number;
  /** Units available to order; reserved units are not in it. */
  stock: number;
}

export const PRODUCT_LIMITS = {
  skuPattern: /^[A-Za-z0-9._-]{1,64}$/,
  skuMaxLength: 64,
  nameMaxLength: 200,
  minPriceCents: 1,
  maxPriceCents: 100_000_000,
  /** The most units an admin may put on the shelf at once. */
  maxStock: 1_000_000,
} as const;

/** At least one visible character, no control characters (PostgreSQL text cannot even hold NUL). */
export const NAME_PATTERN = /^(?=.*\S)[^\p{Cc}]*$/u;

/**
 * A product and its stock. Rules: sku 1..64 of [A-Za-z0-9._-]; name 1..200 visible characters;
 * price a whole number of cents in 1..100 000 000; stock a whole number >= 0 (an admin sets at
 * most 1 000 000). Reserving takes units out of stock, never below zero; releasing puts them back.
 */
export class Product {
  private constructor(private state: ProductState) {}

  static create(state: ProductState): Product {
    assertSku(state.sku);
    assertName(state.name);
    assertPrice(state.priceCents);
    assertShelfStock(state.stock);
    return new Product({ ...state });
  }

  /** From storage: the database's constraints already hold the rules. */
  static restore(state: ProductState): Product {
    return new Product({ ...state });
  }

  get id(): string {
    return this.state.id;
  }

  get stock(): number {
    return this.state.stock;
  }

  snapshot(): ProductState {
    return { ...this.state };
  }

  rename(name: string): void {
    assertName(name);
    this.state.name = name;
  }

  /** True when the price actually changed (only then is a price change announced). */
  changePrice(priceCents: number): boolean {
    assertPrice(priceCents);
    if (priceCents === this.state.priceCents) return false;
    this.state.priceCents = priceCents;
    return true;
  }

  /** Sets the units available to order (a restock or a count correction); reservations are not affected. */
  setStock(stock: number): void {
    assertShelfStock(stock);
    this.state.stock = stock;
  }

  canReserve(quantity: number): boolean {
    assertQuantity(quantity);
    return quantity <= this.state.stock;
  }

  reserve(quantity: number): void {
    if (!this.canReserve(quantity)) throw new InsufficientStockError(this.state.id, quantity, this.state.stock);
    this.state.stock -= quantity;
  }

  release(quantity: number): void {
    assertQuantity(quantity);
    this.state.stock += quantity;
  }
}

function assertSku(sku: string): void {
  if (!PRODUCT_LIMITS.skuPattern.test(sku)) {
    throw new InvalidProductError('sku', `must be 1 to ${PRODUCT_LIMITS.skuMaxLength} characters of A-Z, a-z, 0-9, '.', '_' or '-'`);
  }
}

function assertName(name: string): void {
  if (name.length > PRODUCT_LIMITS.nameMaxLength || !NAME_PATTERN.test(name)) {
    throw new InvalidProductError('name', `must be 1 to ${PRODUCT_LIMITS.nameMaxLength} characters, not blank, without control characters`);
  }
}

function assertPrice(priceCents: number): void {
  if (!Number.isSafeInteger(priceCents) || priceCents < PRODUCT_LIMITS.minPriceCents || priceCents > PRODUCT_LIMITS.maxPriceCents) {
    throw new InvalidProductError(
      'priceCents',
      `must be a whole number of cents from ${PRODUCT_LIMITS.minPriceCents} to ${PRODUCT_LIMITS.maxPriceCents}`,
    );
  }
}

function assertShelfStock(stock: number): void {
  if (!Number.isSafeInteger(stock) || stock < 0 || stock > PRODUCT_LIMITS.maxStock) {
    throw new InvalidProductError('stock', `must be a whole number from 0 to ${PRODUCT_LIMITS.maxStock}`);
  }
}

function assertQuantity(quantity: number): void {
  if (!Number.isSafeInteger(quantity) || quantity < 1) throw new InvalidQuantityError(quantity);
}
