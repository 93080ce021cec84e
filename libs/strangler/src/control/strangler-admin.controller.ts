import { Body, Controller, Get, HttpCode, Inject, Param, Post, Put, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { Equals, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { Role } from '@shop/contracts';
import { CurrentUser, ProblemException, Roles, validationProblem, type AuthenticatedUser } from '@shop/platform';
import { RemoteServices } from '../remote/remote-services.js';
import type { CircuitStatus } from '../remote/remote-service.js';
import type { AuditRecord, Route } from '../routing/route-table.js';
import { RouteTable } from '../routing/route-table.js';
import { STRANGLER_MODES, type StranglerMode } from '../routing/strangleable-context.js';
import { ShadowComparer, type ShadowCounts } from '../shadow/shadow-comparer.js';
import { HANDOFF_STEPS, type Handoff, type HandoffDirection, type HandoffStep } from './handoffs.js';
import type { Instance } from './instances.js';
import { MigrationControl, percentFor } from './migration-control.js';
import { StranglerAgent } from './strangler-agent.js';
import { SchemaJanitor } from './schema-janitor.js';

/** The `Route` of the HTTP contract, exactly. */
class RouteResponseDto {
  @ApiProperty() context: string;
  @ApiProperty({ enum: STRANGLER_MODES, description: '`retired`: the data was handed off; only the service serves it' })
  mode: StranglerMode;
  @ApiProperty({ minimum: 0, maximum: 100 }) percent: number;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
  @ApiProperty() updatedBy: string;
}

const toContract = ({ context, mode, percent, updatedAt, updatedBy }: Route): RouteResponseDto => ({
  context,
  mode,
  percent,
  updatedAt,
  updatedBy,
});

/** A strangleable context's whole migration state: its route, the freeze, where its data is, its last handoff. */
class ContextStateResponseDto {
  @ApiProperty() context: string;
  @ApiProperty({ description: 'the app that serves it when extracted' }) service: string;
  @ApiProperty({ type: RouteResponseDto }) route: RouteResponseDto;
  @ApiPropertyOptional({ format: 'date-time', description: 'set while a handoff freezes writes' }) frozenSince?: string;
  @ApiProperty({ enum: ['home', 'own'], description: "where its data lives: the shared database, or the service's own" })
  dataLocation: 'home' | 'own';
  @ApiPropertyOptional({ description: 'its last handoff, if any' }) handoff?: Handoff;
  @ApiPropertyOptional({
    enum: ['closed', 'open', 'half-open', 'isolated'],
    description: 'the circuit to its service as the answering monolith instance sees it (absent without a broker): `open` refuses calls',
  })
  circuit?: CircuitStatus;
}

class RoutesResponseDto {
  @ApiProperty({ type: [RouteResponseDto] }) routes: RouteResponseDto[];
}

export class ChangeRouteRequestDto {
  @ApiProperty({ enum: STRANGLER_MODES, description: '`retired` is reached only by a handoff' })
  @IsIn(STRANGLER_MODES)
  mode: StranglerMode;

  @ApiPropertyOptional({ minimum: 0, maximum: 100, description: 'canary only (required there): share of users served by the service' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  percent?: number;
}

class AuditQueryDto {
  @ApiPropertyOptional({ description: 'one context only' })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z][a-z0-9-]{0,40}$/)
  context?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit: number = 50;
}

class StartHandoffRequestDto {
  @ApiProperty({
    enum: ['out', 'back'],
    description: "`out`: to the service's own database (then `retired`); `back`: to the shared one (then `service`)",
  })
  @IsIn(['out', 'back'])
  direction: HandoffDirection;

  @ApiPropertyOptional({ enum: HANDOFF_STEPS, description: 'hold the handoff after this step (frozen) until it is resumed, to inspect it' })
  @IsOptional()
  @IsIn(HANDOFF_STEPS)
  @MaxLength(20)
  until?: HandoffStep;
}

class CleanupRequestDto {
  @ApiProperty({ description: 'must be true: the retired copies are dropped for good' })
  @Equals(true, { message: 'confirm must be true: the retired copies are dropped for good' })
  confirm: boolean;
}

/** The strangler's control: which side serves each strangleable context, and handing a context's data over. */
@ApiTags('strangler')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'missing, invalid or expired token' })
@ApiForbiddenResponse({ description: 'admins only' })
@Roles(Role.Admin)
@Controller('admin/strangler')
export class StranglerAdminController {
  constructor(
    @Inject(RouteTable) private readonly routes: RouteTable,
    @Inject(MigrationControl) private readonly control: MigrationControl,
    @Inject(ShadowComparer) private readonly shadow: ShadowComparer,
    @Inject(StranglerAgent) private readonly agent: StranglerAgent,
    @Inject(SchemaJanitor) private readonly janitor: SchemaJanitor,
    @Inject(RemoteServices) private readonly remotes: RemoteServices,
  ) {}

  @Get('routes')
  @ApiOperation({ summary: 'List the strangler routes' })
  @ApiOkResponse({ type: RoutesResponseDto, description: 'one route per bounded context that can be strangled' })
  list(): RoutesResponseDto {
    const known = new Set(this.agent.contextNames());
    return {
      routes: this.routes
        .list()
        .filter((route) => known.has(route.context))
        .map(toContract),
    };
  }

  @Get('contexts')
  @ApiOperation({
    summary: 'Show every strangleable context with its migration state',
    description: 'route, freeze, data location, last handoff, circuit',
  })
  @ApiOkResponse({ type: [ContextStateResponseDto] })
  async contexts(): Promise<{ contexts: ContextStateResponseDto[] }> {
    const contexts: ContextStateResponseDto[] = [];
    for (const context of this.agent.contextNames()) {
      const route = this.routes.get(context);
      if (!route) continue;
      const handoff = await this.control.handoff(context).catch(() => undefined);
      const circuit = this.remotes.for(context)?.circuit;
      contexts.push({
        context,
        service: this.control.descriptor(context).service,
        route: toContract(route),
        ...(route.frozenSince ? { frozenSince: route.frozenSince } : {}),
        dataLocation: route.dataLocation,
        ...(handoff ? { handoff } : {}),
        ...(circuit ? { circuit } : {}),
      });
    }
    return { contexts };
  }

  @Put('routes/:context')
  @ApiOperation({ summary: 'Choose which side serves a context' })
  @ApiOkResponse({ type: RouteResponseDto })
  @ApiNotFoundResponse({ description: 'no strangleable context of that name' })
  @ApiConflictResponse({
    description: 'the mode needs a broker, a live service or monoliths hosting the context; or a handoff rules it out',
  })
  async change(
    @Param('context') context: string,
    @Body() body: ChangeRouteRequestDto,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<RouteResponseDto> {
    this.control.descriptor(context);
    if (body.mode === 'retired') return toContract(await this.control.changeRoute(context, body.mode, 100, user.id));
    const percent = percentFor(body.mode, body.percent);
    if ('problem' in percent) throw validationProblem([{ field: 'percent', message: percent.problem }]);
    return toContract(await this.control.changeRoute(context, body.mode, percent.percent, user.id));
  }

  @Get('shadow')
  @ApiOperation({ summary: 'Count the shadow comparisons' })
  @ApiOkResponse({
    description: 'shadow comparisons so far on this instance: { context: { route: { matches, mismatches, unavailable } } }',
  })
  shadowCounts(): Record<string, Record<string, ShadowCounts>> {
    return this.shadow.snapshot();
  }

  @Get('instances')
  @ApiOperation({
    summary: 'List the live instances of every app',
    description: 'each with what it last reported about the strangleable contexts',
  })
  @ApiOkResponse({ description: '{ instances: [{ id, app, startedAt, seenAt, report }] }' })
  async instances(): Promise<{ instances: Instance[] }> {
    return { instances: await this.agent.registry.alive() };
  }

  @Get('audit')
  @ApiOperation({ summary: 'Read the audit trail', description: 'route changes and handoff steps, newest first' })
  @ApiOkResponse({ description: '{ entries: [{ id, context, action, by, at, from?, to?, details? }] }' })
  async audit(@Query() query: AuditQueryDto): Promise<{ entries: AuditRecord[] }> {
    if (query.context) this.control.descriptor(query.context);
    return { entries: await this.routes.history(query.context, query.limit) };
  }

  @Get('handoffs/:context')
  @ApiOperation({
    summary: "Show a context's handoff",
    description: 'its status, the last step completed, counts and hashes per table, the freeze window',
  })
  @ApiOkResponse({ description: 'the handoff' })
  @ApiNotFoundResponse({ description: 'no such context, or it was never handed off' })
  handoff(@Param('context') context: string): Promise<Handoff> {
    return this.control.handoff(context);
  }

  @Post('handoffs/:context')
  @HttpCode(202)
  @ApiOperation({
    summary: "Hand a context's data to its service, or back",
    description: 'Freeze writes, drain, copy, verify, switch, unfreeze. Runs in the service; follow it with GET.',
  })
  @ApiAcceptedResponse({ description: 'the handoff, started' })
  @ApiNotFoundResponse({ description: 'no strangleable context of that name' })
  @ApiConflictResponse({
    description: 'not in the mode a handoff starts from, no live service, a service without its own database, or a handoff under way',
  })
  startHandoff(
    @Param('context') context: string,
    @Body() body: StartHandoffRequestDto,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<Handoff> {
    return this.control.startHandoff(context, body.direction, body.until, user.id);
  }

  @Post('handoffs/:context/resume')
  @HttpCode(200)
  @ApiOperation({ summary: 'Resume a held or interrupted handoff' })
  @ApiOkResponse({ description: 'the handoff, running again' })
  @ApiNotFoundResponse({ description: 'no such context, or it was never handed off' })
  @ApiConflictResponse({ description: 'the handoff is not held or interrupted' })
  resume(@Param('context') context: string, @CurrentUser() user: AuthenticatedUser): Promise<Handoff> {
    return this.control.resume(context, user.id);
  }

  @Post('handoffs/:context/abort')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Abort a held or interrupted handoff',
    description: 'only before its switch: writes are accepted again, the data stays where it was',
  })
  @ApiOkResponse({ description: 'the handoff, aborted' })
  @ApiNotFoundResponse({ description: 'no such context, or it was never handed off' })
  @ApiConflictResponse({ description: 'not held or interrupted, or already switched' })
  abort(@Param('context') context: string, @CurrentUser() user: AuthenticatedUser): Promise<Handoff> {
    return this.control.abort(context, user.id);
  }

  @Post('handoffs/:context/cleanup')
  @HttpCode(200)
  @ApiOperation({
    summary: "Drop a context's retired copies in the shared database",
    description: 'the copies a handoff renamed and kept, unused',
  })
  @ApiOkResponse({ description: '{ dropped: [schema] }' })
  @ApiNotFoundResponse({ description: 'no strangleable context of that name' })
  @ApiConflictResponse({ description: 'a handoff is under way' })
  async cleanup(
    @Param('context') context: string,
    @Body() _body: CleanupRequestDto,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<{ dropped: string[] }> {
    this.control.descriptor(context);
    if (this.routes.get(context)?.frozenSince)
      throw ProblemException.of(409, 'handoff-in-progress', `A handoff of ${context} is under way.`);
    const dropped = await this.janitor.dropRetiredCopies(context);
    await this.routes.audit(context, { action: 'handoff.cleanup', by: user.id, details: { dropped } });
    return { dropped };
  }
}
