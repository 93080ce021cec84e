import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { IfPresent, IsPlainText } from '@shop/platform';
import { PRODUCT_LIMITS } from '../../domain/product.js';
import { NAME_MESSAGE, NOT_BLANK } from './create-product.request.dto.js';

/** A partial update: the fields given change, the others stay. At least one is required; the sku never changes. */
export class UpdateProductRequestDto {
  @ApiPropertyOptional({
    example: 'Mechanical keyboard (brown switches)',
    minLength: 1,
    maxLength: PRODUCT_LIMITS.nameMaxLength,
    description: 'Not blank; no control characters, no bidi overrides or isolates.',
  })
  @IfPresent()
  @IsString()
  @MaxLength(PRODUCT_LIMITS.nameMaxLength)
  @Matches(NOT_BLANK, { message: NAME_MESSAGE })
  @IsPlainText()
  name?: string;

  @ApiPropertyOptional({
    type: 'integer',
    description: 'Price in integer cents. A different price is announced as ProductPriceChangedV1.',
    example: 7999,
    minimum: PRODUCT_LIMITS.minPriceCents,
    maximum: PRODUCT_LIMITS.maxPriceCents,
  })
  @IfPresent()
  @IsInt()
  @Min(PRODUCT_LIMITS.minPriceCents)
  @Max(PRODUCT_LIMITS.maxPriceCents)
  priceCents?: number;

  @ApiPropertyOptional({
    type: 'integer',
    description: 'Sets the units available to order (units reserved by open orders are not part of it).',
    example: 40,
    minimum: 0,
    maximum: PRODUCT_LIMITS.maxStock,
  })
  @IfPresent()
  @IsInt()
  @Min(0)
  @Max(PRODUCT_LIMITS.maxStock)
  stock?: number;
}
