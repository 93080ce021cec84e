import { timingSafeEqual } from 'node:crypto';
import { Controller, Get, Headers, Inject, Res, VERSION_NEUTRAL } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { Role } from '@shop/contracts';
import { AuthenticatesItself } from '../auth/decorators.js';
import { TokenService } from '../auth/token.service.js';
import { ProblemException, problemType } from '../http/problem-details.js';
import { Metrics } from './metrics.js';
import { observabilityConfig, type ObservabilityConfig } from './observability.config.js';

/**
 * Prometheus text format of this process's metrics. Readable with an admin's token or with the
 * scrape credential (METRICS_SCRAPE_TOKEN), which opens nothing else (ADR 0042).
 */
@ApiTags('admin')
@ApiBearerAuth()
@AuthenticatesItself()
@Controller({ path: 'metrics', version: VERSION_NEUTRAL })
export class MetricsController {
  private readonly scrapeToken: Buffer | undefined;

  constructor(
    @Inject(Metrics) private readonly metrics: Metrics,
    @Inject(TokenService) private readonly tokens: TokenService,
    @Inject(observabilityConfig.token) config: ObservabilityConfig,
  ) {
    this.scrapeToken = config.scrapeToken === undefined ? undefined : Buffer.from(config.scrapeToken);
  }

  @Get()
  @ApiOperation({ summary: "This process's metrics in Prometheus text format (HTTP RED, strangler, messaging, saga, Node.js)" })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Prometheus text exposition format 0.0.4' })
  @ApiUnauthorizedResponse({ description: 'neither an admin token nor the scrape credential' })
  @ApiForbiddenResponse({ description: 'a valid token that is not an admin' })
  async scrape(@Headers('authorization') authorization: string | undefined, @Res() response: Response): Promise<void> {
    this.authorize(authorization);
    const body = await this.metrics.render();
    response.setHeader('Content-Type', this.metrics.registry.contentType);
    response.send(body);
  }

  private authorize(authorization: string | undefined): void {
    const token = authorization?.match(/^Bearer ([^\s]+)$/)?.[1];
    if (!token) throw unauthorized('A bearer token is required: an admin token or the scrape credential.');
    if (this.isScrapeToken(token)) return;
    let roles: string[];
    try {
      roles = this.tokens.verify(token).roles;
    } catch {
      throw unauthorized('The token is neither the scrape credential nor a valid access token.');
    }
    if (!roles.includes(Role.Admin)) {
      throw ProblemException.of(403, 'forbidden', `This action requires the role: ${Role.Admin}.`, { type: problemType('forbidden') });
    }
  }

  private isScrapeToken(token: string): boolean {
    const given = Buffer.from(token);
    return this.scrapeToken !== undefined && given.length === this.scrapeToken.length && timingSafeEqual(given, this.scrapeToken);
  }
}

const unauthorized = (detail: string): ProblemException =>
  ProblemException.of(401, 'unauthorized', detail, {}, { 'WWW-Authenticate': 'Bearer' });
