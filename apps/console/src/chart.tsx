import type { Outcomes, Side } from './api.js';

const WIDTH = 300;
const HEIGHT = 72;

const SIDES = [
  { side: 'monolith', label: 'monolith', className: 'monolith' },
  { side: 'service', label: 'service', className: 'service' },
] as const;

function points(values: Array<number | null>, max: number): string {
  const step = values.length > 1 ? WIDTH / (values.length - 1) : WIDTH;
  return values
    .map((value, index) =>
      value === null ? undefined : `${(index * step).toFixed(1)},${(HEIGHT - (value / max) * (HEIGHT - 4)).toFixed(1)}`,
    )
    .filter((point) => point !== undefined)
    .join(' ');
}

/** One figure per side over the window, as two lines on a fixed-size chart (monolith solid, service dashed). */
export function SideChart({
  outcomes,
  title,
  unit,
  figure,
}: {
  outcomes: Outcomes;
  title: string;
  unit: string;
  figure: (side: Side) => number | null;
}) {
  const series = SIDES.map(({ side }) => outcomes.series.map((step) => figure(step[side])));
  const max = Math.max(1, ...series.flat().map((value) => value ?? 0));
  return (
    <figure class="chart">
      <figcaption>
        {title}{' '}
        <span class="scale">
          (max {Math.round(max)} {unit}, last {Math.round(outcomes.windowS / 60)} min)
        </span>
      </figcaption>
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        preserveAspectRatio="none"
        role="img"
        aria-label={`${title} per ${outcomes.stepS} s, monolith and service`}
      >
        <line x1="0" y1={HEIGHT - 0.5} x2={WIDTH} y2={HEIGHT - 0.5} class="axis" />
        {SIDES.map(({ className }, index) => (
          <polyline key={className} class={className} points={points(series[index]!, max)} vector-effect="non-scaling-stroke" />
        ))}
      </svg>
    </figure>
  );
}

const percent = (rate: number) => `${(rate * 100).toFixed(rate > 0 && rate < 0.001 ? 2 : 1)} %`;
const millis = (value: number | null) => (value === null ? '—' : `${Math.round(value)} ms`);

/** The window's totals per side, with the colour key of the charts. */
export function SideTotals({ outcomes }: { outcomes: Outcomes }) {
  return (
    <div class="scroll">
      <table class="figures" data-field="outcomes">
        <caption class="sr-only">Requests per side over the last {Math.round(outcomes.windowS / 60)} minutes</caption>
        <thead>
          <tr>
            <th scope="col">side</th>
            <th scope="col">requests</th>
            <th scope="col">errors</th>
            <th scope="col">p50</th>
            <th scope="col">p99</th>
          </tr>
        </thead>
        <tbody>
          {SIDES.map(({ side, label, className }) => {
            const totals = outcomes.totals[side];
            return (
              <tr key={side} data-side={side}>
                <th scope="row">
                  <span class={`key ${className}`} aria-hidden="true" /> {label}
                </th>
                <td data-figure="requests">{totals.requests}</td>
                <td>{percent(totals.errorRate)}</td>
                <td>{millis(totals.p50Ms)}</td>
                <td>{millis(totals.p99Ms)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
