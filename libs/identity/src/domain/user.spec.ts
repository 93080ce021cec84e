import { EmailAddress } from './email-address.js';
import { InvalidDisplayNameError } from './identity.errors.js';
import { User } from './user.js';

const now = new Date('2025-01-01T00:00:00.000Z');
const newUser = (email = 'Ann.Smith@shop.test', roles = ['customer']) => ({
  id: 'user-1',
  email: EmailAddress.of(email),
  passwordHash: 'scrypt$hash',
  roles,
  now,
});

describe('User', () => {
  describe('register', () => {
    it('creates a customer with the given display name, trimmed', () => {
      const user = User.register({ ...newUser(), displayName: '  Ann  ' });
      expect(user.roles).toEqual(['customer']);
      expect(user.displayName).toBe('Ann');
      expect(user.email.value).toBe('ann.smith@shop.test');
      expect(user.passwordHash).toBe('scrypt$hash');
      expect(user.createdAt).toEqual(now);
    });

    it("defaults the display name to the email's local part", () => {
      expect(User.register(newUser()).displayName).toBe('ann.smith');
    });

    it('rejects a blank display name', () => {
      expect(() => User.register({ ...newUser(), displayName: '   ' })).toThrow(InvalidDisplayNameError);
    });

    it('accepts a display name of 100 characters and rejects 101', () => {
      expect(User.register({ ...newUser(), displayName: 'n'.repeat(100) }).displayName).toHaveLength(100);
      expect(() => User.register({ ...newUser(), displayName: 'n'.repeat(101) })).toThrow(InvalidDisplayNameError);
    });
  });

  describe('roles', () => {
    it('holds the roles it was given (an admin who is also a customer, say), named after the email', () => {
      const admin = User.register(newUser('admin@shop.test', ['admin', 'customer']));
      expect(admin.roles).toEqual(['admin', 'customer']);
      expect(admin.displayName).toBe('admin');
    });

    it('refuses an account without a role', () => {
      expect(() => User.register(newUser('nobody@shop.test', []))).toThrow('at least one role');
    });
  });

  it('hands out copies of its roles, so callers cannot change them', () => {
    const user = User.register(newUser());
    user.roles.push('admin');
    expect(user.roles).toEqual(['customer']);
  });

  it('restores a persisted user unchanged', () => {
    const state = {
      id: 'user-2',
      email: EmailAddress.of('bob@shop.test'),
      displayName: 'Bob',
      passwordHash: 'h',
      roles: ['admin' as const],
      createdAt: now,
    };
    const user = User.restore(state);
    expect([user.id, user.email.value, user.displayName, user.passwordHash, user.roles, user.createdAt]).toEqual([
      'user-2',
      'bob@shop.test',
      'Bob',
      'h',
      ['admin'],
      now,
    ]);
  });
});
