import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { appModuleImports, readContextMap, type ContextMap } from './context-map.js';
import { renderContextMap } from './render-context-map.js';

const workspace = fileURLToPath(new URL('../..', import.meta.url));
const fixture = fileURLToPath(new URL('./__fixtures__/workspace', import.meta.url));

const context = (map: ContextMap, name: string) => map.contexts.find((entry) => entry.name === name)!;

describe('context map: read from the code', () => {
  const map = readContextMap(workspace);

  it('knows the contexts of this workspace', () => {
    expect(map.contexts.map((entry) => entry.name)).toEqual(['catalog', 'identity', 'ordering', 'payments']);
  });

  it('reads the message types of the contracts', () => {
    expect(map.messages).toContainEqual({ name: 'OrderPlacedV1', type: 'ordering.OrderPlaced', version: 1 });
  });

  it('sees ordering publish OrderPlaced and catalog consume it', () => {
    expect(context(map, 'ordering').publishes).toContainEqual({
      message: { type: 'ordering.OrderPlaced', version: 1 },
      files: ['libs/ordering/src/application/commands/place-order/place-order.handler.ts'],
    });
    expect(context(map, 'catalog').consumes).toContainEqual(
      expect.objectContaining({
        message: { type: 'ordering.OrderPlaced', version: 1 },
        handler: 'catalog.reserve-stock-on-order-placed',
        method: 'OrderSagaConsumer.onOrderPlaced',
        file: 'libs/catalog/src/application/saga/order-saga.consumer.ts',
      }),
    );
  });

  it('gives each context its library dependencies, and never another context', () => {
    expect(context(map, 'catalog').dependencies).toEqual(['contracts', 'platform']);
    expect(context(map, 'ordering').dependencies).toContain('strangler');
    const contexts = map.contexts.map((entry) => entry.name);
    for (const entry of map.contexts) expect(entry.dependencies.filter((name) => contexts.includes(name))).toEqual([]);
  });

  it('knows ordering is strangleable by order-service, with its wire names', () => {
    expect(map.strangleable).toEqual([
      {
        context: 'ordering',
        service: 'order-service',
        commands: ['ordering.CancelOrder.v1', 'ordering.PlaceOrder.v1'],
        queries: ['ordering.GetOrder.v1', 'ordering.ListOrders.v1', 'ordering.ListOrdersAfter.v1'],
        file: 'libs/ordering/src/ordering.strangleable.ts',
      },
    ]);
  });

  it('knows order-service hosts ordering alone and the monolith every context', () => {
    const hosted = (app: string) =>
      [...new Set(map.apps.find((entry) => entry.name === app)!.modules.map((m) => m.project))]
        .filter((p) => map.contexts.some((c) => c.name === p))
        .sort();
    expect(hosted('order-service')).toEqual(['ordering']);
    expect(hosted('monolith')).toEqual(['catalog', 'identity', 'ordering', 'payments']);
  });
});

describe('context map: what the reader picks up, on a fixture', () => {
  const map = readContextMap(fixture);

  it('reads publications, subscriptions (named or not, under an imported alias), dependencies and the strangleable declaration', () => {
    expect(map).toEqual({
      contexts: [
        {
          name: 'alpha',
          dependencies: ['contracts', 'kernel', 'relay'],
          // Not the channel's publish, not a local look-alike, not the spec's NeverSent.
          publishes: [{ message: { type: 'alpha.AlphaHappened', version: 1 }, files: ['libs/alpha/src/application/do-alpha.ts'] }],
          consumes: [
            {
              message: { type: 'beta.BetaDone', version: 2 },
              handler: 'alpha.on-beta-done',
              method: 'BetaDoneConsumer.onDone',
              file: 'libs/alpha/src/api/beta-done.consumer.ts',
            },
          ],
        },
        {
          name: 'beta',
          dependencies: ['contracts', 'kernel'],
          publishes: [{ message: { type: 'beta.BetaDone', version: 2 }, files: ['libs/beta/src/beta.consumer.ts'] }],
          consumes: [
            {
              message: { type: 'alpha.AlphaHappened', version: 1 },
              handler: undefined,
              method: 'BetaConsumer.onAlpha',
              file: 'libs/beta/src/beta.consumer.ts',
            },
          ],
        },
      ],
      messages: [
        { name: 'AlphaHappenedV1', type: 'alpha.AlphaHappened', version: 1 },
        { name: 'BetaDoneV2', type: 'beta.BetaDone', version: 2 },
        { name: 'NeverSentV1', type: 'beta.NeverSent', version: 1 },
      ],
      strangleable: [
        {
          context: 'alpha',
          service: 'alpha-service',
          commands: ['alpha.DoAlpha.v1'],
          queries: [],
          file: 'libs/alpha/src/alpha.strangleable.ts',
        },
      ],
      apps: [
        {
          name: 'shell',
          modules: [
            { project: 'kernel', module: 'KernelModule' },
            { project: 'relay', module: 'RelayModule.forFacade()' },
            { project: 'alpha', module: 'AlphaModule.forRoot()' },
            { project: 'shell', module: 'ShellOwnModule' },
            { project: 'beta', module: 'BetaConsumer', unless: "without.has('beta')" },
          ],
        },
      ],
    });
  });

  it('refuses a spread in imports it cannot read, rather than leaving a module off the map', () => {
    const source = ts.createSourceFile(
      'shell.app.ts',
      'export const shell = { module: Shell, imports: [Kernel, ...extra] };',
      ts.ScriptTarget.ES2023,
      true,
    );
    expect(() => appModuleImports(source)).toThrow(/shell\.app\.ts:1: a spread in imports is read only as/);
  });

  it('renders an arrow per publisher and consumer, labelled with the messages', () => {
    const markdown = renderContextMap(map);
    expect(markdown).toContain('  alpha -- "AlphaHappened v1" --> beta\n');
    expect(markdown).toContain('  beta -- "BetaDone v2" --> alpha\n');
    expect(markdown).toContain('Declared in the contracts but published by no context: `beta.NeverSent` v1.');
    expect(markdown).toContain(
      '| `beta.BetaDone` v2 | beta | `alpha.on-beta-done` | [BetaDoneConsumer.onDone](../libs/alpha/src/api/beta-done.consumer.ts) |',
    );
  });
});

describe('docs/contexts.md', () => {
  it('is what the code says now', () => {
    const rendered = renderContextMap(readContextMap(workspace));
    const file = new URL('../../docs/contexts.md', import.meta.url);
    const committed = existsSync(file) ? readFileSync(file, 'utf8') : '';
    if (committed === rendered) return;
    const [want, have] = [rendered.split('\n'), committed.split('\n')];
    let line = 0;
    while (want[line] === have[line]) line += 1;
    throw new Error(
      `docs/contexts.md is stale: it no longer matches the code. Run \`npm run docs:contexts\` and commit the result.\n` +
        `First difference at line ${line + 1}:\n` +
        `  committed: ${have[line] ?? '(end of file)'}\n` +
        `  generated: ${want[line] ?? '(end of file)'}`,
    );
  });
});
