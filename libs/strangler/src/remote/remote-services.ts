import { type RpcClient } from '@shop/platform';
import type { StrangleableContexts } from '../routing/strangleable-context.js';
import { RemoteService, type BulkheadState, type RemoteOutcome, type RemoteServiceOptions } from './remote-service.js';

/** One RemoteService (with its own bulkhead and circuit) per strangleable context, when there is a broker. */
export class RemoteServices {
  private readonly services = new Map<string, RemoteService>();

  constructor(
    private readonly contexts: StrangleableContexts,
    private readonly rpc: RpcClient | undefined,
    private readonly options: Omit<RemoteServiceOptions, 'observe'> & {
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
      const { observe, ...options } = this.options;
      remote = new RemoteService(context, service, this.rpc, {
        ...options,
        observe: (outcome, seconds) => observe?.(service, outcome, seconds),
      });
      this.services.set(context, remote);
    }
    return remote;
  }

  /** Every service's bulkhead as it is now, for whatever reports on them. */
  bulkheads(): BulkheadState[] {
    return [...this.services.values()].map((remote) => remote.bulkheadState());
  }
}
