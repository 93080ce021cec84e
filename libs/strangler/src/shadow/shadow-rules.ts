import { formatPath, generalisePath, matchesPath, parseJsonPath, type JsonPath, type Step } from './json-path.js';

/** What a context's shadow comparison leaves out or compares as sets, by JSON path. */
export interface ShadowRules {
  /** Values at these paths are dropped before comparing (a bare name: that field at any depth). */
  ignore: string[];
  /** Arrays at these paths are compared as sets: their order does not matter. */
  unordered: string[];
}

/** Rules parsed once, to be applied to every answer. */
export interface CompiledRules {
  ignore: JsonPath[];
  unordered: JsonPath[];
}

const compiledCache = new WeakMap<ShadowRules | string[], CompiledRules>();

/**
 * Parses a context's rules, once per rules object (bare field names alone: ignore rules). A rule
 * that does not parse is refused before it is stored (validateRules), so here it is a bug.
 */
export function compileRules(rules: ShadowRules | string[]): CompiledRules {
  let compiled = compiledCache.get(rules);
  if (!compiled) {
    const parse = (text: string): JsonPath => {
      const path = parseJsonPath(text);
      if ('problem' in path) throw new Error(`shadow rule ${path.problem}`);
      return path;
    };
    const { ignore, unordered } = Array.isArray(rules) ? { ignore: rules, unordered: [] } : rules;
    compiled = { ignore: ignore.map(parse), unordered: unordered.map(parse) };
    compiledCache.set(rules, compiled);
  }
  return compiled;
}

/**
 * A deep copy without the ignored values, with the unordered arrays sorted (by each item's
 * canonical JSON), so that two answers equal but for those compare equal. `rules` may be bare
 * field names to ignore, as a descriptor's `shadowIgnores` are.
 */
export function normalise(value: unknown, rules: ShadowRules | string[]): unknown {
  return normaliseAt(value, compileRules(rules), []);
}

function normaliseAt(value: unknown, rules: CompiledRules, steps: Step[]): unknown {
  if (Array.isArray(value)) {
    const items = value.map((item, index) => normaliseAt(item, rules, [...steps, index]));
    if (!rules.unordered.some((path) => matchesPath(path, steps))) return items;
    return items
      .map((item) => ({ item, key: canonicalJson(item) }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .map(({ item }) => item);
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).flatMap(([key, item]) => {
        const at = [...steps, key];
        return rules.ignore.some((path) => matchesPath(path, at)) ? [] : [[key, normaliseAt(item, rules, at)]];
      }),
    );
  }
  return value;
}

/** JSON with every object's keys sorted: equal values, equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}

/** One place where two answers differ. */
export interface Difference {
  /** `$.items[1].priceCents` */
  path: string;
  /** `$.items[*].priceCents` */
  pattern: string;
  monolith: unknown;
  service: unknown;
}

/** Every place where two JSON values differ, leaves first found first. */
export function differences(monolith: unknown, service: unknown, steps: Step[] = []): Difference[] {
  if (Object.is(monolith, service)) return [];
  const bothObjects =
    monolith &&
    service &&
    typeof monolith === 'object' &&
    typeof service === 'object' &&
    Array.isArray(monolith) === Array.isArray(service);
  if (!bothObjects) return [{ path: formatPath(steps), pattern: generalisePath(steps), monolith, service }];
  const keys = new Set([...Object.keys(monolith as object), ...Object.keys(service as object)]);
  return [...keys].flatMap((key) =>
    differences((monolith as Record<string, unknown>)[key], (service as Record<string, unknown>)[key], [
      ...steps,
      Array.isArray(monolith) ? Number(key) : key,
    ]),
  );
}

/** Paths where two JSON values differ, as `path: monolith ≠ service`. */
export function differencesBetween(monolith: unknown, service: unknown): string[] {
  return differences(monolith, service).map(({ path, monolith: m, service: s }) => `${path}: ${JSON.stringify(m)} ≠ ${JSON.stringify(s)}`);
}
