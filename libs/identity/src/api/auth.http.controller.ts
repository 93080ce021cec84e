import { Body, Controller, Get, HttpCode, HttpStatus, Ip, Post } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { CurrentUser, Public, type AuthenticatedUser } from '@shop/platform';
import { LogIn } from '../application/commands/log-in/log-in.command.js';
import { RegisterUser } from '../application/commands/register-user/register-user.command.js';
import { GetUser } from '../application/queries/get-user/get-user.query.js';
import { AccessTokenResponseDto } from './dto/access-token.response.dto.js';
import { LogInRequestDto } from './dto/log-in.request.dto.js';
import { RegisterUserRequestDto } from './dto/register-user.request.dto.js';
import { UserResponseDto } from './dto/user.response.dto.js';

@ApiTags('auth')
@Controller('auth')
export class AuthHttpController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly queryBus: QueryBus,
  ) {}

  @Public()
  @Post('register')
  @ApiOperation({
    summary: 'Create a customer account',
    description:
      'Rate limited per client address (default: 10 registrations per hour, REGISTRATION_LIMIT_PER_ADDRESS and ' +
      'REGISTRATION_LIMIT_WINDOW_SECONDS). Every well-formed request counts, a taken email included; beyond the limit ' +
      'the answer is 429 with Retry-After (seconds) and nothing is created.',
  })
  @ApiCreatedResponse({ type: UserResponseDto })
  @ApiBadRequestResponse({ description: 'Invalid body (problem+json naming every bad field).' })
  @ApiConflictResponse({ description: 'The email address is already taken (compared case-insensitively).' })
  @ApiTooManyRequestsResponse({ description: 'Too many registrations from this address; see the Retry-After header (seconds).' })
  async register(@Body() body: RegisterUserRequestDto, @Ip() clientAddress: string): Promise<UserResponseDto> {
    const profile = await this.commandBus.execute(new RegisterUser(body.email, body.password, body.displayName, clientAddress));
    return UserResponseDto.from(profile);
  }

  @Public()
  @Post('login')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Exchange email and password for an access token',
    description:
      'Rate limited, every attempt counted before its password is checked (defaults; see ADR 0012): 5 failures for one ' +
      'email from one client address, or 20 from one address, within 15 minutes, and that pair or address gets 429 ' +
      'with Retry-After until the 15 minutes are over. Beyond 10 failures for one email within an hour, from any ' +
      'addresses, the email is slowed for addresses it has not logged in from in the last 14 days: one attempt at a ' +
      'time, with a Retry-After of 1 s doubling to at most 60 s. Addresses it has logged in from are never slowed by ' +
      'others’ failures. A successful login clears its pair’s count.',
  })
  @ApiOkResponse({ type: AccessTokenResponseDto })
  @ApiBadRequestResponse({ description: 'Invalid body.' })
  @ApiUnauthorizedResponse({ description: 'Wrong email or password (the same answer for both).' })
  @ApiTooManyRequestsResponse({ description: 'Too many failed attempts; see the Retry-After header (seconds).' })
  async logIn(@Body() body: LogInRequestDto, @Ip() clientAddress: string): Promise<AccessTokenResponseDto> {
    const token = await this.commandBus.execute(new LogIn(body.email, body.password, clientAddress));
    return AccessTokenResponseDto.from(token);
  }

  @Get('me')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The account of the caller' })
  @ApiOkResponse({ type: UserResponseDto })
  @ApiUnauthorizedResponse({ description: 'Missing, invalid or expired token.' })
  @ApiNotFoundResponse({ description: 'The token is valid but its user no longer exists.' })
  async me(@CurrentUser() user: AuthenticatedUser): Promise<UserResponseDto> {
    const profile = await this.queryBus.execute(new GetUser(user.id));
    return UserResponseDto.from(profile);
  }
}
