import { Body, Controller, Get, Inject, Param, Put } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { Role } from '@shop/contracts';
import { CurrentUser, Roles, type AuthenticatedUser, ProblemException, validationProblem } from '@shop/platform';
import { RemoteServices } from '../remote/remote-services.js';
import { defaultPercent, RouteTable, type Route } from '../routing/route-table.js';
import { STRANGLER_MODES, StrangleableContexts, type StranglerMode } from '../routing/strangleable-context.js';
import { ShadowComparer, type ShadowCounts } from '../shadow/shadow-comparer.js';

class RouteResponseDto implements Route {
  @ApiProperty() context: string;
  @ApiProperty({ enum: STRANGLER_MODES }) mode: StranglerMode;
  @ApiProperty({ minimum: 0, maximum: 100 }) percent: number;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
  @ApiProperty() updatedBy: string;
}

class RoutesResponseDto {
  @ApiProperty({ type: [RouteResponseDto] }) routes: RouteResponseDto[];
}

export class ChangeRouteRequestDto {
  @ApiProperty({ enum: STRANGLER_MODES })
  @IsIn(STRANGLER_MODES)
  mode: StranglerMode;

  @ApiPropertyOptional({ minimum: 0, maximum: 100, description: 'canary only (required there): share of users served by the service' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  percent?: number;
}

/** The strangler's control: which side serves each strangleable context. */
@ApiTags('strangler')
@ApiBearerAuth()
@ApiForbiddenResponse({ description: 'admins only' })
@Roles(Role.Admin)
@Controller('admin/strangler')
export class StranglerAdminController {
  constructor(
    @Inject(RouteTable) private readonly routes: RouteTable,
    @Inject(StrangleableContexts) private readonly contexts: StrangleableContexts,
    @Inject(RemoteServices) private readonly remotes: RemoteServices,
    @Inject(ShadowComparer) private readonly shadow: ShadowComparer,
  ) {}

  @Get('routes')
  @ApiOperation({ summary: 'List the strangler routes' })
  @ApiOkResponse({ type: RoutesResponseDto, description: 'one route per bounded context that can be strangled' })
  list(): RoutesResponseDto {
    const known = new Set(this.contexts.all().map((context) => context.context));
    return { routes: this.routes.list().filter((route) => known.has(route.context)) };
  }

  @Put('routes/:context')
  @ApiOperation({ summary: 'Choose which side serves a context' })
  @ApiOkResponse({ type: RouteResponseDto })
  @ApiNotFoundResponse({ description: 'no strangleable context of that name' })
  @ApiConflictResponse({ description: 'the mode needs a broker or a live service, and there is none' })
  async change(
    @Param('context') context: string,
    @Body() body: ChangeRouteRequestDto,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<Route> {
    const descriptor = this.contexts.get(context);
    if (!descriptor) throw ProblemException.of(404, 'not-found', `No strangleable context named ${context}.`);
    const percent = percentFor(body);
    if (body.mode !== 'monolith') await this.assertServiceCanServe(context, descriptor.service);
    return this.routes.change(context, body.mode, percent, user.id);
  }

  @Get('shadow')
  @ApiOperation({ summary: 'Count the shadow comparisons' })
  @ApiOkResponse({
    description: 'shadow comparisons so far on this instance: { context: { route: { matches, mismatches, unavailable } } }',
  })
  shadowCounts(): Record<string, Record<string, ShadowCounts>> {
    return this.shadow.snapshot();
  }

  private async assertServiceCanServe(context: string, service: string): Promise<void> {
    const remote = this.remotes.for(context);
    if (!remote)
      throw ProblemException.of(
        409,
        'broker-not-configured',
        `Serving ${context} from ${service} needs a message broker; AMQP_URL is not set.`,
      );
    if (!(await remote.isLive()))
      throw ProblemException.of(409, 'service-not-live', `No live ${service} instance answered; start it before routing ${context} to it.`);
  }
}

function percentFor({ mode, percent }: ChangeRouteRequestDto): number {
  if (mode === 'canary') {
    if (percent === undefined) throw validationProblem([{ field: 'percent', message: 'percent is required for canary' }]);
    return percent;
  }
  if (percent !== undefined && percent !== defaultPercent(mode)) {
    throw validationProblem([
      { field: 'percent', message: `percent is ${defaultPercent(mode)} for ${mode}; it can only be chosen for canary` },
    ]);
  }
  return defaultPercent(mode);
}
