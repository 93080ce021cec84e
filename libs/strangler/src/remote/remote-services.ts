import { type RpcClient } from '@shop/platform';
import type { StrangleableContexts } from '../routing/strangleable-context.js';
import { RemoteService, type BulkheadState, type RemoteServiceOptions } from './remote-service.js';

/** One RemoteService (with its own bulkhead and circuit) per strangleable context, when there is a broker. */
export class RemoteServices {
  private readonly services = new Map<string, RemoteService>();

  constructor(
    private readonly contexts: StrangleableContexts,
    private readonly rpc: RpcClient | undefined,
    private readonly options: RemoteServiceOptions,
  ) {}

  for(context: string): RemoteService | undefined {
    const descriptor = this.contexts.get(context);
    if (!this.rpc || !descriptor) return undefined;
    let remote = this.services.get(context);
    if (!remote) {
      remote = new RemoteService(context, descriptor.service, this.rpc, this.options);
      this.services.set(context, remote);
    }
    return remote;
  }

  /** Every service's bulkhead as it is now, for whatever reports on them. */
  bulkheads(): BulkheadState[] {
    return [...this.services.values()].map((remote) => remote.bulkheadState());
  }
}
