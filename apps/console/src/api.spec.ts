import { keepLastGood, type Loaded, type Problem } from './api.js';

const problem = (status: number): Problem => ({ type: 'about:blank', title: 'x', status, detail: '' });
const good: Loaded<number> = { state: 'ok', data: 1 };

describe('keepLastGood', () => {
  it('keeps the last good read, marked stale, when the server failed or did not answer this once', () => {
    expect(keepLastGood(good, { state: 'error', problem: problem(503) })).toEqual({ state: 'ok', data: 1, stale: problem(503) });
    expect(keepLastGood(good, { state: 'error', problem: problem(0) })).toEqual({ state: 'ok', data: 1, stale: problem(0) });
  });

  it('never hides a refusal, a missing endpoint or a newer read', () => {
    expect(keepLastGood(good, { state: 'error', problem: problem(401) })).toEqual({ state: 'error', problem: problem(401) });
    expect(keepLastGood(good, { state: 'unavailable' })).toEqual({ state: 'unavailable' });
    expect(keepLastGood(good, { state: 'ok', data: 2 })).toEqual({ state: 'ok', data: 2 });
    expect(keepLastGood(undefined, { state: 'error', problem: problem(500) })).toEqual({ state: 'error', problem: problem(500) });
  });
});
