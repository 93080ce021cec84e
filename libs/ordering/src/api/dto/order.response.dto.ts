import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { OrderPage, OrderView } from '../../application/order.view.js';

class OrderItemResponseDto {
  @ApiProperty({ format: 'uuid' }) productId: string;
  @ApiProperty() quantity: number;
  @ApiProperty({ description: 'catalog price when the order was placed' }) unitPriceCents: number;
}

/** OpenAPI description of `Order`; handlers answer the plain OrderView. */
export class OrderResponseDto implements OrderView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) customerId: string;
  @ApiProperty({ enum: ['PENDING', 'CONFIRMED', 'REJECTED', 'CANCELLED'] }) status: string;
  @ApiProperty({ type: [OrderItemResponseDto] }) items: OrderItemResponseDto[];
  @ApiProperty() totalCents: number;
  @ApiPropertyOptional({ enum: ['OUT_OF_STOCK', 'PAYMENT_DECLINED'] }) rejectionReason?: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class OrderPageResponseDto implements OrderPage {
  @ApiProperty({ type: [OrderResponseDto] }) items: OrderResponseDto[];
  @ApiProperty() total: number;
  @ApiProperty() limit: number;
  @ApiProperty() offset: number;
}
