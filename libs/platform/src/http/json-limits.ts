import type { NextFunction, Request, Response } from 'express';
import { ProblemException } from './problem-details.js';

/**
 * How deep a JSON body may nest, objects and arrays alike (the API's deepest body has 3 levels).
 * Validation and transformation recurse per level; without a bound a 64 KiB body overflows the stack.
 */
export const MAX_JSON_DEPTH = 32;

/**
 * Keys that JSON.parse keeps as own fields but class-transformer skips without a word (to stay clear of
 * prototype pollution), so `forbidNonWhitelisted` never sees them. `prototype` joins them for good measure.
 */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** True when `value` nests deeper than `limit`. Walks with a stack of its own, so no depth can overflow it. */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const pending: Array<{ node: unknown; depth: number }> = [{ node: value, depth: 1 }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    if (typeof next.node !== 'object' || next.node === null) continue;
    if (next.depth > limit) return true;
    for (const child of Object.values(next.node)) pending.push({ node: child, depth: next.depth + 1 });
  }
  return false;
}

/** The paths (`items.0.__proto__`) of every prototype key in a parsed body or query. */
export function prototypeKeysIn(value: unknown): string[] {
  const found: string[] = [];
  const pending: Array<{ node: unknown; path: string }> = [{ node: value, path: '' }];
  for (let next = pending.shift(); next; next = pending.shift()) {
    if (typeof next.node !== 'object' || next.node === null) continue;
    for (const [key, child] of Object.entries(next.node)) {
      const path = next.path ? `${next.path}.${key}` : key;
      if (PROTOTYPE_KEYS.has(key)) found.push(path);
      else pending.push({ node: child, path });
    }
  }
  return found;
}

/** The media types the API reads bodies in. */
export const JSON_BODY_TYPES = ['application/json', 'application/*+json'];

/**
 * Before the JSON body parser: a body of any other type (a form, plain text, or one with no type) is
 * refused with 415. The parser would skip it, and the handler would see no fields at all: an update
 * whose fields are all optional would answer 200 and change nothing while the caller believes it did.
 */
export function rejectBodiesThatAreNotJson(request: Request, _response: Response, next: NextFunction): void {
  const hasBody = request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;
  if (!hasBody || request.is(JSON_BODY_TYPES)) return next();
  const type = request.headers['content-type'] ?? 'none';
  next(ProblemException.of(415, 'unsupported-media-type', `The request body is ${type}; this API reads application/json only.`));
}

/** Right after the JSON body parser: a body nested deeper than MAX_JSON_DEPTH is refused before anything walks it. */
export function rejectDeeplyNestedBodies(request: Request, _response: Response, next: NextFunction): void {
  if (!nestsDeeperThan(request.body, MAX_JSON_DEPTH)) return next();
  next(ProblemException.of(400, 'nesting-too-deep', `The request body nests deeper than ${MAX_JSON_DEPTH} levels.`));
}
