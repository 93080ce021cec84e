import { applyDecorators, Controller } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { Role } from '@shop/contracts';
import { Roles } from '@shop/platform';

/** A controller of the strangler's admin API: under admin/strangler, admins only, described once for OpenAPI. */
export function StranglerAdminApi(): ClassDecorator {
  return applyDecorators(
    ApiTags('strangler'),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'missing, invalid or expired token' }),
    ApiForbiddenResponse({ description: 'admins only' }),
    Roles(Role.Admin),
    Controller('admin/strangler'),
  );
}
