import { InvalidEmailError } from './identity.errors.js';

/** Structural check only; the API validates the full syntax before a value gets here. */
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+$/;

/**
 * An email address as identity compares it: trimmed and lower-cased, so `Ann@Shop.test` and
 * `ann@shop.test` are one account (the unique index sees only the normalized form).
 */
export class EmailAddress {
  /** RFC 5321's limit on a forward path. */
  static readonly MAX_LENGTH = 254;

  private constructor(readonly value: string) {}

  static of(raw: string): EmailAddress {
    const value = raw.trim().toLowerCase();
    if (value.length > EmailAddress.MAX_LENGTH || !EMAIL_SHAPE.test(value)) throw new InvalidEmailError();
    return new EmailAddress(value);
  }

  /** The part before the last `@`: the default display name. */
  get localPart(): string {
    return this.value.slice(0, this.value.lastIndexOf('@'));
  }

  equals(other: EmailAddress): boolean {
    return this.value === other.value;
  }
}
