import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { NAME_PATTERN, PRODUCT_LIMITS } from '../../domain/product.js';

export const SKU_MESSAGE = `sku must be 1 to ${PRODUCT_LIMITS.skuMaxLength} characters of A-Z, a-z, 0-9, ".", "_" or "-"`;
export const NAME_MESSAGE = 'name must not be blank nor contain control characters';

export class CreateProductRequestDto {
  @ApiProperty({
    description: 'Stock keeping unit, unique in the catalog. Compared case-insensitively ("KB-1" and "kb-1" are one sku); kept as given.',
    example: 'KB-MECH-001',
    pattern: PRODUCT_LIMITS.skuPattern.source,
    minLength: 1,
    maxLength: PRODUCT_LIMITS.skuMaxLength,
  })
  @IsString()
  @Matches(PRODUCT_LIMITS.skuPattern, { message: SKU_MESSAGE })
  sku: string;

  @ApiProperty({ example: 'Mechanical keyboard', minLength: 1, maxLength: PRODUCT_LIMITS.nameMaxLength })
  @IsString()
  @MaxLength(PRODUCT_LIMITS.nameMaxLength)
  @Matches(NAME_PATTERN, { message: NAME_MESSAGE })
  name: string;

  @ApiProperty({
    type: 'integer',
    description: 'Price in integer cents.',
    example: 8999,
    minimum: PRODUCT_LIMITS.minPriceCents,
    maximum: PRODUCT_LIMITS.maxPriceCents,
  })
  @IsInt()
  @Min(PRODUCT_LIMITS.minPriceCents)
  @Max(PRODUCT_LIMITS.maxPriceCents)
  priceCents: number;

  @ApiProperty({ type: 'integer', description: 'Units available to order.', example: 25, minimum: 0, maximum: PRODUCT_LIMITS.maxStock })
  @IsInt()
  @Min(0)
  @Max(PRODUCT_LIMITS.maxStock)
  stock: number;
}
