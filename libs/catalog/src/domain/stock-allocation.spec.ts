import { InvalidQuantityError } from './catalog.errors.js';
import { Product } from './product.js';
import { allocateStock } from './stock-allocation.js';

const product = (id: string, stock: number) => Product.create({ id, sku: `SKU-${id}`, name: `Product ${id}`, priceCents: 100, stock });
const orderId = 'order-1';

describe('allocateStock', () => {
  it('reserves every line when all are available', () => {
    const a = product('a', 5);
    const b = product('b', 1);
    const allocation = allocateStock(
      orderId,
      [
        { productId: 'a', quantity: 5 },
        { productId: 'b', quantity: 1 },
      ],
      [a, b],
    );
    expect(allocation.kind).toBe('reserved');
    expect(allocation.reservation.status).toBe('RESERVED');
    expect([a.stock, b.stock]).toEqual([0, 0]);
  });

  it('reserves nothing when one line is short, and names only the short lines', () => {
    const a = product('a', 5);
    const b = product('b', 1);
    const allocation = allocateStock(
      orderId,
      [
        { productId: 'a', quantity: 2 },
        { productId: 'b', quantity: 2 },
      ],
      [a, b],
    );
    expect(allocation).toEqual(expect.objectContaining({ kind: 'short', shortLines: [{ productId: 'b', quantity: 2 }] }));
    expect(allocation.reservation.status).toBe('REJECTED');
    expect(allocation.reservation.lines).toHaveLength(2);
    expect([a.stock, b.stock]).toEqual([5, 1]);
  });

  it('counts a line for an unknown product as short', () => {
    const a = product('a', 5);
    const allocation = allocateStock(
      orderId,
      [
        { productId: 'a', quantity: 1 },
        { productId: 'ghost', quantity: 1 },
      ],
      [a],
    );
    expect(allocation).toEqual(expect.objectContaining({ kind: 'short', shortLines: [{ productId: 'ghost', quantity: 1 }] }));
    expect(a.stock).toBe(5);
  });

  it('adds up lines naming the same product', () => {
    const a = product('a', 3);
    expect(
      allocateStock(
        orderId,
        [
          { productId: 'a', quantity: 2 },
          { productId: 'a', quantity: 2 },
        ],
        [a],
      ).kind,
    ).toBe('short');
    expect(a.stock).toBe(3);
    expect(
      allocateStock(
        orderId,
        [
          { productId: 'a', quantity: 2 },
          { productId: 'a', quantity: 1 },
        ],
        [a],
      ).kind,
    ).toBe('reserved');
    expect(a.stock).toBe(0);
  });

  it('returns only the products it changed', () => {
    const a = product('a', 3);
    const b = product('b', 3);
    const allocation = allocateStock(orderId, [{ productId: 'b', quantity: 1 }], [a, b]);
    expect(allocation.kind === 'reserved' && allocation.products.map((p) => p.id)).toEqual(['b']);
  });

  it('refuses a non-positive quantity outright', () => {
    const a = product('a', 3);
    expect(() => allocateStock(orderId, [{ productId: 'a', quantity: 0 }], [a])).toThrow(InvalidQuantityError);
    expect(a.stock).toBe(3);
  });
});
