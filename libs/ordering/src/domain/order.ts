import { InvalidOrderLinesError, OrderNotCancellableError, OrderTotalTooLargeError } from './order.errors.js';

export type OrderStatus = 'PENDING' | 'CONFIRMED' | 'REJECTED' | 'CANCELLED';
export type RejectionReason = 'OUT_OF_STOCK' | 'PAYMENT_DECLINED';
/** Where the placement saga stands; persisted with the order so a restart resumes it. */
export type SagaStep = 'AWAITING_STOCK' | 'AWAITING_PAYMENT' | 'DONE';

export interface OrderLine {
  productId: string;
  quantity: number;
  unitPriceCents: number;
}

export interface OrderState {
  id: string;
  customerId: string;
  status: OrderStatus;
  sagaStep: SagaStep;
  lines: OrderLine[];
  totalCents: number;
  rejectionReason: RejectionReason | null;
  createdAt: Date;
  updatedAt: Date;
}

/** `maxTotalCents`: one order is one payment, and a payment amount is a 32-bit integer of cents downstream. */
export const ORDER_LIMITS = { minLines: 1, maxLines: 50, minQuantity: 1, maxQuantity: 100, maxTotalCents: 2_147_483_647 } as const;

/** What the saga must do next after a transition; the application layer turns it into messages. */
export type SagaEffect =
  | { kind: 'request-payment'; amountCents: number }
  | { kind: 'confirmed' }
  | { kind: 'rejected'; reason: RejectionReason }
  | { kind: 'none' };

/**
 * The order aggregate and the state machine of its placement saga:
 * PENDING(AWAITING_STOCK) -> PENDING(AWAITING_PAYMENT) -> CONFIRMED, or -> REJECTED;
 * PENDING or CONFIRMED -> CANCELLED. Late saga events for a closed order change nothing.
 */
export class Order {
  private constructor(private state: OrderState) {}

  static place(input: { id: string; customerId: string; lines: OrderLine[]; now: Date }): Order {
    assertValidLines(input.lines);
    const totalCents = input.lines.reduce((sum, line) => sum + line.quantity * line.unitPriceCents, 0);
    if (totalCents > ORDER_LIMITS.maxTotalCents) throw new OrderTotalTooLargeError(totalCents, ORDER_LIMITS.maxTotalCents);
    return new Order({
      id: input.id,
      customerId: input.customerId,
      status: 'PENDING',
      sagaStep: 'AWAITING_STOCK',
      lines: input.lines.map((line) => ({ ...line })),
      totalCents,
      rejectionReason: null,
      createdAt: input.now,
      updatedAt: input.now,
    });
  }

  static restore(state: OrderState): Order {
    return new Order({ ...state, lines: state.lines.map((line) => ({ ...line })) });
  }

  get id(): string {
    return this.state.id;
  }

  get customerId(): string {
    return this.state.customerId;
  }

  get status(): OrderStatus {
    return this.state.status;
  }

  snapshot(): OrderState {
    return { ...this.state, lines: this.state.lines.map((line) => ({ ...line })) };
  }

  isVisibleTo(viewer: { id: string; isAdmin: boolean }): boolean {
    return viewer.isAdmin || viewer.id === this.state.customerId;
  }

  stockReserved(now: Date): SagaEffect {
    if (!this.awaiting('AWAITING_STOCK')) return { kind: 'none' };
    this.update({ sagaStep: 'AWAITING_PAYMENT' }, now);
    return { kind: 'request-payment', amountCents: this.state.totalCents };
  }

  stockReservationFailed(now: Date): SagaEffect {
    if (!this.awaiting('AWAITING_STOCK')) return { kind: 'none' };
    return this.reject('OUT_OF_STOCK', now);
  }

  paymentCaptured(now: Date): SagaEffect {
    if (!this.awaiting('AWAITING_PAYMENT')) return { kind: 'none' };
    this.update({ status: 'CONFIRMED', sagaStep: 'DONE' }, now);
    return { kind: 'confirmed' };
  }

  paymentDeclined(now: Date): SagaEffect {
    if (!this.awaiting('AWAITING_PAYMENT')) return { kind: 'none' };
    return this.reject('PAYMENT_DECLINED', now);
  }

  cancel(now: Date): void {
    if (this.state.status !== 'PENDING' && this.state.status !== 'CONFIRMED') {
      throw new OrderNotCancellableError(this.state.id, this.state.status);
    }
    this.update({ status: 'CANCELLED', sagaStep: 'DONE' }, now);
  }

  private awaiting(step: SagaStep): boolean {
    return this.state.status === 'PENDING' && this.state.sagaStep === step;
  }

  private reject(reason: RejectionReason, now: Date): SagaEffect {
    this.update({ status: 'REJECTED', sagaStep: 'DONE', rejectionReason: reason }, now);
    return { kind: 'rejected', reason };
  }

  private update(changes: Partial<OrderState>, now: Date): void {
    this.state = { ...this.state, ...changes, updatedAt: now };
  }
}

/** 1..50 lines, quantities 1..100, each product once, prices positive integers. */
export function assertValidLines(lines: Array<Pick<OrderLine, 'productId' | 'quantity'> & Partial<OrderLine>>): void {
  const { minLines, maxLines, minQuantity, maxQuantity } = ORDER_LIMITS;
  if (lines.length < minLines || lines.length > maxLines) {
    throw new InvalidOrderLinesError(`An order has ${minLines} to ${maxLines} lines; got ${lines.length}.`);
  }
  const seen = new Set<string>();
  for (const line of lines) {
    if (!Number.isInteger(line.quantity) || line.quantity < minQuantity || line.quantity > maxQuantity) {
      throw new InvalidOrderLinesError(`Quantity must be a whole number from ${minQuantity} to ${maxQuantity}; got ${line.quantity}.`);
    }
    if (seen.has(line.productId)) throw new InvalidOrderLinesError(`Product ${line.productId} appears more than once.`);
    seen.add(line.productId);
    if (line.unitPriceCents !== undefined && (!Number.isInteger(line.unitPriceCents) || line.unitPriceCents <= 0)) {
      throw new InvalidOrderLinesError(`Unit price must be a positive whole number of cents; got ${line.unitPriceCents}.`);
    }
  }
}
