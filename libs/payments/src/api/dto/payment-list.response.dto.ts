import { ApiProperty } from '@nestjs/swagger';
import type { PaymentPage } from '../../application/queries/list-order-payments/list-order-payments.query.js';
import { PaymentResponseDto } from './payment.response.dto.js';

export class PaymentListResponseDto {
  @ApiProperty({ type: [PaymentResponseDto] })
  items: PaymentResponseDto[];

  @ApiProperty({ type: 'integer', description: 'Payments of the order in all; an order has at most one.' })
  total: number;

  @ApiProperty({ type: 'integer', minimum: 1, maximum: 100 })
  limit: number;

  @ApiProperty({ type: 'integer', minimum: 0 })
  offset: number;

  static from(page: PaymentPage): PaymentListResponseDto {
    return Object.assign(new PaymentListResponseDto(), { ...page, items: page.items.map((payment) => PaymentResponseDto.from(payment)) });
  }
}
