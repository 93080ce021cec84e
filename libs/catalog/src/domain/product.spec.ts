import { InsufficientStockError, InvalidProductError, InvalidQuantityError } from './catalog.errors.js';
import { Product, type ProductState } from './product.js';

const valid: ProductState = { id: '00000000-0000-4000-8000-000000000001', sku: 'KB-01', name: 'Keyboard', priceCents: 4999, stock: 10 };

const fieldOf = (work: () => unknown): string | undefined => {
  try {
    work();
  } catch (error) {
    if (error instanceof InvalidProductError) return error.field;
    throw error;
  }
  return undefined;
};

describe('Product', () => {
  describe('create', () => {
    it('keeps valid values as given', () => {
      expect(Product.create(valid).snapshot()).toEqual(valid);
    });

    it.each(['A', 'a.b_c-D9', 'x'.repeat(64)])('accepts sku %j', (sku) => {
      expect(Product.create({ ...valid, sku }).snapshot().sku).toBe(sku);
    });

    it.each(['', 'x'.repeat(65), 'has space', 'sku/1', 'ümlaut', 'a\nb'])('rejects sku %j', (sku) => {
      expect(fieldOf(() => Product.create({ ...valid, sku }))).toBe('sku');
    });

    it.each(['n', 'x'.repeat(200), 'Café crème 27"'])('accepts name %j', (name) => {
      expect(Product.create({ ...valid, name }).snapshot().name).toBe(name);
    });

    it.each(['', '   ', 'x'.repeat(201), 'nul\u0000byte', 'tab\there'])('rejects name %j', (name) => {
      expect(fieldOf(() => Product.create({ ...valid, name }))).toBe('name');
    });

    it.each([1, 100_000_000])('accepts price %d', (priceCents) => {
      expect(Product.create({ ...valid, priceCents }).snapshot().priceCents).toBe(priceCents);
    });

    it.each([0, -1, 1.5, 100_000_001, Number.NaN])('rejects price %d', (priceCents) => {
      expect(fieldOf(() => Product.create({ ...valid, priceCents }))).toBe('priceCents');
    });

    it.each([0, 1_000_000])('accepts stock %d', (stock) => {
      expect(Product.create({ ...valid, stock }).stock).toBe(stock);
    });

    it.each([-1, 0.5, 1_000_001])('rejects stock %d', (stock) => {
      expect(fieldOf(() => Product.create({ ...valid, stock }))).toBe('stock');
    });
  });

  describe('changes', () => {
    it('renames, with the same rule as on creation', () => {
      const product = Product.create(valid);
      product.rename('Mechanical keyboard');
      expect(product.snapshot().name).toBe('Mechanical keyboard');
      expect(fieldOf(() => product.rename(' '))).toBe('name');
      expect(product.snapshot().name).toBe('Mechanical keyboard');
    });

    it('reports whether the price changed', () => {
      const product = Product.create(valid);
      expect(product.changePrice(valid.priceCents)).toBe(false);
      expect(product.changePrice(5999)).toBe(true);
      expect(product.snapshot().priceCents).toBe(5999);
    });

    it('refuses a non-positive or fractional price and keeps the old one', () => {
      const product = Product.create(valid);
      expect(fieldOf(() => product.changePrice(0))).toBe('priceCents');
      expect(fieldOf(() => product.changePrice(10.5))).toBe('priceCents');
      expect(product.snapshot().priceCents).toBe(valid.priceCents);
    });

    it('sets the stock within 0..1 000 000', () => {
      const product = Product.create(valid);
      product.setStock(0);
      expect(product.stock).toBe(0);
      expect(fieldOf(() => product.setStock(-1))).toBe('stock');
      expect(fieldOf(() => product.setStock(1_000_001))).toBe('stock');
    });
  });

  describe('reserve and release', () => {
    it('takes units out of stock, down to exactly zero', () => {
      const product = Product.create(valid);
      product.reserve(4);
      product.reserve(6);
      expect(product.stock).toBe(0);
    });

    it('never goes below zero', () => {
      const product = Product.create({ ...valid, stock: 2 });
      expect(product.canReserve(3)).toBe(false);
      expect(() => product.reserve(3)).toThrow(InsufficientStockError);
      expect(product.stock).toBe(2);
    });

    it('puts released units back', () => {
      const product = Product.create({ ...valid, stock: 2 });
      product.reserve(2);
      product.release(2);
      expect(product.stock).toBe(2);
    });

    it.each([0, -1, 1.5])('refuses quantity %d', (quantity) => {
      const product = Product.create(valid);
      expect(() => product.reserve(quantity)).toThrow(InvalidQuantityError);
      expect(() => product.release(quantity)).toThrow(InvalidQuantityError);
      expect(product.stock).toBe(valid.stock);
    });
  });
});
