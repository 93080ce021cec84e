import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsString, Matches, MaxLength, MinLength, ValidateIf } from 'class-validator';
import { IsPlainText } from '@shop/platform';
import { EmailAddress } from '../../domain/email-address.js';
import { PasswordPolicy } from '../../domain/password-policy.js';
import { DISPLAY_NAME_MAX_LENGTH } from '../../domain/user.js';

export class RegisterUserRequestDto {
  @ApiProperty({
    format: 'email',
    maxLength: EmailAddress.MAX_LENGTH,
    example: 'ann@example.com',
    description: 'Compared case-insensitively.',
  })
  @IsString()
  @MaxLength(EmailAddress.MAX_LENGTH)
  @IsEmail()
  email: string;

  @ApiProperty({
    minLength: PasswordPolicy.MIN_LENGTH,
    maxLength: PasswordPolicy.MAX_LENGTH,
    example: 'correct horse battery',
    writeOnly: true,
  })
  @IsString()
  @MinLength(PasswordPolicy.MIN_LENGTH)
  @MaxLength(PasswordPolicy.MAX_LENGTH)
  password: string;

  @ApiPropertyOptional({
    minLength: 1,
    maxLength: DISPLAY_NAME_MAX_LENGTH,
    example: 'Ann',
    description: 'Defaults to the part of the email before the @. No control characters, no bidi overrides or isolates.',
  })
  // Absent is fine; null is not (it is not a name).
  @ValidateIf((_dto: unknown, value: unknown) => value !== undefined)
  @IsString()
  @MaxLength(DISPLAY_NAME_MAX_LENGTH)
  @Matches(/\S/, { message: 'displayName must not be blank' })
  @IsPlainText()
  displayName?: string;
}
