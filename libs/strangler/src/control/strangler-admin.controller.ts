import { Body, Get, HttpCode, Inject, Param, Post, Put, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiExtraModels,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  getSchemaPath,
} from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, Equals, IsArray, IsIn, IsInt, IsISO8601, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { CurrentUser, IfPresent, ProblemException, validationProblem, type AuthenticatedUser } from '@shop/platform';
import { StranglerAdminApi } from './strangler-admin-api.js';
import { RemoteServices } from '../remote/remote-services.js';
import type { CircuitStatus } from '../remote/remote-service.js';
import type { AuditRecord, Route } from '../routing/route-table.js';
import { RouteTable } from '../routing/route-table.js';
import { STRANGLER_MODES, type StranglerMode } from '../routing/strangleable-context.js';
import { IsShadowPath } from '../shadow/json-path.js';
import { ShadowSettings, type ShadowSettingsValue } from '../shadow/shadow-settings.js';
import { ShadowStore, type ShadowSampleView, type ShadowSums } from '../shadow/shadow-store.js';
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
  @IfPresent()
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
  @IfPresent()
  @IsIn(HANDOFF_STEPS)
  @MaxLength(20)
  until?: HandoffStep;
}

class CleanupRequestDto {
  @ApiProperty({ description: 'must be true: the retired copies are dropped for good' })
  @Equals(true, { message: 'confirm must be true: the retired copies are dropped for good' })
  confirm: boolean;
}

/** The calendar forms of ISO 8601 that name one instant JavaScript reads (not week, ordinal or basic ones). */
const INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?$/;

class ShadowCountsQueryDto {
  @ApiPropertyOptional({ format: 'date-time', description: 'count only from this moment (default: over the retention)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  @Matches(INSTANT, { message: 'since must be a date-time such as 2026-12-02T10:00:00Z' })
  since?: string;
}

/** A route's shadow counts, summed over every instance. */
class ShadowSumsDto {
  @ApiProperty({ description: 'reads both sides answered: matches + mismatches' }) compared: number;
  @ApiProperty() matches: number;
  @ApiProperty({ description: 'differences that survived every re-check and are not noise' }) mismatches: number;
  @ApiProperty({ description: 'noise baselines taken (the monolith compared with itself)' }) baselines: number;
  @ApiProperty({ description: 'baselines where the monolith differed from itself' }) noise: number;
  @ApiProperty({ nullable: true, type: Number, description: 'noise / baselines' }) noiseRate: number | null;
  @ApiProperty({ description: 'mirrors dropped because the shadow queue was full' }) dropped: number;
  @ApiProperty({ description: 'mirrors the service did not answer' }) unavailable: number;
}

const RULES_AT_MOST = 50;

class ShadowSettingsDto {
  @ApiProperty({ minimum: 0, maximum: 100, description: 'share of the shadow-mode reads mirrored to the service' })
  samplePercent: number;
  @ApiProperty({ minimum: 0, maximum: 100, description: 'share of the mirrored reads that first take a noise baseline' })
  noisePercent: number;
  @ApiProperty({ type: [String], example: ['$.items[*].updatedAt', '$..updatedAt', 'updatedAt'], description: 'JSON paths left out' })
  ignore: string[];
  @ApiProperty({ type: [String], example: ['$.items'], description: 'JSON paths of arrays compared as sets' })
  unordered: string[];
}

/** Any of the settings; those left out keep their value. */
export class ChangeShadowSettingsRequestDto {
  @ApiPropertyOptional({ minimum: 0, maximum: 100, description: 'share of the shadow-mode reads mirrored to the service' })
  @IfPresent()
  @IsInt()
  @Min(0)
  @Max(100)
  samplePercent?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 100, description: 'share of the mirrored reads that first take a noise baseline' })
  @IfPresent()
  @IsInt()
  @Min(0)
  @Max(100)
  noisePercent?: number;

  @ApiPropertyOptional({ type: [String], maxItems: RULES_AT_MOST, example: ['$.items[*].updatedAt'], description: 'JSON paths left out' })
  @IfPresent()
  @IsArray()
  @ArrayMaxSize(RULES_AT_MOST)
  @IsShadowPath({ each: true })
  ignore?: string[];

  @ApiPropertyOptional({
    type: [String],
    maxItems: RULES_AT_MOST,
    example: ['$.items'],
    description: 'JSON paths of arrays compared as sets',
  })
  @IfPresent()
  @IsArray()
  @ArrayMaxSize(RULES_AT_MOST)
  @IsShadowPath({ each: true })
  unordered?: string[];
}

class ShadowSamplesQueryDto {
  @ApiPropertyOptional({ description: 'one route only (its wire name, e.g. ordering.GetOrder.v1)' })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z][a-z0-9-]*\.[A-Za-z][A-Za-z0-9-]*\.v[1-9][0-9]*$/)
  route?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit: number = 20;
}

class ShadowSampleDto {
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty() route: string;
  @ApiProperty({ nullable: true, type: String }) requestId: string | null;
  @ApiProperty({ type: [String], example: ['$.items[*].priceCents'], description: 'where the answers differ, indexes as [*]' })
  paths: string[];
  @ApiProperty({ type: [String], example: ['$.items[1].priceCents'] }) concretePaths: string[];
  @ApiProperty({ type: [String], description: 'those of paths that were noise (the monolith differed from itself there)' })
  noisyPaths: string[];
  @ApiProperty({ description: "the monolith's answer, secrets and personal fields redacted" }) monolith: unknown;
  @ApiProperty({ description: "the service's answer, redacted alike" }) service: unknown;
}

/** The strangler's control: which side serves each strangleable context, and handing a context's data over. */
@StranglerAdminApi()
export class StranglerAdminController {
  constructor(
    @Inject(RouteTable) private readonly routes: RouteTable,
    @Inject(MigrationControl) private readonly control: MigrationControl,
    @Inject(ShadowStore) private readonly shadow: ShadowStore,
    @Inject(ShadowSettings) private readonly shadowSettings: ShadowSettings,
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
  @ApiOperation({
    summary: 'Count the shadow comparisons',
    description: 'summed over every instance: { context: { route: counts } }, over the retention or since a moment',
  })
  @ApiExtraModels(ShadowSumsDto)
  @ApiBadRequestResponse({ description: 'since is not an ISO 8601 date-time' })
  @ApiOkResponse({
    description: '{ context: { route: counts } }',
    schema: { type: 'object', additionalProperties: { type: 'object', additionalProperties: { $ref: getSchemaPath(ShadowSumsDto) } } },
  })
  async shadowCounts(@Query() query: ShadowCountsQueryDto): Promise<Record<string, Record<string, ShadowSums>>> {
    await this.shadow.flush().catch(() => undefined);
    return this.shadow.byRoute(query.since ? new Date(query.since) : undefined);
  }

  @Get('shadow/:context/settings')
  @ApiOperation({ summary: "Read a context's shadow settings", description: "its descriptor's defaults until changed" })
  @ApiOkResponse({ type: ShadowSettingsDto })
  @ApiNotFoundResponse({ description: 'no strangleable context of that name' })
  readShadowSettings(@Param('context') context: string): ShadowSettingsValue {
    this.control.descriptor(context);
    return this.shadowSettings.get(context);
  }

  @Put('shadow/:context/settings')
  @ApiOperation({
    summary: "Change a context's shadow settings",
    description: 'sampling, noise baselines, ignore and unordered rules by JSON path; those left out keep their value; audited',
  })
  @ApiOkResponse({ type: ShadowSettingsDto })
  @ApiBadRequestResponse({ description: 'a percent outside 0..100, too many rules, or a rule that is not a supported JSON path' })
  @ApiNotFoundResponse({ description: 'no strangleable context of that name' })
  async changeShadowSettings(
    @Param('context') context: string,
    @Body() body: ChangeShadowSettingsRequestDto,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<ShadowSettingsValue> {
    this.control.descriptor(context);
    const changes = Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined));
    const settings = { ...this.shadowSettings.get(context), ...changes };
    const saved = await this.shadowSettings.save(context, settings, user.id);
    await this.routes.audit(context, { action: 'shadow.settings', by: user.id, details: { ...saved } });
    return saved;
  }

  @Get('shadow/:context/samples')
  @ApiOperation({
    summary: "Read a context's latest shadow mismatches",
    description: 'the latest 20 per route, newest first: request id, paths that differ, both answers (redacted)',
  })
  @ApiOkResponse({ type: [ShadowSampleDto] })
  @ApiBadRequestResponse({ description: 'a bad route name or limit' })
  @ApiNotFoundResponse({ description: 'no strangleable context of that name' })
  async shadowSamples(@Param('context') context: string, @Query() query: ShadowSamplesQueryDto): Promise<ShadowSampleView[]> {
    this.control.descriptor(context);
    await this.shadow.flush().catch(() => undefined);
    return this.shadow.samplesOf(context, { route: query.route, limit: query.limit });
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
