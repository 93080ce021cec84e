import { ApiProperty } from '@nestjs/swagger';
import type { AccessToken } from '../../application/commands/log-in/log-in.command.js';

export class AccessTokenResponseDto {
  @ApiProperty({ description: 'RS256 JWT; send as `Authorization: Bearer <accessToken>`.' })
  accessToken: string;

  @ApiProperty({ enum: ['Bearer'] })
  tokenType: 'Bearer';

  @ApiProperty({ description: 'Seconds until the token expires.', example: 3600 })
  expiresIn: number;

  static from(token: AccessToken): AccessTokenResponseDto {
    return Object.assign(new AccessTokenResponseDto(), {
      accessToken: token.accessToken,
      tokenType: token.tokenType,
      expiresIn: token.expiresIn,
    });
  }
}
