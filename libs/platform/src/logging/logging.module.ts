import { Module, RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { IncomingMessage } from 'node:http';
import { ConfigModule } from '../config/config.module.js';
import { platformConfig, type PlatformConfig } from '../config/platform.config.js';
import { RequestContext } from '../http/request-context.js';
import { traceIds } from '../observability/tracing.js';
import { redactErrorsInLog, serializeError } from './error-redaction.js';

/** pino-http logs each request at `info`; above it, its middleware writes nothing. */
const logsRequests = (level: PlatformConfig['logLevel']): boolean => ['trace', 'debug', 'info'].includes(level);

/** Fields that must never reach a log line. */
const REDACTED = ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.accessToken', 'password', 'accessToken'];

/**
 * Structured JSON logs (pino); every line carries the request id of the request or message that caused
 * it and the trace and span it was written in (`trace_id`, `span_id`), and no error is logged with the values of its query (ADR 0028).
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      imports: [ConfigModule.forFeature(platformConfig)],
      inject: [platformConfig.token],
      useFactory: (config: PlatformConfig) => ({
        // One catch-all route, so paths outside the /api prefix (health) are logged once, not twice. None above info:
        // there pino-http writes nothing, yet builds two child loggers per request and serialises and redacts the
        // request for them, ~5 % of a GET's CPU (docs/benchmarks.md). Lines still carry the request id (mixin).
        forRoutes: logsRequests(config.logLevel) ? [{ path: '{*splat}', method: RequestMethod.ALL }] : [],
        pinoHttp: {
          level: config.logLevel,
          genReqId: (request: IncomingMessage) => (request as IncomingMessage & { id: string }).id,
          mixin: () => {
            const requestId = RequestContext.requestId();
            return requestId ? { requestId, ...traceIds() } : traceIds();
          },
          redact: { paths: REDACTED, censor: '[redacted]' },
          // A failed query carries its bound values (emails, password hashes): no error reaches the log with them.
          serializers: { err: serializeError },
          formatters: { log: redactErrorsInLog },
          quietReqLogger: true,
          autoLogging: { ignore: (request: IncomingMessage) => request.url?.startsWith('/health') ?? false },
        },
      }),
    }),
  ],
  exports: [LoggerModule],
})
export class LoggingModule {}
