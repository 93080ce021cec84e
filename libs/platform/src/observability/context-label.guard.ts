import { Inject, Injectable, type CanActivate, type ExecutionContext, type OnApplicationBootstrap } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { RequestContext } from '../http/request-context.js';

/**
 * `CatalogModule` -> `catalog`, `OrderingHttpModule` -> `ordering`, `ApiUsageModule` -> `api-usage`:
 * the context label of a controller is the name of the module that declares it.
 */
export function contextNameOf(moduleName: string): string {
  return moduleName
    .replace(/(Http)?Module$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase();
}

/**
 * Labels each request with the context whose controller answers it, for its metrics and span. A
 * guard, not an interceptor, so that a request the authentication guard refuses is labelled too
 * (it is registered before that guard). Never refuses anything.
 */
@Injectable()
export class ContextLabelGuard implements CanActivate, OnApplicationBootstrap {
  private readonly contexts = new Map<unknown, string>();

  constructor(@Inject(ModulesContainer) private readonly modules: ModulesContainer) {}

  onApplicationBootstrap(): void {
    for (const module of this.modules.values()) {
      for (const controller of module.controllers.keys()) this.contexts.set(controller, contextNameOf(module.metatype.name));
    }
  }

  canActivate(execution: ExecutionContext): boolean {
    const context = this.contexts.get(execution.getClass());
    if (context) RequestContext.label({ context });
    return true;
  }
}
