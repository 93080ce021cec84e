import { InvalidQuantityError } from './catalog.errors.js';
import { Reservation } from './reservation.js';

const orderId = '00000000-0000-4000-8000-0000000000aa';
const lines = [{ productId: 'p1', quantity: 2 }];

describe('Reservation', () => {
  it('starts RESERVED with the order lines', () => {
    const reservation = Reservation.reserved(orderId, lines);
    expect(reservation.snapshot()).toEqual({ orderId, status: 'RESERVED', lines });
    expect(reservation.isClosed).toBe(false);
  });

  it('releases a RESERVED reservation once, asking for its lines to go back', () => {
    const reservation = Reservation.reserved(orderId, lines);
    expect(reservation.release()).toBe(true);
    expect(reservation.status).toBe('RELEASED');
    expect(reservation.lines).toEqual(lines);
    expect(reservation.isClosed).toBe(true);
    expect(reservation.release()).toBe(false);
    expect(reservation.status).toBe('RELEASED');
  });

  it('has nothing to release when it was REJECTED, and stays REJECTED', () => {
    const reservation = Reservation.rejected(orderId, lines);
    expect(reservation.release()).toBe(false);
    expect(reservation.status).toBe('REJECTED');
    expect(reservation.isClosed).toBe(false);
  });

  it('records an order closed before its placement as RELEASED without lines', () => {
    const tombstone = Reservation.closedBeforePlacement(orderId);
    expect(tombstone.snapshot()).toEqual({ orderId, status: 'RELEASED', lines: [] });
    expect(tombstone.isClosed).toBe(true);
    expect(tombstone.release()).toBe(false);
  });

  it.each([0, -2, 1.5])('refuses quantity %d', (quantity) => {
    expect(() => Reservation.reserved(orderId, [{ productId: 'p1', quantity }])).toThrow(InvalidQuantityError);
    expect(() => Reservation.rejected(orderId, [{ productId: 'p1', quantity }])).toThrow(InvalidQuantityError);
  });

  it('does not share its lines with callers', () => {
    const given = [{ productId: 'p1', quantity: 2 }];
    const reservation = Reservation.reserved(orderId, given);
    given[0]!.quantity = 99;
    reservation.lines[0]!.quantity = 98;
    expect(reservation.lines).toEqual(lines);
  });
});
