import { Global, Module, type DynamicModule, type ForwardReference, type Provider, type Type } from '@nestjs/common';
import { Configuration, type ConfigSlice } from './config-slice.js';

type ModuleLike = Type | DynamicModule | Promise<DynamicModule> | ForwardReference;

/** Which slices each `ConfigModule.forFeature(...)` module declares, for collectConfigSlices. */
const declaredSlices = new WeakMap<object, ReadonlyArray<ConfigSlice<unknown>>>();

@Module({})
class ConfigFeatureModule {}

/**
 * `forRoot(configuration)` once per app (the app's validated Configuration, global);
 * `forFeature(slice, ...)` in each module that reads settings: the module owns its slice, and gets
 * its value by `@Inject(slice.token)`.
 */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(configuration: Configuration): DynamicModule {
    return { module: ConfigModule, providers: [{ provide: Configuration, useValue: configuration }], exports: [Configuration] };
  }

  static forFeature(...slices: Array<ConfigSlice<unknown>>): DynamicModule {
    const providers: Provider[] = slices.map((slice) => ({
      provide: slice.token,
      inject: [Configuration],
      useFactory: (configuration: Configuration) => configuration.get(slice),
    }));
    const feature: DynamicModule = { module: ConfigFeatureModule, providers, exports: slices.map((slice) => slice.token) };
    declaredSlices.set(feature, slices);
    return feature;
  }
}

/**
 * Every slice declared with ConfigModule.forFeature anywhere in a module tree, found by walking the
 * imports as Nest will, before anything is built: the app validates them all at once.
 */
export function collectConfigSlices(root: ModuleLike): Array<ConfigSlice<unknown>> {
  const found = new Set<ConfigSlice<unknown>>();
  const visited = new Set<object>();
  const visit = (node: ModuleLike | undefined): void => {
    if (!node || visited.has(node)) return;
    visited.add(node);
    if (node instanceof Promise)
      throw new Error('collectConfigSlices cannot see into an async module; declare its slices on a synchronous module');
    if ('forwardRef' in node) return visit(node.forwardRef() as ModuleLike);
    for (const slice of declaredSlices.get(node) ?? []) found.add(slice);
    const type = 'module' in node ? node.module : node;
    const imports: ModuleLike[] = [
      ...(('imports' in node && node.imports) || []),
      ...((Reflect.getMetadata('imports', type) as ModuleLike[] | undefined) ?? []),
    ];
    imports.forEach(visit);
  };
  visit(root);
  return [...found];
}
