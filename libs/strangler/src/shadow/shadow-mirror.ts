import { setImmediate } from 'node:timers/promises';
import { Logger } from '@nestjs/common';
import { bulkhead, BulkheadRejectedError, type BulkheadPolicy } from 'cockatiel';
import type { ShadowComparer, ShadowSink } from './shadow-comparer.js';
import type { ShadowSettingsValue } from './shadow-settings.js';

/** How many mirrored reads run at once, and how many more may wait, on one instance. */
export interface MirrorLimits {
  concurrency: number;
  queue: number;
}

/** What became of a read offered to the shadow. */
export type MirrorOutcome = 'skipped' | 'dropped' | 'match' | 'mismatch' | 'unavailable' | 'failed';

export interface MirroredRead {
  context: string;
  route: string;
  /** The monolith's answer, already given to the caller. */
  primary: unknown;
  /** The service's answer to the same read. */
  shadow: () => Promise<unknown>;
  /** The monolith's answer again. */
  reread: () => Promise<unknown>;
  requestId: string | undefined;
}

/**
 * Where the gateway hands a read it has answered from the monolith in shadow mode. A share of reads
 * (samplePercent) is mirrored; of those, a share (noisePercent) first takes a noise baseline. The
 * work runs behind a bulkhead (cockatiel): at most `concurrency` at once and `queue` waiting; a read
 * that finds both full is dropped and counted, so the shadow never queues without bound and never
 * holds the caller, whose answer was sent before it is offered here.
 */
export class ShadowMirror {
  private readonly logger = new Logger('Shadow');
  private readonly bulkhead: BulkheadPolicy;

  constructor(
    private readonly comparer: ShadowComparer,
    private readonly settings: { get(context: string): ShadowSettingsValue },
    private readonly sink: ShadowSink,
    limits: MirrorLimits,
    private readonly random: () => number = Math.random,
  ) {
    this.bulkhead = bulkhead(limits.concurrency, limits.queue);
  }

  /** Never rejects; resolves once the read was compared (or skipped, or dropped). */
  async mirror(read: MirroredRead): Promise<MirrorOutcome> {
    const settings = this.settings.get(read.context);
    if (!this.sampled(settings.samplePercent)) return 'skipped';
    const baseline = this.sampled(settings.noisePercent);
    // The next turn of the event loop: the caller's answer is written before any of the mirror's work.
    await setImmediate();
    try {
      return await this.bulkhead.execute(async () => {
        if (baseline) await this.comparer.baseline({ ...read, rules: settings });
        return this.comparer.compare({ ...read, ignore: settings });
      });
    } catch (error) {
      if (error instanceof BulkheadRejectedError) {
        this.sink.tally(read.context, read.route, { dropped: 1 });
        return 'dropped';
      }
      this.logger.warn({ err: error, context: read.context, route: read.route }, 'shadow comparison failed');
      return 'failed';
    }
  }

  private sampled(percent: number): boolean {
    return percent >= 100 || (percent > 0 && this.random() * 100 < percent);
  }
}
