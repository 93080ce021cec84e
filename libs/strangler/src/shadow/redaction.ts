/** What a redacted value reads as in a stored sample. */
export const REDACTED = '[redacted]';

/**
 * Field names whose values never leave the process in a shadow sample, compared without case or
 * separators: credentials and secrets if a name contains one of these…
 */
const SECRET_PARTS = ['password', 'passwd', 'secret', 'token', 'apikey', 'authorization', 'cookie', 'signature', 'privatekey'];

/**
 * … and personal data (contact, identity, payment instrument, network) if one of these terms is a
 * word, or a run of words, of the name: `customerEmail`, `billing_address`, `date-of-birth` and
 * `card.number` all are. Whole words, since as mere substrings `ip`, `pan` and `zip` would catch
 * `recipient`, `company` and `zipper`; a term's words may also be written as one (`postcode`).
 *
 * A bare `name` is not personal here: the names in these answers are mostly those of products,
 * categories and the like, and hiding them would hide the very differences samples are kept for.
 * So only names that are a person's are: first, last, display… names and those of a customer,
 * recipient or card holder. Any address is, an IP address being personal data too.
 */
const PERSONAL_TERMS = [
  ['email'],
  ['email', 'address'],
  ['phone'],
  ['phone', 'number'],
  ['mobile'],
  ['fax'],
  ['address'],
  ['street'],
  ['postal'],
  ['post', 'code'],
  ['zip'],
  ['zip', 'code'],
  ['ssn'],
  ['national', 'id'],
  ['passport'],
  ['birth'],
  ['birth', 'date'],
  ['birthday'],
  ['date', 'of', 'birth'],
  ['dob'],
  ['first', 'name'],
  ['last', 'name'],
  ['middle', 'name'],
  ['full', 'name'],
  ['given', 'name'],
  ['family', 'name'],
  ['surname'],
  ['display', 'name'],
  ['user', 'name'],
  ['customer', 'name'],
  ['recipient', 'name'],
  ['holder', 'name'],
  ['cardholder'],
  ['iban'],
  ['card', 'number'],
  ['pan'],
  ['cvc'],
  ['cvv'],
  ['ip'],
  ['ip', 'address'],
];

/** Whether a field's value is a secret or personal, by its name. */
export function isSensitiveField(name: string): boolean {
  const words = wordsOf(name);
  const joined = words.join('');
  return SECRET_PARTS.some((part) => joined.includes(part)) || PERSONAL_TERMS.some((term) => containsTerm(words, term));
}

/** A deep copy with the value of every sensitive field (at any depth) replaced by REDACTED. */
export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value && typeof value === 'object') {
    const hidesValue = namesSensitiveValue(value);
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, isSensitiveField(key) || (hidesValue && key === 'value') ? REDACTED : redact(item)]),
    );
  }
  return value;
}

/**
 * A field given as data rather than as a key, `{ name: 'email', value: 'x@y.z' }` (headers,
 * custom attributes): its name is in a value, so only this shape tells that its value is sensitive.
 */
function namesSensitiveValue(value: object): boolean {
  if (!('value' in value)) return false;
  const name = 'name' in value ? value.name : 'key' in value ? value.key : undefined;
  return typeof name === 'string' && isSensitiveField(name);
}

/** The lower-case words of a camelCase, PascalCase, snake_case, kebab-case or dotted name. */
function wordsOf(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** Whether the term's words follow one another among `words`, or one word is the term written as one. */
function containsTerm(words: string[], term: string[]): boolean {
  const asOneWord = term.join('');
  return words.some((word, at) => sameWord(word, asOneWord) || term.every((part, offset) => sameWord(words[at + offset], part)));
}

/** The same word, or its plural (`emails`, `addresses`). */
function sameWord(word: string | undefined, term: string): boolean {
  return word === term || word === `${term}s` || word === `${term}es`;
}
