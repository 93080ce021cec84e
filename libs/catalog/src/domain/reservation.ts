import { InvalidQuantityError } from './catalog.errors.js';

export type ReservationStatus = 'RESERVED' | 'RELEASED' | 'REJECTED';

export interface ReservationLine {
  productId: string;
  quantity: number;
}

export interface ReservationState {
  orderId: string;
  status: ReservationStatus;
  /** The order's lines; empty for an order closed before it was placed. */
  lines: ReservationLine[];
}

/**
 * What the catalog did with one order's stock, one per order id. Its state machine:
 * (none) -> RESERVED -> RELEASED; (none) -> REJECTED; (none) -> RELEASED without lines when the order
 * was closed before its placement arrived (a tombstone). RELEASED and REJECTED are final.
 */
export class Reservation {
  private constructor(private state: ReservationState) {}

  static reserved(orderId: string, lines: ReservationLine[]): Reservation {
    return new Reservation({ orderId, status: 'RESERVED', lines: validLines(lines) });
  }

  static rejected(orderId: string, lines: ReservationLine[]): Reservation {
    return new Reservation({ orderId, status: 'REJECTED', lines: validLines(lines) });
  }

  /** The order was rejected or cancelled before the catalog saw it placed: it must never reserve. */
  static closedBeforePlacement(orderId: string): Reservation {
    return new Reservation({ orderId, status: 'RELEASED', lines: [] });
  }

  static restore(state: ReservationState): Reservation {
    return new Reservation({ ...state, lines: copy(state.lines) });
  }

  get orderId(): string {
    return this.state.orderId;
  }

  get status(): ReservationStatus {
    return this.state.status;
  }

  get lines(): ReservationLine[] {
    return copy(this.state.lines);
  }

  /** A closed order takes no new reservation, whatever arrives later. */
  get isClosed(): boolean {
    return this.state.status === 'RELEASED';
  }

  /**
   * RESERVED -> RELEASED; true when the caller must put `lines` back in stock. Releasing anything
   * else (already released, rejected) changes nothing, so a repeated release has no second effect.
   */
  release(): boolean {
    if (this.state.status !== 'RESERVED') return false;
    this.state.status = 'RELEASED';
    return true;
  }

  snapshot(): ReservationState {
    return { ...this.state, lines: copy(this.state.lines) };
  }
}

/** Every quantity a reservation handles is a positive whole number. */
export function validLines(lines: ReservationLine[]): ReservationLine[] {
  for (const line of lines) {
    if (!Number.isSafeInteger(line.quantity) || line.quantity < 1) throw new InvalidQuantityError(line.quantity);
  }
  return copy(lines);
}

const copy = (lines: ReservationLine[]): ReservationLine[] => lines.map(({ productId, quantity }) => ({ productId, quantity }));
