import { generalisePath, matchesPath, parseJsonPath, type JsonPath } from './json-path.js';
import { canonicalJson, differences, normalise } from './shadow-rules.js';

const path = (text: string): JsonPath => {
  const parsed = parseJsonPath(text);
  if ('problem' in parsed) throw new Error(parsed.problem);
  return parsed;
};

describe('shadow rules by JSON path', () => {
  it.each([
    ['$.status', ['status'], true],
    ['$.status', ['order', 'status'], false],
    ['$.items[*].updatedAt', ['items', 3, 'updatedAt'], true],
    ['$.items[*].updatedAt', ['items', 'x', 'updatedAt'], true],
    ['$.items[*].updatedAt', ['items', 3, 'createdAt'], false],
    ['$.items[1].updatedAt', ['items', 1, 'updatedAt'], true],
    ['$.items[1].updatedAt', ['items', 2, 'updatedAt'], false],
    ['$..updatedAt', ['updatedAt'], true],
    ['$..updatedAt', ['items', 0, 'lines', 2, 'updatedAt'], true],
    ['$..updatedAt', ['items', 0, 'updatedAtX'], false],
    ['$.items..sku', ['items', 0, 'product', 'sku'], true],
    ['$.items..sku', ['sku'], false],
    ['$.*.id', ['customer', 'id'], true],
    ["$['odd key'].x", ['odd key', 'x'], true],
    ['updatedAt', ['items', 0, 'updatedAt'], true],
  ])('%s matches %j: %s', (text, steps, expected) => {
    expect(matchesPath(path(text), steps)).toBe(expected);
  });

  it('reads a bare name as that field at any depth, as shadowIgnores always meant', () => {
    expect(path('updatedAt').text).toBe('$..updatedAt');
  });

  it.each([
    '',
    '$',
    'items[*]',
    '$.items[',
    '$.items[-1]',
    '$..',
    '$.a b',
    '$.items[?(@.price > 1)]',
    `$.${'a'.repeat(200)}`,
    "$['\u0000']",
    "$['a\nb']",
  ])('refuses %j with the reason', (text) => {
    expect(parseJsonPath(text)).toEqual({ problem: expect.any(String) });
  });

  it('names a concrete path the way a rule names it, indexes generalised', () => {
    expect(generalisePath(['items', 2, 'lines', 0, 'odd key'])).toBe("$.items[*].lines[*]['odd key']");
    expect(differences({ items: [{ p: 1 }, { p: 2 }] }, { items: [{ p: 1 }, { p: 3 }] })).toEqual([
      { path: '$.items[1].p', pattern: '$.items[*].p', monolith: 2, service: 3 },
    ]);
  });
});

describe('normalising an answer before comparing', () => {
  const answer = {
    id: 'o-1',
    updatedAt: 'top',
    items: [
      { sku: 'B', updatedAt: 't1', tags: ['x', 'y'] },
      { sku: 'A', updatedAt: 't2', tags: ['y', 'x'] },
    ],
  };

  it('drops only what the paths name', () => {
    expect(normalise(answer, { ignore: ['$.items[*].updatedAt'], unordered: [] })).toEqual({
      id: 'o-1',
      updatedAt: 'top',
      items: [
        { sku: 'B', tags: ['x', 'y'] },
        { sku: 'A', tags: ['y', 'x'] },
      ],
    });
    expect(normalise(answer, { ignore: ['$..updatedAt', '$.items[*].tags'], unordered: [] })).toEqual({
      id: 'o-1',
      items: [{ sku: 'B' }, { sku: 'A' }],
    });
  });

  it('compares unordered arrays as sets, at any level named, after dropping what is ignored', () => {
    const reordered = { ...answer, items: [{ ...answer.items[1]!, updatedAt: 'other' }, answer.items[0]!] };
    const rules = { ignore: ['updatedAt'], unordered: ['$.items', '$.items[*].tags'] };
    expect(differences(normalise(answer, rules), normalise(reordered, rules))).toEqual([]);
    // Ordered, the same answers differ item by item.
    expect(differences(normalise(answer, { ignore: ['updatedAt'], unordered: [] }), normalise(reordered, rules))).not.toEqual([]);
    // A set is a multiset: a repeated item is not the same as one.
    expect(
      differences(
        normalise({ a: [1, 1, 2] }, { ignore: [], unordered: ['$.a'] }),
        normalise({ a: [2, 1] }, { ignore: [], unordered: ['$.a'] }),
      ),
    ).toHaveLength(2);
  });

  it('sorts unordered items by canonical JSON, whatever the order of their keys', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 1 }] })).toBe(canonicalJson({ a: [{ c: 1, d: 2 }], b: 1 }));
    const rules = { ignore: [], unordered: ['$.items'] };
    expect(normalise({ items: [{ b: 2, a: 1 }, { a: 0 }] }, rules)).toEqual({ items: [{ a: 0 }, { a: 1, b: 2 }] });
  });
});
