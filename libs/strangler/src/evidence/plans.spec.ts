import { DEFAULT_PLAN, onStep, stepProgress, type PlanStep } from './plans.js';

const shadow = DEFAULT_PLAN.steps[0]!;
const canary: PlanStep = { mode: 'canary', percent: 25, holdS: 60 };

describe('stepProgress', () => {
  it('the default plan is shadow, canary 5, 25, 50, then service', () => {
    expect(DEFAULT_PLAN.steps.map((step) => [step.mode, step.percent])).toEqual([
      ['shadow', undefined],
      ['canary', 5],
      ['canary', 25],
      ['canary', 50],
      ['service', undefined],
    ]);
    expect(shadow).toMatchObject({ minComparedReads: 2000, maxMismatchRate: 0.001 });
  });

  it('a canary step waits for its hold and a green gate', () => {
    expect(stepProgress(canary, { heldS: 10, gate: 'green' }).waitingFor).toEqual(['held 10 of 60 s']);
    expect(stepProgress(canary, { heldS: 61, gate: 'waiting' }).waitingFor).toEqual(['gate waiting, not green']);
    expect(stepProgress(canary, { heldS: 61, gate: 'would-roll-back' }).waitingFor).toHaveLength(1);
    expect(stepProgress(canary, { heldS: 61, gate: 'green' }).waitingFor).toEqual([]);
  });

  it('a shadow step waits for enough compared reads with few mismatches', () => {
    expect(stepProgress(shadow, { heldS: 61, gate: 'none', shadow: { compared: 1999, mismatches: 0 } }).waitingFor).toEqual([
      '1999 of 2000 compared reads',
    ]);
    const tooMany = stepProgress(shadow, { heldS: 61, gate: 'none', shadow: { compared: 2000, mismatches: 3 } });
    expect(tooMany.waitingFor).toEqual(['mismatch rate 0.0015 > 0.001']);
    const ready = stepProgress(shadow, { heldS: 61, gate: 'none', shadow: { compared: 2000, mismatches: 2 } });
    expect(ready).toMatchObject({ waitingFor: [], comparedReads: 2000, mismatchRate: 0.001 });
  });

  it('knows whether a route is the one a step asks for', () => {
    expect(onStep(canary, { mode: 'canary', percent: 25 })).toBe(true);
    expect(onStep(canary, { mode: 'canary', percent: 50 })).toBe(false);
    expect(onStep({ mode: 'service', holdS: 0 }, { mode: 'service', percent: 100 })).toBe(true);
    expect(onStep(shadow, undefined)).toBe(false);
  });
});
