import { DEFAULT_SCRYPT_PARAMETERS, ScryptPasswordHasher } from './scrypt-password-hasher.js';

/** Cheap parameters keep the suite fast; the format and checks are the same. */
const fast = new ScryptPasswordHasher({ ...DEFAULT_SCRYPT_PARAMETERS, N: 1024 });

describe('ScryptPasswordHasher', () => {
  it('stores scrypt$N$r$p$salt$hash with the default parameters, never the password', async () => {
    const stored = await new ScryptPasswordHasher().hash('correct horse battery');
    const [prefix, N, r, p, salt, key] = stored.split('$');
    expect([prefix, N, r, p]).toEqual(['scrypt', '16384', '8', '1']);
    expect(Buffer.from(salt, 'base64url')).toHaveLength(16);
    expect(Buffer.from(key, 'base64url')).toHaveLength(64);
    expect(stored).not.toContain('correct horse battery');
  });

  it('verifies the right password and rejects a wrong one', async () => {
    const stored = await fast.hash('correct horse battery');
    await expect(fast.verify('correct horse battery', stored)).resolves.toBe(true);
    await expect(fast.verify('correct horse batterY', stored)).resolves.toBe(false);
  });

  it('salts every hash, so equal passwords hash differently', async () => {
    expect(await fast.hash('same password')).not.toBe(await fast.hash('same password'));
  });

  it('verifies hashes made with other parameters, read from the stored string', async () => {
    const stored = await fast.hash('correct horse battery');
    await expect(new ScryptPasswordHasher().verify('correct horse battery', stored)).resolves.toBe(true);
  });

  it('treats differently composed Unicode as the same password', async () => {
    const stored = await fast.hash('caf\u00e9-password');
    await expect(fast.verify('cafe\u0301-password', stored)).resolves.toBe(true);
  });

  it.each([
    ['empty', ''],
    ['another algorithm', 'bcrypt$2b$10$abc'],
    ['missing parts', 'scrypt$16384$8$1$c2FsdA'],
    ['non-numeric cost', 'scrypt$abc$8$1$c2FsdA$a2V5'],
    ['too much memory', 'scrypt$1073741824$8$1$c2FsdA$a2V5'],
    ['a cost scrypt refuses', 'scrypt$1000$8$1$c2FsdA$a2V5'],
  ])('answers false for an unreadable stored hash (%s)', async (_case, stored) => {
    await expect(fast.verify('whatever-password', stored)).resolves.toBe(false);
  });
});
