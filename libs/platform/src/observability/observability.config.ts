import { z } from 'zod';
import { defineConfig } from '../config/config-slice.js';

export interface ObservabilityConfig {
  /** A bearer credential that may read GET /metrics and nothing else (Prometheus's), besides admin tokens. */
  scrapeToken: string | undefined;
}

const SCRAPE_TOKEN_RULE = 'must be 32 to 256 characters of letters, digits, dot, underscore, tilde, plus, slash, equals or dash';

/** Who may read the metrics: admins, and whoever holds METRICS_SCRAPE_TOKEN (ADR 0042). */
export const observabilityConfig = defineConfig({
  name: 'observability',
  variables: {
    METRICS_SCRAPE_TOKEN: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9._~+/=-]{32,256}$/, SCRAPE_TOKEN_RULE)
      .optional()
      .or(z.literal('').transform(() => undefined)),
  },
  secrets: ['METRICS_SCRAPE_TOKEN'],
  build: (raw): ObservabilityConfig => ({ scrapeToken: raw.METRICS_SCRAPE_TOKEN }),
});
