import { Controller, Get, Inject, VERSION_NEUTRAL } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, type HealthIndicatorFunction } from '@nestjs/terminus';
import { Public } from '../auth/decorators.js';
import { DatabaseConnector } from '../database/database-connector.js';
import { MESSAGE_TRANSPORT, type MessageTransport } from '../messaging/message-transport.js';
import { platformConfig, type PlatformConfig } from '../config/platform.config.js';

const PROBE_TIMEOUT_MS = 2000;

@Public()
@Controller({ path: 'health', version: VERSION_NEUTRAL })
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(DatabaseConnector) private readonly database: DatabaseConnector,
    @Inject(MESSAGE_TRANSPORT) private readonly transport: MessageTransport,
    @Inject(platformConfig.token) private readonly config: PlatformConfig,
  ) {}

  /** The process runs and answers: nothing else is checked, so a slow database never restarts it. */
  @Get('live')
  @ApiOperation({ summary: 'Check that the process is alive' })
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  /** Ready to take traffic: the database answers (and the broker, when one is configured). */
  @Get('ready')
  @ApiOperation({ summary: 'Check that the app is ready for traffic' })
  @HealthCheck()
  ready() {
    const checks = [this.indicator('database', () => this.database.ping())];
    if (this.config.amqpUrl) checks.push(this.indicator('broker', () => this.transport.ready()));
    return this.health.check(checks);
  }

  private indicator(name: string, check: () => Promise<void>): HealthIndicatorFunction {
    return async () => {
      const session = this.indicators.check(name);
      try {
        await withTimeout(check(), PROBE_TIMEOUT_MS);
        return session.up();
      } catch (error) {
        return session.down({ message: (error as Error).message });
      }
    };
  }
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
