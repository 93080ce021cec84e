import { Role } from '@shop/contracts';
import type { CursorPage, Page } from '@shop/platform';
import type { Order } from '../domain/order.js';

/** The `Order` of the HTTP contract: what every query and command answers with. Plain data, so it can cross a broker. */
export interface OrderView {
  id: string;
  customerId: string;
  status: string;
  items: Array<{ productId: string; quantity: number; unitPriceCents: number }>;
  totalCents: number;
  rejectionReason?: string;
  createdAt: string;
  updatedAt: string;
}

export type OrderPage = Page<OrderView>;

/** A keyset slice of the caller's orders: the items and where the next slice starts. */
export type OrderSlice = CursorPage<OrderView>;

export function toOrderView(order: Order): OrderView {
  const state = order.snapshot();
  return {
    id: state.id,
    customerId: state.customerId,
    status: state.status,
    items: state.lines.map(({ productId, quantity, unitPriceCents }) => ({ productId, quantity, unitPriceCents })),
    totalCents: state.totalCents,
    ...(state.rejectionReason ? { rejectionReason: state.rejectionReason } : {}),
    createdAt: state.createdAt.toISOString(),
    updatedAt: state.updatedAt.toISOString(),
  };
}

/** Who is asking; commands and queries carry it so they can run in another process too. */
export interface Caller {
  id: string;
  roles: string[];
}

export const viewerOf = (caller: Caller) => ({ id: caller.id, isAdmin: caller.roles.includes(Role.Admin) });
