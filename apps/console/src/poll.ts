import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

/** How often the console reads the state again (and at once after every action it takes). */
export const POLL_MS = 1000;

export interface Poll<T> {
  data: T | undefined;
  /** Reads at once; a read already under way when this is called is thrown away (it may predate a change). */
  refresh: () => void;
  /** Puts what the API just answered in place now, ahead of the next read. */
  patch: (change: (data: T) => T) => void;
}

/**
 * Reads `read` now, then again `POLL_MS` after each read ends (never two at once). The last result
 * stays shown while the next is read, so figures never blank out; `merge` combines a read with the
 * one before.
 */
export function usePoll<T>(read: () => Promise<T>, merge: (previous: T | undefined, next: T) => T = (_, next) => next): Poll<T> {
  const [data, setData] = useState<T>();
  const wake = useRef<() => void>(() => undefined);
  const latest = useRef(read);
  latest.current = read;

  useEffect(() => {
    let stopped = false;
    let generation = 0;
    let reading = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async (): Promise<void> => {
      clearTimeout(timer);
      if (stopped || reading) return;
      reading = true;
      const startedIn = generation;
      try {
        const next = await latest.current();
        if (!stopped && startedIn === generation) setData((previous) => merge(previous, next));
      } finally {
        reading = false;
        if (!stopped) timer = setTimeout(() => void tick(), startedIn === generation ? POLL_MS : 0);
      }
    };
    wake.current = () => {
      generation += 1;
      void tick();
    };
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, []);

  const refresh = useCallback(() => wake.current(), []);
  const patch = useCallback((change: (data: T) => T) => setData((current) => (current === undefined ? current : change(current))), []);
  return { data, refresh, patch };
}
