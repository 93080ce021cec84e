import { buildMessage, ValidateBy, type ValidationOptions } from 'class-validator';

/**
 * The small JSONPath subset the shadow's rules are written in: `$`, `.name`, `['odd name']`, `[3]`,
 * `[*]` (any item), `.*` (any field) and `..name` (that field at any depth below). A bare name
 * (`updatedAt`) means `$..updatedAt`, as a descriptor's `shadowIgnores` always meant. Paths are matched
 * against the concrete path of a value inside an answer, never evaluated (no filters, no scripts).
 */

/** One step of a concrete path: a field name or an array index. */
export type Step = string | number;

type Segment = { kind: 'field'; name: string } | { kind: 'index'; index: number } | { kind: 'any' } | { kind: 'deep'; name: string };

export interface JsonPath {
  /** As written (a bare name as `$..name`). */
  text: string;
  segments: Segment[];
}

const MAX_PATH_LENGTH = 200;
const BARE_NAME = /^[A-Za-z_][\w-]*$/;
// A quoted name holds no quote, backslash or control character (PostgreSQL's jsonb, where rules are kept, refuses NUL).
// eslint-disable-next-line no-control-regex
const TOKEN = /^(?:\.\.([A-Za-z_$][\w$-]*)|\.([A-Za-z_$][\w$-]*)|\.\*|\[\*\]|\[(\d{1,9})\]|\['([^'\\\u0000-\u001f\u007f]{1,100})'\])/;

/** Parses a rule's path, or says what is wrong with it. */
export function parseJsonPath(text: string): JsonPath | { problem: string } {
  if (typeof text !== 'string' || text.length === 0 || text.length > MAX_PATH_LENGTH)
    return { problem: `must be a JSON path of 1 to ${MAX_PATH_LENGTH} characters` };
  if (BARE_NAME.test(text)) return { text: `$..${text}`, segments: [{ kind: 'deep', name: text }] };
  if (!text.startsWith('$')) return { problem: `"${text}" must start with $ (or be a bare field name)` };
  const segments: Segment[] = [];
  for (let rest = text.slice(1); rest.length > 0;) {
    const token = TOKEN.exec(rest);
    if (!token) return { problem: `"${text}" is not a JSON path this supports ($.a.b, $.items[*].c, $..c, $.a[0], $['a b'])` };
    const [whole, deep, field, index, quoted] = token;
    if (deep !== undefined) segments.push({ kind: 'deep', name: deep });
    else if (field !== undefined || quoted !== undefined) segments.push({ kind: 'field', name: (field ?? quoted)! });
    else if (index !== undefined) segments.push({ kind: 'index', index: Number(index) });
    else segments.push({ kind: 'any' });
    rest = rest.slice(whole.length);
  }
  if (segments.length === 0) return { problem: `"${text}" names the whole answer; name a part of it` };
  return { text, segments };
}

/** Whether a concrete path (`['items', 0, 'updatedAt']`) is the one `path` names. */
export function matchesPath(path: JsonPath, steps: readonly Step[]): boolean {
  return matchFrom(path.segments, 0, steps, 0);
}

function matchFrom(segments: Segment[], s: number, steps: readonly Step[], i: number): boolean {
  if (s === segments.length) return i === steps.length;
  if (i === steps.length) return false;
  const segment = segments[s]!;
  const step = steps[i]!;
  switch (segment.kind) {
    case 'any':
      return matchFrom(segments, s + 1, steps, i + 1);
    case 'field':
      return step === segment.name && matchFrom(segments, s + 1, steps, i + 1);
    case 'index':
      return step === segment.index && matchFrom(segments, s + 1, steps, i + 1);
    case 'deep':
      // The field here, or anywhere below.
      return (step === segment.name && matchFrom(segments, s + 1, steps, i + 1)) || matchFrom(segments, s, steps, i + 1);
  }
}

/** `$.items[0].updatedAt` */
export function formatPath(steps: readonly Step[]): string {
  return '$' + steps.map(stepText).join('');
}

/** `$.items[*].updatedAt`: the path with every index generalised, as a rule would name it. */
export function generalisePath(steps: readonly Step[]): string {
  return '$' + steps.map((step) => (typeof step === 'number' ? '[*]' : stepText(step))).join('');
}

const stepText = (step: Step): string => (typeof step === 'number' ? `[${step}]` : BARE_NAME.test(step) ? `.${step}` : `['${step}']`);

/** For a rule sent to the admin API: a JSON path this module supports (or a bare field name). */
export function IsShadowPath(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isShadowPath',
      validator: {
        validate: (value) => typeof value === 'string' && !('problem' in parseJsonPath(value)),
        defaultMessage: buildMessage(
          (each) => `${each}$property must be a JSON path ($.a.b, $.items[*].c, $..c, $.a[0], $['a b']) or a bare field name`,
          options,
        ),
      },
    },
    options,
  );
}
