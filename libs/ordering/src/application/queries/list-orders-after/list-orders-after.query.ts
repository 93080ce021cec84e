import { Query } from '@nestjs/cqrs';
import type { NewestFirstPosition } from '@shop/platform';
import type { Caller, OrderSlice } from '../../order.view.js';

/** The caller's own orders, newest first, from just after `after` (null: from the newest): a keyset page, no offset. */
export class ListOrdersAfter extends Query<OrderSlice> {
  constructor(
    readonly caller: Caller,
    readonly limit: number,
    readonly after: NewestFirstPosition | null,
  ) {
    super();
  }
}
