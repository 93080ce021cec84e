import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/**
 * `maxOffset` bounds what one list query may skip: an offset is rows PostgreSQL reads and throws away,
 * and a bound well inside bigint and Number.MAX_SAFE_INTEGER keeps `1e20` from reaching the database.
 */
export const PAGE_LIMITS = { defaultLimit: 20, maxLimit: 100, maxOffset: 1_000_000 } as const;

/** `?limit=` (1..100, default 20): how many items a page of any list holds, offset or cursor. */
export class PageLimit {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: PAGE_LIMITS.maxLimit, default: PAGE_LIMITS.defaultLimit })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(PAGE_LIMITS.maxLimit)
  limit: number = PAGE_LIMITS.defaultLimit;
}

/** `?limit=` (1..100, default 20) and `?offset=` (0..1 000 000, default 0), as every list of the API takes them. */
export class PageQuery extends PageLimit {
  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: PAGE_LIMITS.maxOffset, default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(PAGE_LIMITS.maxOffset)
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
