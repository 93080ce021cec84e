import { slowdownSeconds } from './login-policy.js';

describe('slowdownSeconds', () => {
  it('does not slow the free attempts', () => {
    expect(slowdownSeconds(0, 60)).toBe(0);
  });

  it('doubles from 1 s with each attempt past the free ones', () => {
    expect([1, 2, 3, 4, 5, 6].map((beyond) => slowdownSeconds(beyond, 60))).toEqual([1, 2, 4, 8, 16, 32]);
  });

  it('stops growing at the cap, however long the campaign runs', () => {
    expect(slowdownSeconds(7, 60)).toBe(60);
    expect(slowdownSeconds(10_000, 60)).toBe(60);
  });
});
