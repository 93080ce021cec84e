import { ArgumentsHost, Catch, HttpException, HttpStatus, Logger, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { ProblemCatalog } from './problem-catalog.js';
import { problem, problemType, PROBLEM_CONTENT_TYPE, type ProblemDetails } from './problem-details.js';

/** Errors raised by the body parser before any route runs (express' http-errors shape). */
interface BodyParserError {
  type: string;
  status: number;
}

const isBodyParserError = (error: unknown): error is BodyParserError =>
  typeof error === 'object' &&
  error !== null &&
  typeof (error as BodyParserError).type === 'string' &&
  typeof (error as BodyParserError).status === 'number';

/**
 * Answers every failure as application/problem+json (RFC 9457): a ProblemException as it is, a
 * context's business error as its ProblemCatalog entry says, the framework's own errors by status.
 * Unknown errors become a bare 500: the stack goes to the log with the request id, never to the client.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  constructor(private readonly catalog: ProblemCatalog) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const { body, headers } = this.toProblem(exception, request);
    if (body.status >= 500) {
      this.logger.error({ err: exception, status: body.status, method: request.method, url: request.originalUrl }, 'request failed');
    }
    if (response.headersSent) return;
    response.status(body.status).set(headers).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
  }

  private toProblem(exception: unknown, request: Request): { body: ProblemDetails; headers: Record<string, string> } {
    const known = this.catalog.toProblem(exception);
    if (known) return { body: known.problem, headers: known.headers };
    // Nest wraps body-parser's errors (http-errors) in an HttpException whose cause says what failed.
    const bodyError = exception instanceof HttpException ? exception.cause : exception;
    if (isBodyParserError(bodyError)) return { body: this.fromBodyParser(bodyError), headers: {} };
    if (exception instanceof HttpException) return { body: this.fromHttpException(exception, request), headers: {} };
    return {
      body: problem(HttpStatus.INTERNAL_SERVER_ERROR, 'An unexpected error occurred.', { type: problemType('internal-error') }),
      headers: {},
    };
  }

  private fromBodyParser(error: BodyParserError): ProblemDetails {
    switch (error.type) {
      case 'entity.too.large':
        return problem(413, 'The request body is larger than 64 KiB.', { type: problemType('payload-too-large') });
      case 'entity.parse.failed':
        return problem(400, 'The request body is not valid JSON.', { type: problemType('malformed-json') });
      default:
        return problem(error.status >= 400 && error.status < 500 ? error.status : 400, 'The request body could not be read.', {
          type: problemType('unreadable-body'),
        });
    }
  }

  private fromHttpException(exception: HttpException, request: Request): ProblemDetails {
    const status = exception.getStatus();
    if (status === HttpStatus.NOT_FOUND && isRouteNotFound(exception)) {
      return problem(404, `No route matches ${request.method} ${request.originalUrl.split('?')[0]}.`, {
        type: problemType('route-not-found'),
      });
    }
    // Nest's own exceptions carry { message } objects; keep only their human-readable text.
    const response = exception.getResponse();
    const message = typeof response === 'string' ? response : (response as { message?: unknown }).message;
    const detail = Array.isArray(message) ? message.join('; ') : typeof message === 'string' ? message : exception.message;
    return problem(status, detail);
  }
}

/** Nest's router answers an unmatched path with a NotFoundException whose message starts "Cannot GET /…". */
function isRouteNotFound(exception: HttpException): boolean {
  return /^Cannot [A-Z]+ \//.test(exception.message);
}
