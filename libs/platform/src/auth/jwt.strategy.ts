import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { TokenService, JWT_VERIFY_OPTIONS, toAuthenticatedUser, type AccessTokenClaims, type AuthenticatedUser } from './token.service.js';

@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(@Inject(TokenService) tokens: TokenService) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // The parsed key, not the PEM (which jsonwebtoken would parse on every request). passport-jwt
      // hands it to jsonwebtoken as is, which takes a KeyObject; its types only say string | Buffer.
      secretOrKey: tokens.verificationKey as unknown as Buffer,
      algorithms: JWT_VERIFY_OPTIONS.algorithms,
      issuer: JWT_VERIFY_OPTIONS.issuer,
      audience: JWT_VERIFY_OPTIONS.audience,
      ignoreExpiration: false,
    });
  }

  validate(claims: Partial<AccessTokenClaims>): AuthenticatedUser | false {
    try {
      return toAuthenticatedUser(claims);
    } catch {
      return false;
    }
  }
}
