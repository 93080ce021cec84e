import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { JwtKeyPair } from './jwt-keys.js';

export const JWT_ALGORITHM = 'RS256';
export const JWT_ISSUER = 'shop';
export const JWT_AUDIENCE = 'shop-api';
export const ACCESS_TOKEN_TTL_SECONDS = 3600;

/** The authenticated caller as every context sees it. */
export interface AuthenticatedUser {
  id: string;
  roles: string[];
}

export interface AccessTokenClaims {
  sub: string;
  roles: string[];
  iss: string;
  aud: string | string[];
  iat: number;
  exp: number;
}

/** The verification rules, of the global guard and of services that verify a forwarded token. */
export const JWT_VERIFY_OPTIONS = {
  algorithms: [JWT_ALGORITHM],
  issuer: JWT_ISSUER,
  audience: JWT_AUDIENCE,
} satisfies jwt.VerifyOptions;

export class InvalidTokenError extends Error {}

/** Checks the claims jsonwebtoken does not insist on: exp must be present, sub and roles well-formed. */
export function toAuthenticatedUser(claims: Partial<AccessTokenClaims>): AuthenticatedUser {
  if (typeof claims.exp !== 'number') throw new InvalidTokenError('token has no exp claim');
  if (typeof claims.sub !== 'string' || claims.sub === '') throw new InvalidTokenError('token has no sub claim');
  if (!Array.isArray(claims.roles) || !claims.roles.every((role) => typeof role === 'string')) {
    throw new InvalidTokenError('token has no roles claim');
  }
  return { id: claims.sub, roles: claims.roles };
}

/**
 * Signs and verifies RS256 access tokens; the algorithm, issuer and audience are pinned. The PEM keys
 * are parsed once: given a PEM string, jsonwebtoken parses it on every call, which cost about a
 * sixth of the CPU of an authenticated GET (docs/benchmarks.md).
 */
export class TokenService {
  private readonly signingKey: KeyObject;
  readonly verificationKey: KeyObject;

  constructor(private readonly keys: JwtKeyPair) {
    this.signingKey = createPrivateKey(keys.privateKey);
    this.verificationKey = createPublicKey(keys.publicKey);
  }

  get publicKey(): string {
    return this.keys.publicKey;
  }

  issue(user: AuthenticatedUser): { accessToken: string; tokenType: 'Bearer'; expiresIn: number } {
    const accessToken = jwt.sign({ roles: user.roles }, this.signingKey, {
      algorithm: JWT_ALGORITHM,
      issuer: JWT_ISSUER,
      audience: JWT_AUDIENCE,
      subject: user.id,
      expiresIn: ACCESS_TOKEN_TTL_SECONDS,
    });
    return { accessToken, tokenType: 'Bearer', expiresIn: ACCESS_TOKEN_TTL_SECONDS };
  }

  verify(token: string): AuthenticatedUser {
    let claims: string | jwt.JwtPayload;
    try {
      claims = jwt.verify(token, this.verificationKey, JWT_VERIFY_OPTIONS);
    } catch (error) {
      throw new InvalidTokenError((error as Error).message);
    }
    if (typeof claims === 'string') throw new InvalidTokenError('token payload is not a JSON object');
    return toAuthenticatedUser(claims as Partial<AccessTokenClaims>);
  }
}
