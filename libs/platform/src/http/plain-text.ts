import { buildMessage, ValidateBy, type ValidationOptions } from 'class-validator';

/**
 * Not plain text: the C0 and C1 control characters with NUL and DEL (`\p{Cc}`; PostgreSQL cannot even
 * store NUL), and the bidirectional embeddings, overrides (U+202A–U+202E) and isolates (U+2066–U+2069)
 * that make text display in another order than it is stored.
 */
const NOT_PLAIN_TEXT = /[\p{Cc}\u202A-\u202E\u2066-\u2069]/u;

export const isPlainText = (value: unknown): boolean => typeof value === 'string' && !NOT_PLAIN_TEXT.test(value);

/** For every free-text field of a request (names, display names, skus): a string without control or bidi formatting characters. */
export function IsPlainText(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isPlainText',
      validator: {
        validate: isPlainText,
        defaultMessage: buildMessage(
          (each) => `${each}$property must not contain control characters or bidirectional overrides or isolates`,
          options,
        ),
      },
    },
    options,
  );
}
