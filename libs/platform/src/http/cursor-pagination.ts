import { createHash } from 'node:crypto';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, ValidateBy } from 'class-validator';
import { PageLimit } from './pagination.js';

/**
 * Where a newest-first list stopped: the creation time (ISO-8601, milliseconds) and id of the last row
 * given, the key of a `(created_at DESC, id DESC)` index. The next slice starts strictly after it, so
 * rows written meanwhile (newer) never shift it: no duplicate, no gap.
 */
export interface NewestFirstPosition {
  createdAt: string;
  id: string;
}

/** Which slice of a newest-first list: what keyset list queries and repositories take. */
export interface CursorPageRequest {
  limit: number;
  /** Null: from the newest row. */
  after: NewestFirstPosition | null;
}

/** One slice of a newest-first list and where the next one starts (null: this slice is the last). */
export interface CursorPage<T> {
  items: T[];
  next: NewestFirstPosition | null;
}

/*
 * The cursor is opaque to clients: 29 bytes in base64url (39 characters): a format version, the
 * creation time in epoch milliseconds (int64), the id's 16 bytes, and 4 bytes of SHA-256 over the rest.
 * The check is not a signature (a client able to forge it can only name a position in its own list,
 * which it may read anyway); it makes an edited or truncated cursor a 400 rather than another page.
 */
const FORMAT = 1;
const BYTES = { millis: 1, id: 9, check: 25, total: 29 } as const;
const CURSOR_TEXT = /^[A-Za-z0-9_-]{39}$/;
/** Years 1 to 9999: what both a four-digit ISO-8601 year and PostgreSQL's timestamptz hold. */
const MILLIS_RANGE = { min: Date.parse('0001-01-01T00:00:00.000Z'), max: Date.parse('9999-12-31T23:59:59.999Z') };
const ISO_MILLIS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const checkOf = (bytes: Buffer): Buffer =>
  createHash('sha256')
    .update(bytes)
    .digest()
    .subarray(0, BYTES.total - BYTES.check);

/** The cursor naming a position; the position must be one a row of ours has (an ISO timestamp in milliseconds and a UUID). */
export function encodeCursor({ createdAt, id }: NewestFirstPosition): string {
  if (!ISO_MILLIS.test(createdAt) || !UUID.test(id)) throw new Error(`Not a newest-first position: ${createdAt} ${id}`);
  const bytes = Buffer.alloc(BYTES.total);
  bytes.writeUInt8(FORMAT, 0);
  bytes.writeBigInt64BE(BigInt(Date.parse(createdAt)), BYTES.millis);
  Buffer.from(id.replaceAll('-', ''), 'hex').copy(bytes, BYTES.id);
  checkOf(bytes.subarray(0, BYTES.check)).copy(bytes, BYTES.check);
  return bytes.toString('base64url');
}

/** The position a cursor names, or undefined for anything `encodeCursor` did not make (edited, truncated, padded, another format). */
export function decodeCursor(cursor: unknown): NewestFirstPosition | undefined {
  if (typeof cursor !== 'string' || !CURSOR_TEXT.test(cursor)) return undefined;
  const bytes = Buffer.from(cursor, 'base64url');
  // Base64 has several spellings of the last bits of a 29-byte value: only the canonical one is ours.
  if (bytes.length !== BYTES.total || bytes.toString('base64url') !== cursor || bytes[0] !== FORMAT) return undefined;
  if (!checkOf(bytes.subarray(0, BYTES.check)).equals(bytes.subarray(BYTES.check))) return undefined;
  const millis = Number(bytes.readBigInt64BE(BYTES.millis));
  if (millis < MILLIS_RANGE.min || millis > MILLIS_RANGE.max) return undefined;
  const hex = bytes.subarray(BYTES.id, BYTES.check).toString('hex');
  const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  return { createdAt: new Date(millis).toISOString(), id };
}

/** `?limit=` (1..100, default 20, as for offset lists) and `?cursor=` (a `nextCursor` this API answered; none: the newest first). */
export class CursorPageQuery extends PageLimit {
  @ApiPropertyOptional({ description: 'the `nextCursor` of the previous page, as it was given; absent: the first page' })
  @IsOptional()
  @ValidateBy({
    name: 'isCursor',
    validator: {
      validate: (value) => decodeCursor(value) !== undefined,
      defaultMessage: () => 'cursor must be a nextCursor this API answered',
    },
  })
  cursor?: string;
}

/**
 * Where a validated query continues: null for the first page. A function rather than a getter on the
 * query, which class-transformer would skip over, letting an `?after=` through the unknown-field check.
 */
export const positionAfter = (query: CursorPageQuery): NewestFirstPosition | null =>
  query.cursor === undefined ? null : (decodeCursor(query.cursor) ?? null);
