import { stdSerializers } from 'pino';

/** Where database errors keep the values bound to a query: TypeORM's `parameters`, PGlite's `params` and its options. */
const QUERY_VALUE_KEYS = new Set(['parameters', 'params', 'queryOptions']);
/**
 * PostgreSQL error fields that quote data: `detail` ("Failing row contains (...)", "Key (email)=(...)"),
 * `where` (the statement a function ran) and `internalQuery`. Dropped from errors only: a problem
 * body's `detail` is not data.
 */
const ROW_VALUE_KEYS = new Set(['detail', 'where', 'internalQuery']);
/** Deeper than any log object of ours; a hostile structure is cut there rather than walked. */
const MAX_DEPTH = 8;

type Json = Record<string, unknown>;

/**
 * pino's `err` serializer: the standard one (type, message with causes, stack, own fields, nested
 * errors), minus every query value and quoted row. The SQL text (`query`) and the message stay.
 */
export function serializeError(error: unknown): unknown {
  return scrub(error, 0, new WeakSet());
}

/**
 * pino's `formatters.log`: errors logged under any other key than `err`, or nested in the log object,
 * are serialized and scrubbed the same way (`err` itself is left to its serializer, which runs next).
 */
export function redactErrorsInLog(log: Json): Json {
  const result: Json = {};
  for (const [key, value] of Object.entries(log)) result[key] = key === 'err' ? value : scrub(value, 0, new WeakSet());
  return result;
}

function scrub(value: unknown, depth: number, ancestors: WeakSet<object>): unknown {
  const node: unknown = value instanceof Error ? stdSerializers.err(value) : value;
  if (typeof node !== 'object' || node === null) return node;
  const errorLike = typeof (node as Json).message === 'string';
  if (!Array.isArray(node) && !errorLike && !isPlainObject(node)) return node; // Dates, Buffers, requests: as they are
  if (ancestors.has(node)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[too deep]';
  ancestors.add(node);
  const copy = Array.isArray(node)
    ? node.map((item: unknown) => scrub(item, depth + 1, ancestors))
    : scrubFields(node, errorLike, depth, ancestors);
  ancestors.delete(node);
  return copy;
}

function scrubFields(node: object, errorLike: boolean, depth: number, ancestors: WeakSet<object>): Json {
  const copy: Json = {};
  // for...in, not Object.entries: a serialized error inherits the enumerable shape of its type, message and stack.
  for (const key in node) {
    if (QUERY_VALUE_KEYS.has(key) || (errorLike && ROW_VALUE_KEYS.has(key))) continue;
    const child = (node as Json)[key];
    if (child !== undefined) copy[key] = scrub(child, depth + 1, ancestors);
  }
  return copy;
}

function isPlainObject(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
