import { ApiProperty } from '@nestjs/swagger';
import type { Payment, PaymentStatus } from '../../domain/payment.js';

const PAYMENT_STATUSES: PaymentStatus[] = ['CAPTURED', 'DECLINED', 'REFUNDED'];

export class PaymentResponseDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  orderId: string;

  @ApiProperty({ type: 'integer', minimum: 1, example: 2500 })
  amountCents: number;

  @ApiProperty({ enum: PAYMENT_STATUSES, description: 'CAPTURED -> REFUNDED when the order is cancelled; DECLINED is final.' })
  status: PaymentStatus;

  static from(payment: Payment): PaymentResponseDto {
    return Object.assign(new PaymentResponseDto(), {
      id: payment.id,
      orderId: payment.orderId,
      amountCents: payment.amountCents,
      status: payment.status,
    });
  }
}
