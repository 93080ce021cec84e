import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { PasswordHasher } from '../application/ports/password-hasher.port.js';

export interface ScryptParameters {
  /** CPU/memory cost, a power of two. */
  N: number;
  r: number;
  p: number;
  saltBytes: number;
  keyBytes: number;
}

/** OWASP's scrypt baseline: about 16 MiB and a few tens of milliseconds per hash. */
export const DEFAULT_SCRYPT_PARAMETERS: ScryptParameters = { N: 16384, r: 8, p: 1, saltBytes: 16, keyBytes: 64 };

const PREFIX = 'scrypt';
/** Refuse to derive with stored parameters beyond this, so a tampered row cannot exhaust memory. */
const MAX_MEMORY_BYTES = 256 * 1024 * 1024;

interface StoredHash {
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  key: Buffer;
}

/**
 * Memory-hard hashing with Node's built-in scrypt. Stored as `scrypt$N$r$p$salt$hash` (base64url),
 * so existing hashes stay verifiable after the parameters are raised.
 */
export class ScryptPasswordHasher implements PasswordHasher {
  constructor(private readonly parameters: ScryptParameters = DEFAULT_SCRYPT_PARAMETERS) {}

  async hash(plain: string): Promise<string> {
    const { N, r, p, saltBytes, keyBytes } = this.parameters;
    const salt = randomBytes(saltBytes);
    const key = await derive(plain, salt, keyBytes, { N, r, p });
    return [PREFIX, N, r, p, salt.toString('base64url'), key.toString('base64url')].join('$');
  }

  async verify(plain: string, stored: string): Promise<boolean> {
    const parsed = parse(stored);
    if (!parsed) return false;
    const key = await derive(plain, parsed.salt, parsed.key.length, { N: parsed.N, r: parsed.r, p: parsed.p }).catch(() => undefined);
    return key !== undefined && timingSafeEqual(key, parsed.key);
  }
}

/** NFC first: the same password typed on two keyboards may arrive as different code points. */
function derive(plain: string, salt: Buffer, keyBytes: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(plain.normalize('NFC'), salt, keyBytes, { ...options, maxmem: MAX_MEMORY_BYTES }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

function parse(stored: string): StoredHash | undefined {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== PREFIX) return undefined;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  const salt = Buffer.from(parts[4], 'base64url');
  const key = Buffer.from(parts[5], 'base64url');
  const sane =
    [N, r, p].every((n) => Number.isSafeInteger(n) && n > 0) && 128 * N * r <= MAX_MEMORY_BYTES && salt.length > 0 && key.length > 0;
  return sane ? { N, r, p, salt, key } : undefined;
}
