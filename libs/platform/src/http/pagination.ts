import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export const PAGE_LIMITS = { defaultLimit: 20, maxLimit: 100 } as const;

/** `?limit=` (1..100, default 20) and `?offset=` (>= 0, default 0), as every list of the API takes them. */
export class PageQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: PAGE_LIMITS.maxLimit, default: PAGE_LIMITS.defaultLimit })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(PAGE_LIMITS.maxLimit)
  limit: number = PAGE_LIMITS.defaultLimit;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  offset: number = 0;
}

/** The list shape of the API. */
export interface PageOf<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}
