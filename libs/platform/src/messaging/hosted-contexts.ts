import type { ContextDatabase } from '../database/context-database.js';
import type { DatabaseConfig } from '../config/platform.config.js';
import type { OutboxRelay } from './outbox-relay.js';

/** One context this process hosts, as the migration machinery may steer it (never the context's own code). */
export interface HostedContext {
  name: string;
  database: ContextDatabase;
  relay: OutboxRelay;
  /** Stops taking this context's messages (resolves once those under way are handled) and takes them again. */
  pauseConsumers(): Promise<void>;
  resumeConsumers(): Promise<void>;
}

/** The contexts this process hosts, by name, registered by BoundedContextModule. */
export class HostedContexts {
  private readonly contexts = new Map<string, HostedContext>();

  register(context: HostedContext): void {
    this.contexts.set(context.name, context);
  }

  get(name: string): HostedContext | undefined {
    return this.contexts.get(name);
  }

  all(): HostedContext[] {
    return [...this.contexts.values()];
  }
}

/**
 * Decides where a context's data is opened at start-up when that is not the process database (a
 * context whose data was handed off to a database of its own). Provided by the strangler in a
 * service; absent elsewhere.
 */
export interface ContextLocator {
  locate(context: string): Promise<{ database: DatabaseConfig; location: string } | undefined>;
}

export const CONTEXT_LOCATOR = Symbol('ContextLocator');
