import { type RpcClient } from '@shop/platform';
import type { StrangleableContexts } from '../routing/strangleable-context.js';
import { RemoteService, type RemoteOutcome } from './remote-service.js';

/** One RemoteService (with its own circuit) per strangleable context, when there is a broker. */
export class RemoteServices {
  private readonly services = new Map<string, RemoteService>();

  constructor(
    private readonly contexts: StrangleableContexts,
    private readonly rpc: RpcClient | undefined,
    private readonly options: {
      timeoutMs: number;
      cooldownMs: number;
      /** Hears how each call to a service ended (metrics). */
      observe?: (service: string, outcome: RemoteOutcome, seconds: number) => void;
    },
  ) {}

  /** The services called so far. */
  all(): RemoteService[] {
    return [...this.services.values()];
  }

  for(context: string): RemoteService | undefined {
    const descriptor = this.contexts.get(context);
    if (!this.rpc || !descriptor) return undefined;
    let remote = this.services.get(context);
    if (!remote) {
      const { service } = descriptor;
      const { timeoutMs, cooldownMs, observe } = this.options;
      remote = new RemoteService(context, service, this.rpc, timeoutMs, cooldownMs, (outcome, seconds) =>
        observe?.(service, outcome, seconds),
      );
      this.services.set(context, remote);
    }
    return remote;
  }
}
