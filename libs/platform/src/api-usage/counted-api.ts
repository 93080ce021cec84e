import {
  applyDecorators,
  Inject,
  Injectable,
  Logger,
  SetMetadata,
  UseInterceptors,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Observable } from 'rxjs';
import type { AuthenticatedUser } from '../auth/token.service.js';
import { ApiUsageLedger, type ApiCall } from './api-usage.ledger.js';

const COUNTED_API = 'api-usage:api';

/**
 * Counts every authenticated call of a controller's routes (or of one route) in the API usage ledger,
 * under the API's name and the version its routes answer, e.g. `@CountedApi('orders', 'v1')`.
 * It runs after the guards: a call without a valid token names no client and is not counted.
 */
export const CountedApi = (api: string, version: string): ClassDecorator & MethodDecorator =>
  applyDecorators(SetMetadata(COUNTED_API, { api, version }), UseInterceptors(ApiUsageInterceptor));

@Injectable()
export class ApiUsageInterceptor implements NestInterceptor {
  private readonly logger = new Logger('ApiUsage');

  constructor(
    @Inject(ApiUsageLedger) private readonly ledger: ApiUsageLedger,
    @Inject(Reflector) private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const counted = this.reflector.getAllAndOverride<Omit<ApiCall, 'clientId'> | undefined>(COUNTED_API, [
      context.getHandler(),
      context.getClass(),
    ]);
    const clientId = context.switchToHttp().getRequest<{ user?: AuthenticatedUser }>().user?.id;
    if (counted && clientId) {
      this.ledger.record({ ...counted, clientId });
      this.logger.debug({ ...counted, clientId }, 'API call counted');
    }
    return next.handle();
  }
}
