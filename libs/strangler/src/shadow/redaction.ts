/** What a redacted value reads as in a stored sample. */
export const REDACTED = '[redacted]';

/**
 * Field names whose values never leave the process in a shadow sample, compared without case,
 * `-` or `_`: credentials and secrets if a name contains one of these…
 */
const SECRET_PARTS = ['password', 'passwd', 'secret', 'token', 'apikey', 'authorization', 'cookie', 'signature', 'privatekey'];
/** … and personal data (contact, identity, payment instrument) if a name is one of these. */
const PERSONAL_NAMES = new Set([
  'email',
  'emailaddress',
  'phone',
  'phonenumber',
  'mobile',
  'address',
  'street',
  'postcode',
  'zip',
  'firstname',
  'lastname',
  'fullname',
  'birthdate',
  'dateofbirth',
  'iban',
  'cardnumber',
  'pan',
  'cvc',
  'cvv',
  'ip',
  'ipaddress',
]);

/** Whether a field's value is a secret or personal, by its name. */
export function isSensitiveField(name: string): boolean {
  const key = name.toLowerCase().replace(/[-_]/g, '');
  return PERSONAL_NAMES.has(key) || SECRET_PARTS.some((part) => key.includes(part));
}

/** A deep copy with the value of every sensitive field (at any depth) replaced by REDACTED. */
export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, isSensitiveField(key) ? REDACTED : redact(item)]));
  }
  return value;
}
