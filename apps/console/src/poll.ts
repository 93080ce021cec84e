import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

/** How often the console reads the state again (and at once after every action it takes). */
export const POLL_MS = 1000;

/**
 * Reads `read` now, then again `POLL_MS` after each read ends (never two at once); `refresh` reads
 * at once. The last result stays shown while the next is read, so figures never blank out.
 */
export function usePoll<T>(read: () => Promise<T>): { data: T | undefined; refresh: () => void } {
  const [data, setData] = useState<T>();
  const wake = useRef<() => void>(() => undefined);
  const latest = useRef(read);
  latest.current = read;

  useEffect(() => {
    let stopped = false;
    let again = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let reading = false;
    const tick = async (): Promise<void> => {
      if (stopped) return;
      if (reading) {
        again = true;
        return;
      }
      reading = true;
      clearTimeout(timer);
      try {
        const next = await latest.current();
        if (!stopped) setData(next);
      } finally {
        reading = false;
        if (!stopped) timer = setTimeout(() => void tick(), again ? 0 : POLL_MS);
        again = false;
      }
    };
    wake.current = () => void tick();
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, []);

  const refresh = useCallback(() => wake.current(), []);
  return { data, refresh };
}
