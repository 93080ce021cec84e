import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { EmailAddress } from '../../domain/email-address.js';
import { PasswordPolicy } from '../../domain/password-policy.js';

export class LogInRequestDto {
  @ApiProperty({ format: 'email', maxLength: EmailAddress.MAX_LENGTH, example: 'ann@example.com' })
  @IsString()
  @MaxLength(EmailAddress.MAX_LENGTH)
  @IsEmail()
  email: string;

  // No minimum here: a too-short password is just a wrong one (401), not a malformed request.
  @ApiProperty({ maxLength: PasswordPolicy.MAX_LENGTH, example: 'correct horse battery', writeOnly: true })
  @IsString()
  @IsNotEmpty()
  @MaxLength(PasswordPolicy.MAX_LENGTH)
  password: string;
}
