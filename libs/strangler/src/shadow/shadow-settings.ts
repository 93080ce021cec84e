import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { ControlChannel } from '../control/control-channel.js';
import type { StrangleableContext } from '../routing/strangleable-context.js';
import type { ShadowRules } from './shadow-rules.js';

/** A context's shadow settings, as the admin API reads and writes them. */
export interface ShadowSettingsValue extends ShadowRules {
  /** Share of the reads served in shadow mode that are mirrored to the service (0..100). */
  samplePercent: number;
  /** Share of the mirrored reads that first take a noise baseline: the monolith compared with itself (0..100). */
  noisePercent: number;
}

export const DEFAULT_SAMPLE_PERCENT = 100;
export const DEFAULT_NOISE_PERCENT = 10;

/** What a context's shadow runs with until an operator says otherwise: every read, its descriptor's rules. */
export function defaultShadowSettings(descriptor: StrangleableContext | undefined): ShadowSettingsValue {
  return {
    samplePercent: DEFAULT_SAMPLE_PERCENT,
    noisePercent: DEFAULT_NOISE_PERCENT,
    ignore: descriptor?.shadowIgnores ?? [],
    unordered: descriptor?.shadowUnordered ?? [],
  };
}

interface SettingsRow {
  context: string;
  sample_percent: number;
  noise_percent: number;
  ignore: string[];
  unordered: string[];
}

/**
 * Every context's shadow settings, in `strangler.shadow_settings` (a context without a row runs on
 * its descriptor's defaults). Each instance keeps them in memory and reads them again when a change
 * is announced on the control channel, so a change is in force everywhere as it commits.
 */
export class ShadowSettings {
  private readonly logger = new Logger('ShadowSettings');
  private stored = new Map<string, ShadowSettingsValue>();
  private readonly defaults = new Map<string, ShadowSettingsValue>();
  private stopListening: (() => void) | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly channel: ControlChannel,
    private readonly descriptor: (context: string) => StrangleableContext | undefined,
  ) {}

  async start(): Promise<void> {
    await this.refresh();
    this.stopListening ??= this.channel.onChange((change) => {
      if (!change || change.kind === 'shadow')
        void this.refresh().catch((error: unknown) => this.logger.warn({ err: error }, 'shadow settings refresh failed'));
    });
  }

  stop(): void {
    this.stopListening?.();
    this.stopListening = undefined;
  }

  get(context: string): ShadowSettingsValue {
    const stored = this.stored.get(context);
    if (stored) return stored;
    let defaults = this.defaults.get(context);
    if (!defaults) {
      const descriptor = this.descriptor(context);
      defaults = defaultShadowSettings(descriptor);
      // Kept (rules are compiled once per settings object) once the context has registered.
      if (descriptor) this.defaults.set(context, defaults);
    }
    return defaults;
  }

  /** Stores a context's settings (validated before) and announces them to every instance. */
  async save(context: string, settings: ShadowSettingsValue, by: string): Promise<ShadowSettingsValue> {
    await this.dataSource.transaction(async (manager) => {
      await manager.query(
        `INSERT INTO strangler.shadow_settings (context, sample_percent, noise_percent, ignore, unordered, updated_at, updated_by)
         VALUES ($1, $2, $3, $4, $5, now(), $6)
         ON CONFLICT (context) DO UPDATE
           SET sample_percent = EXCLUDED.sample_percent, noise_percent = EXCLUDED.noise_percent, ignore = EXCLUDED.ignore,
               unordered = EXCLUDED.unordered, updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by`,
        [context, settings.samplePercent, settings.noisePercent, JSON.stringify(settings.ignore), JSON.stringify(settings.unordered), by],
      );
      await this.channel.announce({ kind: 'shadow', context }, manager);
    });
    await this.refresh();
    return this.get(context);
  }

  private async refresh(): Promise<void> {
    const rows: SettingsRow[] = await this.dataSource.query('SELECT * FROM strangler.shadow_settings');
    this.stored = new Map(
      rows.map((row) => [
        row.context,
        { samplePercent: row.sample_percent, noisePercent: row.noise_percent, ignore: row.ignore, unordered: row.unordered },
      ]),
    );
  }
}
