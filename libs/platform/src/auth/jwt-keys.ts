import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { IN_MEMORY, type PlatformConfig } from '../config/platform.config.js';

export interface JwtKeyPair {
  privateKey: string;
  publicKey: string;
}

/**
 * Configured keys win. In development a key pair is generated once under DATA_DIR/keys and
 * reused, so tokens survive restarts. Production never gets here without keys (config refuses).
 */
export function resolveJwtKeys(config: Pick<PlatformConfig, 'jwt' | 'dataDir'>): JwtKeyPair {
  const { privateKey, publicKey } = config.jwt;
  if (privateKey && publicKey) return { privateKey, publicKey };
  if (config.dataDir === IN_MEMORY) return generateRsaKeyPair();

  const dir = join(config.dataDir, 'keys');
  const privatePath = join(dir, 'jwt-private.pem');
  const publicPath = join(dir, 'jwt-public.pem');
  if (!existsSync(privatePath) || !existsSync(publicPath)) {
    const generated = generateRsaKeyPair();
    mkdirSync(dir, { recursive: true });
    writeFileSync(privatePath, generated.privateKey, { mode: 0o600 });
    writeFileSync(publicPath, generated.publicKey);
  }
  return { privateKey: readFileSync(privatePath, 'utf8'), publicKey: readFileSync(publicPath, 'utf8') };
}

export function generateRsaKeyPair(): JwtKeyPair {
  return generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
}
