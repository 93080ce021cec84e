export interface StrangleableContext {
  context: string;
  service: string;
  commands: Record<string, unknown>;
  queries: Record<string, unknown>;
}
export class RelayModule {
  static forFacade() {
    return RelayModule;
  }
}
