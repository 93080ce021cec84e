import { z } from 'zod';

/** Building blocks for configuration slices: each says in its messages what a good value looks like. */
export const variables = {
  port: () =>
    z.coerce
      .number({ error: 'must be a whole number' })
      .int('must be a whole number')
      .min(1, 'must be between 1 and 65535')
      .max(65535, 'must be between 1 and 65535'),

  /** A whole number within [min, max]; `unit` names it in the message (e.g. "milliseconds"). */
  wholeNumber: (min: number, max: number, unit = '') => {
    const what = unit ? `a whole number of ${unit}` : 'a whole number';
    const range = max === Number.MAX_SAFE_INTEGER ? `must not be below ${min}` : `must be between ${min} and ${max}`;
    return z.coerce
      .number({ error: `must be ${what}` })
      .int(`must be ${what}`)
      .min(min, range)
      .max(max, range);
  },

  /** Trimmed; an empty value counts as unset. */
  optionalText: () =>
    z
      .string()
      .trim()
      .transform((value) => (value === '' ? undefined : value))
      .optional(),

  pem: (label: string) =>
    variables.optionalText().refine((value) => value === undefined || value.includes(`-----BEGIN ${label}`), {
      message: `must be a PEM-encoded ${label.toLowerCase()}`,
    }),

  url: (protocols: string[]) =>
    variables.optionalText().refine((value) => value === undefined || protocols.some((protocol) => value.startsWith(`${protocol}://`)), {
      message: `must be a URL starting with ${protocols.map((protocol) => `${protocol}://`).join(' or ')}`,
    }),

  oneOf: <const Values extends readonly [string, ...string[]]>(values: Values) =>
    z.enum(values, { error: `must be one of ${values.join(', ')}` }),

  /** A comma-separated list of names from `allowed` (empty when unset). */
  listOf: <const Values extends readonly [string, ...string[]]>(allowed: Values) =>
    z
      .string()
      .optional()
      .transform((value) =>
        (value ?? '')
          .split(',')
          .map((item) => item.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.enum(allowed, { error: `must be a comma-separated list of ${allowed.join(', ')}` }))),
};
