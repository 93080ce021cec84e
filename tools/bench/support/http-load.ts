// HTTP load with autocannon (programmatic API) against a real server. Latencies are taken from
// autocannon's per-response timings (sub-millisecond), not from its histogram, whose resolution is 1 ms.
import autocannon from 'autocannon';
import type { LoadFigures } from './measure.js';
import { figuresOf } from './measure.js';

export interface HttpLoad {
  url: string;
  method?: 'GET' | 'POST' | 'PUT';
  headers?: Record<string, string>;
  body?: string;
  /** Connections, each with one request in flight. */
  connections: number;
  /** Measured time. */
  durationSeconds: number;
  /** Run this long before the measured time (connections opened, first requests answered), not measured. */
  settleSeconds?: number;
}

/** Runs one autocannon load; fails if any request errored or answered other than 2xx. */
export function httpLoad(load: HttpLoad): Promise<LoadFigures> {
  const latencies: number[] = [];
  let allCalls = 0;
  let failures = 0;
  let firstFailure: number | undefined;
  const settleSeconds = load.settleSeconds ?? 0;
  const measuredFrom = process.hrtime.bigint() + BigInt(Math.round(settleSeconds * 1e9));
  return new Promise<LoadFigures>((resolve, reject) => {
    const instance = autocannon(
      {
        url: load.url,
        method: load.method ?? 'GET',
        headers: load.headers,
        body: load.body,
        connections: load.connections,
        pipelining: 1,
        duration: settleSeconds + load.durationSeconds,
        // autocannon checks for the end of the duration at each sample tick (1 s by default).
        sampleInt: 100,
        timeout: 10,
      },
      (error: Error | null, result: autocannon.Result) => {
        if (error) return reject(error);
        const seconds = Number(process.hrtime.bigint() - measuredFrom) / 1e9;
        if (failures > 0 || result.errors > 0 || result.timeouts > 0) {
          return reject(
            new Error(
              `${load.url}: ${failures} non-2xx answers (first: ${firstFailure}), ${result.errors} errors, ${result.timeouts} timeouts`,
            ),
          );
        }
        resolve({ ...figuresOf(latencies, seconds), allCalls });
      },
    );
    instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTimeMs: number) => {
      allCalls += 1;
      if (statusCode >= 200 && statusCode < 300) {
        if (process.hrtime.bigint() >= measuredFrom) latencies.push(responseTimeMs);
      } else {
        failures += 1;
        firstFailure ??= statusCode;
      }
    });
  });
}
