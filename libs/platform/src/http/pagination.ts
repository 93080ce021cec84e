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

/** Which slice of a list: what every list query and repository takes. */
export interface PageRequest {
  limit: number;
  offset: number;
}

/** One slice of a list and the size of the whole: the list shape of the API, and what repositories answer. */
export interface Page<T> extends PageRequest {
  items: T[];
  total: number;
}

/** The same page with its items mapped (e.g. domain objects to views). */
export const mapPage = <T, U>(page: Page<T>, map: (item: T) => U): Page<U> => ({ ...page, items: page.items.map(map) });
