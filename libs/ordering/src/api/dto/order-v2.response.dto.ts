import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { OrderView } from '../../application/order.view.js';
import { moneyOf, type Money } from '../money.js';

export class MoneyDto implements Money {
  @ApiProperty({ example: '9.99', pattern: '^[0-9]+\\.[0-9]{2}$', description: 'decimal string, never a JSON number' })
  amount: string;

  @ApiProperty({ example: 'EUR', description: 'ISO 4217' })
  currency: string;
}

class OrderItemV2ResponseDto {
  @ApiProperty({ format: 'uuid' }) productId: string;
  @ApiProperty() quantity: number;
  @ApiProperty({ type: MoneyDto, description: 'catalog price when the order was placed' }) unitPrice: MoneyDto;
}

/** `Order` in /api/v2: money as `{ amount, currency }` instead of integer cents. */
export class OrderV2ResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) customerId: string;
  @ApiProperty({ enum: ['PENDING', 'CONFIRMED', 'REJECTED', 'CANCELLED'] }) status: string;
  @ApiProperty({ type: [OrderItemV2ResponseDto] }) items: OrderItemV2ResponseDto[];
  @ApiProperty({ type: MoneyDto, description: 'the sum of the lines' }) total: MoneyDto;
  @ApiPropertyOptional({ enum: ['OUT_OF_STOCK', 'PAYMENT_DECLINED'] }) rejectionReason?: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class OrderListV2ResponseDto {
  @ApiProperty({ type: [OrderV2ResponseDto], description: 'newest first' }) items: OrderV2ResponseDto[];

  @ApiProperty({ type: 'string', nullable: true, description: 'pass as `cursor` for the next page; null: this page is the last' })
  nextCursor: string | null;
}

/** The same OrderView v1 answers, shown the v2 way; fields are named one by one, so no cents field slips through. */
export function toOrderV2(order: OrderView, currency: string): OrderV2ResponseDto {
  return {
    id: order.id,
    customerId: order.customerId,
    status: order.status,
    items: order.items.map(({ productId, quantity, unitPriceCents }) => ({
      productId,
      quantity,
      unitPrice: moneyOf(unitPriceCents, currency),
    })),
    total: moneyOf(order.totalCents, currency),
    ...(order.rejectionReason ? { rejectionReason: order.rejectionReason } : {}),
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
  };
}
