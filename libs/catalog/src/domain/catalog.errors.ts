/** Business rules of the catalog, as named errors the API layer maps to HTTP problems. */
export abstract class CatalogError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A product attribute breaks its rule; `field` names the attribute as the API spells it. */
export class InvalidProductError extends CatalogError {
  constructor(
    readonly field: 'sku' | 'name' | 'priceCents' | 'stock',
    message: string,
  ) {
    super(`${field} ${message}`);
  }
}

export class InvalidQuantityError extends CatalogError {
  constructor(quantity: number) {
    super(`A quantity must be a positive whole number (got ${quantity}).`);
  }
}

export class InsufficientStockError extends CatalogError {
  constructor(productId: string, requested: number, available: number) {
    super(`Product ${productId} has ${available} unit(s) available; ${requested} requested.`);
  }
}

export class ProductNotFoundError extends CatalogError {
  constructor(productId: string) {
    super(`No product with id ${productId}.`);
  }
}

export class SkuTakenError extends CatalogError {
  constructor(readonly sku: string) {
    super(`The sku ${sku} is already taken (skus are compared case-insensitively).`);
  }
}
