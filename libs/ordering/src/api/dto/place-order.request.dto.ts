import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsInt, Max, Min, ValidateNested } from 'class-validator';
import { UuidField } from '@shop/platform';
import { ORDER_LIMITS } from '../../domain/order.js';

export class OrderItemRequestDto {
  @ApiProperty({ format: 'uuid', description: 'Any case; answered in lower case.' })
  @UuidField()
  productId: string;

  @ApiProperty({ minimum: ORDER_LIMITS.minQuantity, maximum: ORDER_LIMITS.maxQuantity })
  @IsInt()
  @Min(ORDER_LIMITS.minQuantity)
  @Max(ORDER_LIMITS.maxQuantity)
  quantity: number;
}

export class PlaceOrderRequestDto {
  @ApiProperty({
    type: [OrderItemRequestDto],
    minItems: ORDER_LIMITS.minLines,
    maxItems: ORDER_LIMITS.maxLines,
    description: 'productIds must be distinct',
  })
  @IsArray()
  @ArrayMinSize(ORDER_LIMITS.minLines)
  @ArrayMaxSize(ORDER_LIMITS.maxLines)
  @ArrayUnique((item: OrderItemRequestDto) => item?.productId, { message: 'items must not name a productId twice' })
  @ValidateNested({ each: true })
  @Type(() => OrderItemRequestDto)
  items: OrderItemRequestDto[];
}
