import { StrangleableContexts, type RoutedMessage, type StrangleableContext } from './strangleable-context.js';

const caller = { id: 'u1', roles: ['customer'] };

class PlaceThing implements RoutedMessage {
  constructor(
    readonly caller: { id: string; roles: string[] },
    readonly size: number,
  ) {}
}
class GetThing implements RoutedMessage {
  constructor(readonly caller: { id: string; roles: string[] }) {}
}

const probe = (overrides: Partial<StrangleableContext> = {}): StrangleableContext => ({
  context: 'probe',
  service: 'probe-service',
  commands: { 'probe.PlaceThing.v1': PlaceThing },
  queries: { 'probe.GetThing.v1': GetThing },
  ...overrides,
});

describe('routed messages on the wire', () => {
  it('travel under their declared name, not their class name', () => {
    const contexts = new StrangleableContexts();
    contexts.register(probe());
    expect(contexts.toRemote(new PlaceThing(caller, 3))).toEqual({ route: 'probe.PlaceThing.v1', payload: { caller, size: 3 } });
  });

  it('are rebuilt as instances of the class registered under the name, whatever it is called after a rename', () => {
    class PlaceThingRenamed implements RoutedMessage {
      constructor(
        readonly caller: { id: string; roles: string[] },
        readonly size: number,
      ) {}
    }
    const before = new StrangleableContexts();
    before.register(probe());
    const wire = before.toRemote(new PlaceThing(caller, 3));

    const after = new StrangleableContexts();
    after.register(probe({ commands: { 'probe.PlaceThing.v1': PlaceThingRenamed } }));
    expect(after.toRemote(new PlaceThingRenamed(caller, 3))).toEqual(wire);
    const decoded = after.fromRemote('probe', wire);
    expect(decoded?.kind).toBe('command');
    expect(decoded?.message).toBeInstanceOf(PlaceThingRenamed);
    expect(decoded?.message).toEqual(new PlaceThingRenamed(caller, 3));
  });

  it('are unknown outside their context, and under any other name', () => {
    const contexts = new StrangleableContexts();
    contexts.register(probe());
    expect(contexts.fromRemote('other', { route: 'probe.GetThing.v1', payload: {} })).toBeUndefined();
    expect(contexts.fromRemote('probe', { route: 'GetThing', payload: {} })).toBeUndefined();
    expect(contexts.fromRemote('probe', { route: 'probe.GetThing.v1', payload: { caller } })?.kind).toBe('query');
  });

  it('refuse a malformed name, a name of another context, a name used twice and a class under two names', () => {
    expect(() => new StrangleableContexts().register(probe({ commands: { PlaceThing } }))).toThrow('must read probe.<Message>.v<version>');
    expect(() => new StrangleableContexts().register(probe({ commands: { 'other.PlaceThing.v1': PlaceThing } }))).toThrow(
      'must read probe.<Message>.v<version>',
    );
    expect(() => new StrangleableContexts().register(probe({ queries: { 'probe.PlaceThing.v1': GetThing } }))).toThrow(
      '"probe.PlaceThing.v1" is used twice',
    );
    expect(() =>
      new StrangleableContexts().register(probe({ queries: { 'probe.GetThing.v1': GetThing, 'probe.GetThing.v2': GetThing } })),
    ).toThrow('GetThing is routed under two names: probe.GetThing.v1 and probe.GetThing.v2');
  });

  it('refuses to send a message no context declared', () => {
    const contexts = new StrangleableContexts();
    contexts.register(probe());
    class Stray implements RoutedMessage {
      caller = caller;
    }
    expect(() => contexts.toRemote(new Stray())).toThrow('Stray is not a routed message of any strangleable context.');
  });
});
