import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { TokenService, JWT_VERIFY_OPTIONS, toAuthenticatedUser, type AccessTokenClaims, type AuthenticatedUser } from './token.service.js';

@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(@Inject(TokenService) tokens: TokenService) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: tokens.publicKey,
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
