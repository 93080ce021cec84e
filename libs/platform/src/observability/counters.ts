/** Label values of one series, e.g. `{ what: 'sql', target: 'ordering' }`. */
export type Labels = Readonly<Record<string, string>>;

export interface CounterSeries {
  readonly labels: Labels;
  readonly value: number;
}

/** One named counter as a reader sees it: what it counts and its series. */
export interface CounterSnapshot {
  readonly name: string;
  readonly help: string;
  readonly series: readonly CounterSeries[];
}

/** What a metrics endpoint (or a test) reads: every counter with its series, and one counter's total. */
export interface CounterReader {
  snapshot(): CounterSnapshot[];
  /** The sum of `name`'s series whose labels include `labels` (0 for a counter never incremented). */
  total(name: string, labels?: Labels): number;
}

export class Counter {
  private readonly series = new Map<string, { labels: Labels; value: number }>();

  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  inc(labels: Labels = {}, by = 1): void {
    const key = JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
    const entry = this.series.get(key);
    if (entry) entry.value += by;
    else this.series.set(key, { labels: { ...labels }, value: by });
  }

  snapshot(): CounterSnapshot {
    return { name: this.name, help: this.help, series: [...this.series.values()].map(({ labels, value }) => ({ labels, value })) };
  }
}

/**
 * The process's counters of what went wrong in a bounded way (timeouts, load shed). Plain numbers,
 * no exporter: whatever exposes metrics reads them through CounterReader.
 */
export class CounterRegistry implements CounterReader {
  private readonly counters = new Map<string, Counter>();

  /** The counter of that name, made on first use; one name has one meaning. */
  counter(name: string, help: string): Counter {
    let counter = this.counters.get(name);
    if (!counter) {
      counter = new Counter(name, help);
      this.counters.set(name, counter);
    } else if (counter.help !== help) {
      throw new Error(`The counter ${name} is already defined as "${counter.help}"`);
    }
    return counter;
  }

  snapshot(): CounterSnapshot[] {
    return [...this.counters.values()].map((counter) => counter.snapshot());
  }

  total(name: string, labels: Labels = {}): number {
    const counter = this.counters.get(name);
    if (!counter) return 0;
    return counter
      .snapshot()
      .series.filter((series) => Object.entries(labels).every(([label, value]) => series.labels[label] === value))
      .reduce((sum, series) => sum + series.value, 0);
  }
}

/** One registry per process, like a metrics library's default registry. */
export const processCounters = new CounterRegistry();
