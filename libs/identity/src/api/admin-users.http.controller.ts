import { Body, Controller, Param, Put } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Role } from '@shop/contracts';
import { CurrentUser, Roles, UuidParamPipe, type AuthenticatedUser } from '@shop/platform';
import { ChangeRoles } from '../application/commands/change-roles/change-roles.command.js';
import { ChangeRolesRequestDto } from './dto/change-roles.request.dto.js';
import { UserResponseDto } from './dto/user.response.dto.js';

/** What admins do to accounts. */
@ApiTags('admin')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'Missing, invalid or expired token.' })
@ApiForbiddenResponse({ description: 'Admins only.' })
@Roles(Role.Admin)
@Controller('admin/users')
export class AdminUsersHttpController {
  constructor(private readonly commandBus: CommandBus) {}

  @Put(':id/roles')
  @ApiOperation({
    summary: "Set a user's roles",
    description: 'The list replaces the roles the user held. Tokens already issued keep their roles until they expire.',
  })
  @ApiOkResponse({ type: UserResponseDto })
  @ApiBadRequestResponse({ description: 'Not a uuid, or roles not a non-empty list of known roles.' })
  @ApiNotFoundResponse({ description: 'No such user.' })
  @ApiConflictResponse({ description: 'An admin cannot take their own admin role away.' })
  async changeRoles(
    @Param('id', UuidParamPipe) id: string,
    @Body() body: ChangeRolesRequestDto,
    @CurrentUser() admin: AuthenticatedUser,
  ): Promise<UserResponseDto> {
    return UserResponseDto.from(await this.commandBus.execute(new ChangeRoles(id, body.roles, admin.id)));
  }
}
