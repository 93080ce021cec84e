import type { Product } from './product.js';
import { Reservation, validLines, type ReservationLine } from './reservation.js';

export type Allocation =
  | { kind: 'reserved'; reservation: Reservation; products: Product[] }
  | { kind: 'short'; reservation: Reservation; shortLines: ReservationLine[] };

/**
 * Reserves every line of an order or none. The lines are first checked against a tally of the
 * available units, so a short order leaves every product untouched. A line whose product is not
 * among `products` (unknown id) is short too. Lines naming the same product add up.
 */
export function allocateStock(orderId: string, lines: ReservationLine[], products: Product[]): Allocation {
  const ordered = validLines(lines);
  const shortLines = shortLinesOf(ordered, products);
  if (shortLines.length > 0) return { kind: 'short', reservation: Reservation.rejected(orderId, ordered), shortLines };

  const byId = new Map(products.map((product) => [product.id, product]));
  for (const line of ordered) byId.get(line.productId)!.reserve(line.quantity);
  const touched = new Set(ordered.map((line) => line.productId));
  return {
    kind: 'reserved',
    reservation: Reservation.reserved(orderId, ordered),
    products: products.filter((product) => touched.has(product.id)),
  };
}

function shortLinesOf(lines: ReservationLine[], products: Product[]): ReservationLine[] {
  const available = new Map(products.map((product) => [product.id, product.stock]));
  return lines.filter((line) => {
    const units = available.get(line.productId);
    if (units === undefined || units < line.quantity) return true;
    available.set(line.productId, units - line.quantity);
    return false;
  });
}
