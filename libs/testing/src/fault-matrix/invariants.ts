// What must hold after any fault, checked from the databases against what the clients were told:
// nothing lost, nothing applied twice, every order final, stock and payments consistent, and every
// 503 that said "not applied" true.
import { NOT_APPLIED_WORDING, problemSlug, saysApplied, saysNotApplied, type Ledger } from './steady-load.js';

export type Sql = <Row = Record<string, unknown>>(query: string, params?: unknown[]) => Promise<Row[]>;

export const FINAL_STATUSES = ['CONFIRMED', 'REJECTED', 'CANCELLED'] as const;
export const PLACED_EVENT = 'ordering.OrderPlaced';
export const CANCELLED_EVENT = 'ordering.OrderCancelled';
const PAYMENT_REQUEST = 'payments.TakePayment';

interface OrderRow {
  id: string;
  customer_id: string;
  status: string;
  lines: Array<{ productId: string; quantity: number }>;
}

interface EventRow {
  type: string;
  correlation_id: string;
  order_id: string;
}

export interface InvariantReport {
  /** One line per broken invariant, with examples; empty when everything holds. */
  violations: string[];
  /** Request ids of keyless placements whose answer left the outcome open (a timeout, a 500, no answer) that were in fact applied. */
  keylessApplied: Set<string>;
  /** Every order's status, by id. */
  orderStatuses: Map<string, string>;
}

/** Reads the databases once and checks every invariant against the ledger of what clients were told. */
export async function checkInvariants(
  sql: Sql,
  ledger: Ledger,
  initialStock: Map<string, number>,
  /** When set, every 2xx answer must say it was served by this side (X-Served-By). */
  servedBy?: string,
): Promise<InvariantReport> {
  // The load's orders only: other clients (a contract suite run beside the load) place orders of their own.
  const customers = new Set(ledger.placements.map((placement) => placement.customerId));
  const orders = (await sql<OrderRow>('SELECT id, customer_id, status, lines FROM ordering.orders')).filter((order) =>
    customers.has(order.customer_id),
  );
  const ours = new Set(orders.map((order) => order.id));
  const keys = (
    await sql<{ customer_id: string; key: string; order_id: string }>('SELECT customer_id, key, order_id FROM ordering.idempotency_keys')
  ).filter((row) => customers.has(row.customer_id));
  const events = (
    await sql<EventRow>(`SELECT type, correlation_id, payload->>'orderId' AS order_id FROM ordering.outbox WHERE type = ANY($1::text[])`, [
      [PLACED_EVENT, CANCELLED_EVENT, PAYMENT_REQUEST],
    ])
  ).filter((event) => ours.has(event.order_id));
  const reservations = (
    await sql<{ order_id: string; status: string; lines: Array<{ productId: string; quantity: number }> }>(
      'SELECT order_id, status, lines FROM catalog.reservations',
    )
  ).filter((reservation) => ours.has(reservation.order_id));
  const products = await sql<{ id: string; stock: number }>('SELECT id, stock FROM catalog.products WHERE id = ANY($1::uuid[])', [
    [...initialStock.keys()],
  ]);
  const payments = (await sql<{ order_id: string; status: string }>('SELECT order_id, status FROM payments.payments')).filter((payment) =>
    ours.has(payment.order_id),
  );

  const findings = new Findings();
  const orderById = new Map(orders.map((order) => [order.id, order]));
  const keyOrder = new Map(keys.map((row) => [`${row.customer_id}/${row.key}`, row.order_id]));
  const placedEvents = groupBy(
    events.filter((e) => e.type === PLACED_EVENT),
    (e) => e.order_id,
  );
  const placedByRequest = groupBy(
    events.filter((e) => e.type === PLACED_EVENT),
    (e) => e.correlation_id,
  );
  const cancelledByRequest = groupBy(
    events.filter((e) => e.type === CANCELLED_EVENT),
    (e) => e.correlation_id,
  );

  // Lost: every order a client was told about exists; every keyed placement was answered; every answer for a key names its order.
  for (const placement of ledger.placements) {
    if (placement.key && placement.result !== 'placed') {
      const last = placement.attempts.at(-1);
      findings.add('lost', `key ${placement.key} never answered 201/200 (last: ${last?.outcome} ${last?.problemType ?? ''})`);
    }
    if (placement.orderIds.size > 1) findings.add('duplicated', `one placement answered with ${placement.orderIds.size} order ids`);
    for (const orderId of placement.orderIds) {
      if (!orderById.has(orderId)) findings.add('lost', `order ${orderId} answered 201/200 is not in ordering.orders`);
    }
    if (placement.key && placement.result === 'placed') {
      const stored = keyOrder.get(`${placement.customerId}/${placement.key}`);
      const [answered] = placement.orderIds;
      if (stored !== answered) findings.add('lost', `key ${placement.key} answered ${answered} but maps to ${stored ?? 'nothing'}`);
    }
    if (placement.cancel === 'cancelled') {
      const [orderId] = placement.orderIds;
      if (orderById.get(orderId!)?.status !== 'CANCELLED')
        findings.add('lost', `cancel of ${orderId} answered 200 but the order is not CANCELLED`);
    }
    if (placement.cancel === 'unanswered') findings.add('lost', `cancel of ${[...placement.orderIds][0]} never answered 200/409`);
  }

  // Duplicated: one order per key; an order without a key only for a keyless request that may have applied it, once.
  const keyedOrders = new Set(keyOrder.values());
  const keylessRequests = new Map(ledger.placements.filter((p) => !p.key).map((p) => [p.attempts[0]!.requestId, p] as const));
  const keylessApplied = new Set<string>();
  const keylessAnswered = new Set<string>();
  for (const order of orders) {
    const placed = placedEvents.get(order.id) ?? [];
    if (placed.length !== 1) findings.add('duplicated', `order ${order.id} has ${placed.length} ${PLACED_EVENT} outbox rows`);
    if (keyedOrders.has(order.id)) continue;
    const requestId = placed[0]?.correlation_id;
    const placement = requestId ? keylessRequests.get(requestId) : undefined;
    if (!placement) {
      findings.add('duplicated', `order ${order.id} has no Idempotency-Key and no keyless request of its own (correlation ${requestId})`);
    } else if (placement.result === 'placed' || placement.result === 'applied') {
      // An "applied once already" answer names no order; a 201 names this one.
      if (placement.result === 'placed' && !placement.orderIds.has(order.id)) {
        findings.add('duplicated', `keyless request ${requestId} answered another order than ${order.id}`);
      }
      keylessAnswered.add(requestId!);
    } else if (placement.result === 'unknown') {
      keylessApplied.add(requestId!);
    } else {
      findings.add('not applied', `order ${order.id} was made by keyless request ${requestId}, answered ${placement.result}`);
    }
  }
  for (const [requestId, rows] of placedByRequest) {
    if (rows.length > 1) findings.add('duplicated', `request ${requestId} placed ${rows.length} orders`);
  }
  for (const placement of keylessRequests.values()) {
    if ((placement.result === 'placed' || placement.result === 'applied') && !keylessAnswered.has(placement.attempts[0]!.requestId)) {
      findings.add('lost', `keyless request ${placement.attempts[0]!.requestId} answered ${placement.result} has no order of its own`);
    }
  }

  // Final: every order CONFIRMED, REJECTED or CANCELLED.
  const pending = orders.filter((order) => !(FINAL_STATUSES as readonly string[]).includes(order.status));
  for (const order of pending) findings.add('not final', `order ${order.id} is ${order.status}`);

  // Stock: each product's stock is its initial stock less what held reservations hold; held reservations are exactly the CONFIRMED orders'.
  const held = reservations.filter((r) => r.status === 'RESERVED');
  const heldUnits = new Map<string, number>();
  for (const reservation of held) {
    for (const line of reservation.lines) heldUnits.set(line.productId, (heldUnits.get(line.productId) ?? 0) + line.quantity);
    if (orderById.get(reservation.order_id)?.status !== 'CONFIRMED') {
      findings.add(
        'stock',
        `reservation of ${reservation.order_id} is held but the order is ${orderById.get(reservation.order_id)?.status}`,
      );
    }
  }
  const heldOrders = new Set(held.map((r) => r.order_id));
  for (const order of orders) {
    if (order.status === 'CONFIRMED' && !heldOrders.has(order.id))
      findings.add('stock', `CONFIRMED order ${order.id} holds no reservation`);
  }
  for (const product of products) {
    const expected = initialStock.get(product.id)! - (heldUnits.get(product.id) ?? 0);
    if (product.stock !== expected) findings.add('stock', `product ${product.id}: stock ${product.stock}, expected ${expected}`);
    if (product.stock < 0) findings.add('stock', `product ${product.id}: stock ${product.stock} is negative`);
  }

  // Payments: one row per order that reached payment; captured exactly for CONFIRMED orders; refunded only for CANCELLED ones.
  const paymentsByOrder = groupBy(payments, (p) => p.order_id);
  const requestedPayment = new Set(events.filter((e) => e.type === PAYMENT_REQUEST).map((e) => e.order_id));
  for (const orderId of requestedPayment) {
    const rows = paymentsByOrder.get(orderId) ?? [];
    if (rows.length !== 1) findings.add('payments', `order ${orderId} reached payment and has ${rows.length} payment rows`);
  }
  for (const [orderId, rows] of paymentsByOrder) {
    if (!requestedPayment.has(orderId)) findings.add('payments', `order ${orderId} has a payment but never reached payment`);
    const status = orderById.get(orderId)?.status;
    for (const { status: payment } of rows) {
      if (payment === 'CAPTURED' && status !== 'CONFIRMED')
        findings.add('payments', `order ${orderId} is ${status} with a CAPTURED payment`);
      if (payment === 'REFUNDED' && status !== 'CANCELLED')
        findings.add('payments', `order ${orderId} is ${status} with a REFUNDED payment`);
    }
  }
  for (const order of orders) {
    if (order.status === 'CONFIRMED' && !paymentsByOrder.get(order.id)?.some((p) => p.status === 'CAPTURED')) {
      findings.add('payments', `CONFIRMED order ${order.id} has no CAPTURED payment`);
    }
  }

  // Not applied: no 503 that said so was applied (its request id is the correlation id of whatever it would have written).
  for (const attempt of ledger.attempts.filter(saysNotApplied)) {
    const written = (attempt.op === 'place' ? placedByRequest : cancelledByRequest).get(attempt.requestId);
    if (written?.length) findings.add('not applied', `${attempt.op} ${attempt.requestId} answered 503 "not applied" was applied`);
    if (!attempt.detail?.includes(NOT_APPLIED_WORDING[problemSlug(attempt)]!)) {
      findings.add('not applied', `503 ${problemSlug(attempt)} does not say it was not applied: ${attempt.detail}`);
    }
  }

  // Applied once already: what a 503 said was applied by an earlier delivery of the same request was, once.
  for (const attempt of ledger.attempts.filter(saysApplied)) {
    const written = (attempt.op === 'place' ? placedByRequest : cancelledByRequest).get(attempt.requestId)?.length ?? 0;
    if (written !== 1)
      findings.add('already applied', `${attempt.op} ${attempt.requestId} answered 503 "applied once already" wrote ${written}`);
  }

  // The request id travels with the request: what order-service placed carries the id the client sent.
  for (const placement of ledger.placements) {
    for (const attempt of placement.attempts) {
      if (servedBy && typeof attempt.outcome === 'number' && attempt.outcome < 300 && attempt.servedBy !== servedBy) {
        findings.add('routing', `${attempt.op} ${attempt.requestId} answered ${attempt.outcome} by ${attempt.servedBy}, not ${servedBy}`);
      }
      if (attempt.op !== 'place' || attempt.outcome !== 201) continue;
      const rows = placedByRequest.get(attempt.requestId) ?? [];
      if (!rows.some((row) => row.order_id === attempt.orderId)) {
        findings.add(
          'correlation',
          `201 for ${attempt.orderId} (${attempt.servedBy}): no ${PLACED_EVENT} with correlation ${attempt.requestId}`,
        );
      }
    }
  }

  return { violations: findings.lines(), keylessApplied, orderStatuses: new Map(orders.map((order) => [order.id, order.status])) };
}

/** Orders not yet CONFIRMED, REJECTED or CANCELLED (optionally only those created up to `until`, epoch ms). */
export async function pendingOrders(sql: Sql, until?: number): Promise<number> {
  const [row] = await sql<{ n: number }>(
    `SELECT count(*)::int AS n FROM ordering.orders
      WHERE status <> ALL($1::text[]) AND ($2::double precision IS NULL OR created_at <= to_timestamp($2::double precision / 1000))`,
    [FINAL_STATUSES, until ?? null],
  );
  return row!.n;
}

/** Findings grouped by invariant, each with a count and a few examples. */
class Findings {
  private readonly byInvariant = new Map<string, string[]>();

  add(invariant: string, example: string): void {
    const list = this.byInvariant.get(invariant) ?? [];
    list.push(example);
    this.byInvariant.set(invariant, list);
  }

  lines(): string[] {
    return [...this.byInvariant].map(([invariant, examples]) => `${invariant}: ${examples.length} (${examples.slice(0, 3).join('; ')})`);
  }
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}
