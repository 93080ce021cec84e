import { Body, Delete, Get, HttpCode, Inject, Param, Post, Put, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
} from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsBoolean, IsIn, IsInt, IsNumber, IsOptional, Max, Min, ValidateNested } from 'class-validator';
import { CurrentUser, IfPresent, ProblemException, validationProblem, type AuthenticatedUser } from '@shop/platform';
import { StranglerAdminApi } from '../control/strangler-admin-api.js';
import { MigrationControl } from '../control/migration-control.js';
import { RouteTable } from '../routing/route-table.js';
import { Decider } from './decider.js';
import { GateStore, MIN_GATE_WINDOW_S, type Gate, type GateState } from './gates.js';
import { TOP_BOUND_MS } from './histogram.js';
import { KEEP_OUTCOMES_S, OutcomeStore, SIDES, type Side, type SideFigures, type Window } from './outcomes.js';
import { DEFAULT_PLAN, type PlanStep } from './plans.js';
import { Promotion, type PlanView } from './promotion.js';

class OutcomesQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: KEEP_OUTCOMES_S, default: 300 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(KEEP_OUTCOMES_S)
  windowS: number = 300;

  @ApiPropertyOptional({ minimum: 1, maximum: KEEP_OUTCOMES_S, default: 10 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(KEEP_OUTCOMES_S)
  stepS: number = 10;
}

/** A p99 is never reported above the histogram's top bound: a bound there or higher could never be breached. */
const MAX_P99_BOUND_MS = TOP_BOUND_MS - 1;

export class GateRequestDto {
  @ApiProperty({
    minimum: MIN_GATE_WINDOW_S,
    maximum: 600,
    description: 'seconds of outcomes judged, by the arrival of each request (never before the last route change)',
  })
  @IsInt()
  @Min(MIN_GATE_WINDOW_S)
  @Max(600)
  windowS: number;

  @ApiProperty({ minimum: 1, maximum: 1_000_000, description: 'fewer service requests in the window: nothing is concluded' })
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  minRequests: number;

  @ApiProperty({ minimum: 0, maximum: 1, description: 'largest share of 5xx or unavailable answers of the service' })
  @IsNumber()
  @Min(0)
  @Max(1)
  maxErrorRate: number;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: MAX_P99_BOUND_MS,
    description: `largest p99 of the service's answers (ms); below ${TOP_BOUND_MS}, the slowest latency the histogram tells apart`,
  })
  @IfPresent()
  @IsInt()
  @Min(1)
  @Max(MAX_P99_BOUND_MS)
  maxP99Ms?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, description: "service p99 at most this times the monolith's over the same window" })
  @IfPresent()
  @IsNumber()
  @Min(1)
  @Max(100)
  maxP99Ratio?: number;

  @ApiPropertyOptional({ default: false, description: 'record what it would do (would-roll-back) and change nothing' })
  @IfPresent()
  @IsBoolean()
  dryRun: boolean = false;
}

export class PlanStepDto {
  @ApiProperty({ enum: ['shadow', 'canary', 'service'] })
  @IsIn(['shadow', 'canary', 'service'])
  mode: PlanStep['mode'];

  @ApiPropertyOptional({ minimum: 1, maximum: 99, description: 'canary only (required there)' })
  @IfPresent()
  @IsInt()
  @Min(1)
  @Max(99)
  percent?: number;

  @ApiProperty({ minimum: 0, maximum: 86_400, description: 'seconds the step holds, its gate green, before the next' })
  @IsInt()
  @Min(0)
  @Max(86_400)
  holdS: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 10_000_000, description: 'shadow only: compared reads needed' })
  @IfPresent()
  @IsInt()
  @Min(0)
  @Max(10_000_000)
  minComparedReads?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 1, description: 'shadow only: largest mismatch rate allowed' })
  @IfPresent()
  @IsNumber()
  @Min(0)
  @Max(1)
  maxMismatchRate?: number;
}

export class PlanRequestDto {
  @ApiPropertyOptional({ type: [PlanStepDto], description: 'omitted: the default plan (shadow, canary 5, 25, 50, service)' })
  @IfPresent()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => PlanStepDto)
  steps?: PlanStepDto[];

  @ApiPropertyOptional({ default: false, description: 'start it now' })
  @IfPresent()
  @IsBoolean()
  start: boolean = false;
}

export class PromoteRequestDto {
  @ApiPropertyOptional({ default: false, description: 'skip every remaining step: straight to the last' })
  @IfPresent()
  @IsBoolean()
  full: boolean = false;
}

interface OutcomesResponse {
  context: string;
  windowS: number;
  stepS: number;
  series: Array<{ at: string } & Record<Side, SideFigures>>;
  totals: Record<Side, SideFigures>;
}

const figuresOf = (window: Window): Record<Side, SideFigures> =>
  Object.fromEntries(SIDES.map((side) => [side, window[side].figures()])) as Record<Side, SideFigures>;

/** The evidence a context's move is decided on: outcomes per side, gates and their state, promotion plans. */
@StranglerAdminApi()
@ApiNotFoundResponse({ description: 'no strangleable context of that name' })
export class StranglerEvidenceController {
  constructor(
    @Inject(MigrationControl) private readonly control: MigrationControl,
    @Inject(RouteTable) private readonly routes: RouteTable,
    @Inject(OutcomeStore) private readonly outcomes: OutcomeStore,
    @Inject(GateStore) private readonly gates: GateStore,
    @Inject(Promotion) private readonly promotion: Promotion,
    @Inject(Decider) private readonly decider: Decider,
  ) {}

  @Get('outcomes/:context')
  @ApiOperation({
    summary: "A context's outcomes per side over a window, summed over every instance",
    description: '{ context, windowS, stepS, series: [{ at, monolith, service }] oldest first, totals: { monolith, service } }',
  })
  @ApiOkResponse({ description: 'Side = { requests, errors, errorRate, p50Ms, p99Ms }; 5xx and unavailability are errors' })
  async outcomesOf(@Param('context') context: string, @Query() query: OutcomesQueryDto): Promise<OutcomesResponse> {
    this.control.descriptor(context);
    const since = new Date(Date.now() - query.windowS * 1000);
    const steps = await this.outcomes.series(context, since, query.stepS);
    const totals = await this.outcomes.window(context, since);
    return {
      context,
      windowS: query.windowS,
      stepS: query.stepS,
      series: steps.map(({ at, window }) => ({ at: at.toISOString(), ...figuresOf(window) })),
      totals: figuresOf(totals),
    };
  }

  @Get('gates/:context')
  @ApiOperation({
    summary: "A context's gate and what the decider last concluded",
    description: '{ gate | null, state: { status, reason, at (status since), figures, judgedAt (of the figures) } }',
  })
  @ApiOkResponse({ description: 'status: waiting, green, breached, rolled-back, would-roll-back or alert' })
  async gate(@Param('context') context: string): Promise<{ gate: Gate | null; state: GateState }> {
    this.control.descriptor(context);
    const gate = await this.gates.get(context);
    const { baselineP99Ms: _baseline, ...state } = await this.gates.state(context);
    return { gate: gate ?? null, state };
  }

  @Put('gates/:context')
  @ApiOperation({
    summary: 'Set the gate a context is held to',
    description: 'In canary or service mode a breach sends the context back to the monolith (dry run: only recorded).',
  })
  @ApiOkResponse({ description: 'the gate and its state' })
  async setGate(
    @Param('context') context: string,
    @Body() body: GateRequestDto,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<{ gate: Gate | null; state: GateState }> {
    this.control.descriptor(context);
    const gate: Gate = {
      windowS: body.windowS,
      minRequests: body.minRequests,
      maxErrorRate: body.maxErrorRate,
      ...(body.maxP99Ms === undefined ? {} : { maxP99Ms: body.maxP99Ms }),
      ...(body.maxP99Ratio === undefined ? {} : { maxP99Ratio: body.maxP99Ratio }),
      dryRun: body.dryRun,
    };
    await this.gates.set(context, gate, user.id);
    await this.routes.audit(context, { action: 'gate.set', by: user.id, details: { ...gate } });
    return this.gate(context);
  }

  @Delete('gates/:context')
  @HttpCode(204)
  @ApiOperation({ summary: "Remove a context's gate" })
  @ApiNoContentResponse({ description: 'removed' })
  async removeGate(@Param('context') context: string, @CurrentUser() user: AuthenticatedUser): Promise<void> {
    this.control.descriptor(context);
    if (!(await this.gates.remove(context))) throw ProblemException.of(404, 'no-gate', `${context} has no gate.`);
    await this.routes.audit(context, { action: 'gate.removed', by: user.id });
  }

  @Get('plans/:context')
  @ApiOperation({
    summary: "A context's promotion plan and where it stands",
    description: '{ plan | null, status, stepIndex, stepStartedAt, progress }',
  })
  @ApiOkResponse({ description: 'status: idle, running, paused, done, aborted or rolled-back' })
  plan(@Param('context') context: string): Promise<PlanView> {
    return this.promotion.view(context);
  }

  @Put('plans/:context')
  @ApiOperation({
    summary: "Set a context's promotion plan, and start it",
    description: 'Each step holds its route for holdS with its gate green (shadow: enough compared reads, few mismatches), then the next.',
  })
  @ApiOkResponse({ description: 'the plan' })
  @ApiConflictResponse({
    description:
      'a plan is running or paused, no gate is set, or the first step cannot be routed now; ' +
      'or plan-busy: another change to it held it for 2 s',
  })
  async setPlan(
    @Param('context') context: string,
    @Body() body: PlanRequestDto,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<PlanView> {
    const steps = body.steps?.map(toStep) ?? DEFAULT_PLAN.steps;
    steps.forEach((step, i) => {
      if ((step.mode === 'canary') !== (step.percent !== undefined)) {
        throw validationProblem([{ field: `steps.${i}.percent`, message: 'percent is required for canary steps and only for them' }]);
      }
    });
    if (body.start) return this.promotion.start(context, { steps }, user.id);
    return this.promotion.define(context, { steps }, user.id);
  }

  @Post('plans/:context/pause')
  @HttpCode(200)
  @ApiOperation({ summary: 'Pause a running plan (the route stays)' })
  @ApiOkResponse({ description: 'the plan' })
  @ApiConflictResponse({ description: 'the plan is not running; or plan-busy: another change to it held it for 2 s' })
  pause(@Param('context') context: string, @CurrentUser() user: AuthenticatedUser): Promise<PlanView> {
    return this.promotion.pause(context, user.id);
  }

  @Post('plans/:context/resume')
  @HttpCode(200)
  @ApiOperation({ summary: 'Resume a paused plan (its step holds again from now)' })
  @ApiOkResponse({ description: 'the plan' })
  @ApiConflictResponse({ description: 'the plan is not paused; or plan-busy: another change to it held it for 2 s' })
  resume(@Param('context') context: string, @CurrentUser() user: AuthenticatedUser): Promise<PlanView> {
    return this.promotion.resume(context, user.id);
  }

  @Post('plans/:context/abort')
  @HttpCode(200)
  @ApiOperation({ summary: 'Abort a plan: the context goes back to the monolith at once' })
  @ApiOkResponse({ description: 'the plan' })
  @ApiConflictResponse({ description: 'the plan is not running or paused; or plan-busy: another change to it held it for 2 s' })
  abortPlan(@Param('context') context: string, @CurrentUser() user: AuthenticatedUser): Promise<PlanView> {
    return this.promotion.abort(context, user.id);
  }

  @Post('plans/:context/promote')
  @HttpCode(200)
  @ApiOperation({ summary: 'Move a plan on now: the next step, or (full) the last' })
  @ApiOkResponse({ description: 'the plan' })
  @ApiConflictResponse({
    description: 'the plan is not running or paused, or the step cannot be routed now; or plan-busy: another change to it held it for 2 s',
  })
  promote(@Param('context') context: string, @Body() body: PromoteRequestDto, @CurrentUser() user: AuthenticatedUser): Promise<PlanView> {
    return this.promotion.promote(context, body.full, user.id);
  }

  @Get('decider')
  @ApiOperation({ summary: 'Whether this instance is the one that judges gates and advances plans' })
  @ApiOkResponse({ description: '{ leading: boolean }' })
  decision(): { leading: boolean } {
    return { leading: this.decider.leading };
  }
}

function toStep(dto: PlanStepDto): PlanStep {
  return Object.fromEntries(Object.entries({ ...dto }).filter(([, value]) => value !== undefined)) as unknown as PlanStep;
}
