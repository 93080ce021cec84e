import { ConfigError, loadConfiguration } from '../config/config-slice.js';
import { apiUsageConfig } from './api-usage.config.js';

describe('API usage configuration', () => {
  it('flushes every minute by default', () => {
    expect(loadConfiguration([apiUsageConfig], {}).get(apiUsageConfig)).toEqual({ flushMs: 60_000 });
  });

  it('takes 1 to 3600 seconds', () => {
    expect(loadConfiguration([apiUsageConfig], { API_USAGE_FLUSH_SECONDS: '5' }).get(apiUsageConfig)).toEqual({ flushMs: 5000 });
    expect(() => loadConfiguration([apiUsageConfig], { API_USAGE_FLUSH_SECONDS: '0' })).toThrow(
      new ConfigError(['API_USAGE_FLUSH_SECONDS: must be between 1 and 3600 (got "0")']),
    );
  });
});
