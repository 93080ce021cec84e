import { ApiProperty } from '@nestjs/swagger';
import type { UserProfile } from '../../application/user-profile.js';

export class UserResponseDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'email', description: 'Normalized to lower case.' })
  email: string;

  @ApiProperty()
  displayName: string;

  @ApiProperty({ type: [String], example: ['customer'], description: '`customer` and/or `admin`.' })
  roles: string[];

  static from(profile: UserProfile): UserResponseDto {
    return Object.assign(new UserResponseDto(), {
      id: profile.id,
      email: profile.email,
      displayName: profile.displayName,
      roles: profile.roles,
    });
  }
}
