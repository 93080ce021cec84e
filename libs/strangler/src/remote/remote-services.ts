import { type RpcClient } from '@shop/platform';
import type { StrangleableContexts } from '../routing/strangleable-context.js';
import type { StranglerMetrics } from '../strangler-metrics.js';
import { RemoteService } from './remote-service.js';

/** One RemoteService (with its own circuit) per strangleable context, when there is a broker. */
export class RemoteServices {
  private readonly services = new Map<string, RemoteService>();

  constructor(
    private readonly contexts: StrangleableContexts,
    private readonly rpc: RpcClient | undefined,
    private readonly options: { timeoutMs: number; cooldownMs: number; metrics?: StranglerMetrics },
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
      const { timeoutMs, cooldownMs, metrics } = this.options;
      remote = new RemoteService(context, service, this.rpc, timeoutMs, cooldownMs, (outcome, seconds) =>
        metrics?.remoteCall(service, outcome, seconds),
      );
      this.services.set(context, remote);
    }
    return remote;
  }
}
