import { ApiProperty } from '@nestjs/swagger';

export class ProductResponseDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'KB-MECH-001' })
  sku: string;

  @ApiProperty({ example: 'Mechanical keyboard' })
  name: string;

  @ApiProperty({ type: 'integer', description: 'Price in integer cents, > 0.', example: 8999 })
  priceCents: number;

  @ApiProperty({ type: 'integer', description: 'Units available to order (units reserved by open orders are not in it).', example: 25 })
  stock: number;
}

export class ProductPageResponseDto {
  @ApiProperty({ type: [ProductResponseDto], description: 'Ordered by sku, then id.' })
  items: ProductResponseDto[];

  @ApiProperty({ type: 'integer', description: 'All products, across pages.' })
  total: number;

  @ApiProperty({ type: 'integer' })
  limit: number;

  @ApiProperty({ type: 'integer' })
  offset: number;
}
