import { judge, judgedSince, type Gate } from './gates.js';
import { Tally, type Window } from './outcomes.js';

const gate: Gate = { windowS: 30, minRequests: 20, maxErrorRate: 0.05, maxP99Ms: 300, maxP99Ratio: 3, dryRun: false };

function windowOf(
  sides: Partial<Record<keyof Window, { requests: number; errors?: number; ms: number; slow?: { n: number; ms: number } }>>,
): Window {
  const window: Window = { monolith: new Tally(), service: new Tally() };
  for (const [side, spec] of Object.entries(sides)) {
    const slow = spec.slow?.n ?? 0;
    for (let i = 0; i < spec.requests; i += 1) {
      window[side as keyof Window].record(i < slow ? spec.slow!.ms : spec.ms, i < (spec.errors ?? 0));
    }
  }
  return window;
}

describe('judge', () => {
  it('waits while the service has fewer requests than the gate needs', () => {
    const verdict = judge(gate, windowOf({ service: { requests: 19, errors: 19, ms: 10 } }), 30, null);
    expect(verdict.status).toBe('waiting');
  });

  it('is green when errors and latency are within bounds', () => {
    const verdict = judge(gate, windowOf({ monolith: { requests: 100, ms: 20 }, service: { requests: 100, errors: 5, ms: 30 } }), 30, null);
    expect(verdict).toMatchObject({ status: 'green', reason: null });
    expect(verdict.figures.service).toMatchObject({ requests: 100, errors: 5, errorRate: 0.05 });
  });

  it('breaches on the error rate, saying by how much', () => {
    const verdict = judge(gate, windowOf({ service: { requests: 100, errors: 6, ms: 30 } }), 30, null);
    expect(verdict.status).toBe('breached');
    expect(verdict.reason).toMatch(/error rate 0\.060 > 0\.05 \(6 of 100 service requests over 30 s\)/);
  });

  it('breaches on the p99', () => {
    const verdict = judge(gate, windowOf({ service: { requests: 100, ms: 30, slow: { n: 2, ms: 450 } } }), 30, null);
    expect(verdict.status).toBe('breached');
    expect(verdict.reason).toMatch(/service p99 \d+(\.\d)? ms > 300 ms/);
  });

  it("breaches on the p99 relative to the monolith's over the same window", () => {
    const relative: Gate = { ...gate, maxP99Ms: undefined };
    const window = windowOf({ monolith: { requests: 100, ms: 20 }, service: { requests: 100, ms: 90 } });
    const verdict = judge(relative, window, 30, null);
    expect(verdict.status).toBe('breached');
    expect(verdict.reason).toMatch(/> 3 x monolith p99/);
    expect(verdict.figures.referenceP99Ms).toBe(verdict.figures.monolith.p99Ms);
  });

  it('compares with the baseline from before the switch when the monolith has no traffic', () => {
    const relative: Gate = { ...gate, maxP99Ms: undefined };
    const window = windowOf({ service: { requests: 100, ms: 90 } });
    expect(judge(relative, window, 30, null).status).toBe('green');
    const verdict = judge(relative, window, 30, 20);
    expect(verdict).toMatchObject({ status: 'breached', figures: { referenceP99Ms: 20 } });
  });
});

describe('judgedSince', () => {
  const AGO = 3_600_000;

  it('covers the last windowS seconds of arrival, the current one among them', () => {
    // At 100.5 s a 5 s window holds seconds 96-100: five rows, not the partial 95th as well.
    expect(judgedSince(100_500, 5, 100_500 - AGO).getTime()).toBe(96_000);
    expect(judgedSince(100_000, 5, 100_000 - AGO).getTime()).toBe(95_000);
  });

  it('starts no earlier than the first whole second after the route changed', () => {
    expect(judgedSince(100_500, 30, 98_200).getTime()).toBe(99_000);
    expect(judgedSince(100_500, 30, 98_000).getTime()).toBe(98_000);
  });
});
