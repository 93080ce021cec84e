import { defineConfig } from '../config/config-slice.js';
import { variables } from '../config/variables.js';

export interface ApiUsageConfig {
  /** How often each instance adds the calls it counted to the shared table. */
  flushMs: number;
}

/** The API usage ledger's settings. */
export const apiUsageConfig = defineConfig({
  name: 'api-usage',
  variables: { API_USAGE_FLUSH_SECONDS: variables.wholeNumber(1, 3600, 'seconds').default(60) },
  build: (raw): ApiUsageConfig => ({ flushMs: raw.API_USAGE_FLUSH_SECONDS * 1000 }),
});
