import { PasswordPolicyViolationError } from './identity.errors.js';
import { PasswordPolicy } from './password-policy.js';

describe('PasswordPolicy', () => {
  it('accepts 8 to 128 characters', () => {
    expect(() => PasswordPolicy.assertAcceptable('x'.repeat(8))).not.toThrow();
    expect(() => PasswordPolicy.assertAcceptable('x'.repeat(128))).not.toThrow();
  });

  it('rejects fewer than 8 characters', () => {
    expect(() => PasswordPolicy.assertAcceptable('x'.repeat(7))).toThrow(PasswordPolicyViolationError);
  });

  it('rejects more than 128 characters', () => {
    expect(() => PasswordPolicy.assertAcceptable('x'.repeat(129))).toThrow(PasswordPolicyViolationError);
  });
});
