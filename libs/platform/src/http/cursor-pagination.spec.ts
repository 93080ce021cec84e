import { createHash } from 'node:crypto';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { CursorPageQuery, decodeCursor, encodeCursor, positionAfter } from './cursor-pagination.js';

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const position = { createdAt: '2026-12-02T10:11:12.345Z', id: '0b7e6c1a-4a5f-4d2e-9c3b-8f1e2d3c4b5a' };

describe('newest-first cursors', () => {
  it('encode a position in 39 base64url characters and decode to the same position', () => {
    const cursor = encodeCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]{39}$/);
    expect(decodeCursor(cursor)).toEqual(position);
  });

  it('decode an id written in upper case to lower case', () => {
    expect(decodeCursor(encodeCursor({ ...position, id: position.id.toUpperCase() }))).toEqual(position);
  });

  it.each([
    ['the first moment of year 1', '0001-01-01T00:00:00.000Z'],
    ['the last moment of year 9999', '9999-12-31T23:59:59.999Z'],
    ['a moment before 1970', '1969-07-20T20:17:40.000Z'],
  ])('hold %s', (_case, createdAt) => {
    expect(decodeCursor(encodeCursor({ ...position, createdAt }))).toEqual({ ...position, createdAt });
  });

  it('refuse to encode what is not a position of ours', () => {
    expect(() => encodeCursor({ ...position, createdAt: '2026-12-02' })).toThrow('Not a newest-first position');
    expect(() => encodeCursor({ ...position, id: 'not-a-uuid' })).toThrow('Not a newest-first position');
  });

  const cursor = encodeCursor(position);
  const bytes = () => Buffer.from(cursor, 'base64url');
  const withByte = (index: number, value: number) => {
    const edited = bytes();
    edited[index] = value;
    return edited.toString('base64url');
  };

  it.each([
    ['a number', 42],
    ['undefined', undefined],
    ['empty', ''],
    ['not base64url', '+'.repeat(39)],
    ['padded', `${cursor}=`],
    ['truncated', cursor.slice(0, -1)],
    ['one byte longer', Buffer.concat([bytes(), Buffer.from([0])]).toString('base64url')],
    ['another format version', withByte(0, 2)],
    ['an edited time', withByte(3, bytes()[3]! ^ 1)],
    ['an edited id', withByte(12, bytes()[12]! ^ 1)],
    ['an edited check', withByte(28, bytes()[28]! ^ 1)],
    // 29 bytes leave 2 unused bits in the last character: only the spelling with them zero is ours.
    ['a non-canonical last character', `${cursor.slice(0, -1)}${BASE64URL[BASE64URL.indexOf(cursor[38]!) + 1]}`],
  ])('decode nothing from %s', (_case, text) => {
    expect(decodeCursor(text)).toBeUndefined();
  });

  it('decode nothing from a well-checked cursor whose time is outside years 1 to 9999', () => {
    const forged = bytes();
    forged.writeBigInt64BE(BigInt(Date.parse('+010000-01-01T00:00:00.000Z')), 1);
    createHash('sha256').update(forged.subarray(0, 25)).digest().subarray(0, 4).copy(forged, 25);
    expect(decodeCursor(forged.toString('base64url'))).toBeUndefined();
  });
});

describe('CursorPageQuery', () => {
  const check = async (query: Record<string, unknown>) => {
    const dto = plainToInstance(CursorPageQuery, query);
    return { dto, errors: (await validate(dto)).flatMap((error) => Object.values(error.constraints ?? {})) };
  };

  it('takes no cursor as the first page, limit 20', async () => {
    const { dto, errors } = await check({});
    expect(errors).toEqual([]);
    expect(dto.limit).toBe(20);
    expect(positionAfter(dto)).toBeNull();
  });

  it('gives the position of a good cursor', async () => {
    const { dto, errors } = await check({ cursor: encodeCursor(position), limit: '5' });
    expect(errors).toEqual([]);
    expect(dto.limit).toBe(5);
    expect(positionAfter(dto)).toEqual(position);
  });

  it('refuses a cursor it did not make, and limits outside 1..100', async () => {
    expect((await check({ cursor: 'abc' })).errors).toEqual(['cursor must be a nextCursor this API answered']);
    expect((await check({ limit: '0' })).errors).toHaveLength(1);
    expect((await check({ limit: '101' })).errors).toHaveLength(1);
  });
});
