import { jsonLines } from './json-lines.js';

const marked = (value: unknown, paths: string[]) =>
  jsonLines(value, paths)
    .filter((line) => line.differs)
    .map((line) => line.text.trim());

describe('jsonLines', () => {
  it('indents a value line by line and marks nothing without differing paths', () => {
    const lines = jsonLines({ id: 'a', items: [{ quantity: 1 }] }, []);
    expect(lines.map((line) => `${line.depth}:${line.text}`)).toEqual([
      '0:{',
      '1:"id": "a",',
      '1:"items": [',
      '2:{',
      '3:"quantity": 1',
      '2:}',
      '1:]',
      '0:}',
    ]);
    expect(lines.some((line) => line.differs)).toBe(false);
  });

  it('marks the line of a differing leaf and only that one', () => {
    expect(marked({ id: 'a', status: 'PENDING' }, ['$.status'])).toEqual(['"status": "PENDING"']);
  });

  it('marks a whole differing subtree, and every index under a [*] path', () => {
    const order = {
      items: [
        { quantity: 1, updatedAt: 'x' },
        { quantity: 2, updatedAt: 'y' },
      ],
      total: { amount: '1.00' },
    };
    expect(marked(order, ['$.total'])).toEqual(['"total": {', '"amount": "1.00"', '}']);
    expect(marked(order, ['$.items[*].updatedAt'])).toEqual(['"updatedAt": "x"', '"updatedAt": "y"']);
    expect(marked(order, ['$.items[1].quantity'])).toEqual(['"quantity": 2,']);
  });

  it('does not take a path for a longer name it prefixes', () => {
    expect(marked({ total: 1, totalCents: 100 }, ['$.total'])).toEqual(['"total": 1,']);
  });

  it("reads an odd field name written as ['name'], and takes nothing else for a pattern", () => {
    expect(marked({ 'unit price': 1, unitXprice: 2 }, ["$['unit price']"])).toEqual(['"unit price": 1,']);
    expect(marked({ a: { b: 1 }, aXb: 2 }, ['$.a.b'])).toEqual(['"b": 1']);
  });
});
