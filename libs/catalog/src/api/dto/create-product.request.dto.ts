import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { IsPlainText } from '@shop/platform';
import { PRODUCT_LIMITS } from '../../domain/product.js';

export const SKU_MESSAGE = `sku must be 1 to ${PRODUCT_LIMITS.skuMaxLength} characters of A-Z, a-z, 0-9, ".", "_" or "-"`;
export const NAME_MESSAGE = 'name must not be blank';
/** At least one visible character; control and bidi formatting characters are IsPlainText's to refuse. */
export const NOT_BLANK = /\S/;

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
  @IsPlainText()
  sku: string;

  @ApiProperty({
    example: 'Mechanical keyboard',
    minLength: 1,
    maxLength: PRODUCT_LIMITS.nameMaxLength,
    description: 'Not blank; no control characters, no bidi overrides or isolates.',
  })
  @IsString()
  @MaxLength(PRODUCT_LIMITS.nameMaxLength)
  @Matches(NOT_BLANK, { message: NAME_MESSAGE })
  @IsPlainText()
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
