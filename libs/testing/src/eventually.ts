/** Polls until `check` returns a value that is not undefined, or fails after `timeoutMs` saying what was awaited. */
export async function eventually<T>(
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 3000,
  what = 'condition',
  intervalMs = 20,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${timeoutMs} ms`);
    await sleep(intervalMs);
  }
}

/** Waits until `condition` holds (see eventually). */
export async function until(condition: () => Promise<boolean> | boolean, timeoutMs = 3000, what = 'condition'): Promise<void> {
  await eventually(async () => ((await condition()) ? true : undefined), timeoutMs, what);
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
