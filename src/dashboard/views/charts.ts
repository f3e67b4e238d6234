import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface SeriesSpec {
  label: string;
  color: string;
  /** Area under the line, or bars' fill. */
  fill?: boolean;
  dash?: number[];
  /** How hover values read in the legend. */
  format?: (value: number) => string;
}

const AXIS = { stroke: '#5b6472', grid: { stroke: '#eef0f3', width: 1 }, ticks: { stroke: '#e2e5ea', width: 1 } };
const FONT = '12px system-ui, -apple-system, "Segoe UI", sans-serif';
const HEIGHT = 190;

/** A uPlot chart sized to its container, redrawn as the container resizes. */
abstract class Chart {
  protected readonly plot: uPlot;
  readonly #observer: ResizeObserver;

  protected constructor(
    container: HTMLElement,
    options: Omit<uPlot.Options, 'width' | 'height'>,
    data: uPlot.AlignedData,
  ) {
    const width = Math.max(240, container.clientWidth);
    this.plot = new uPlot({ width, height: HEIGHT, ...options }, data, container);
    this.#observer = new ResizeObserver(() => {
      const next = Math.max(240, container.clientWidth);
      if (next !== this.plot.width) this.plot.setSize({ width: next, height: HEIGHT });
    });
    this.#observer.observe(container);
  }

  update(data: uPlot.AlignedData): void {
    this.plot.setData(data);
  }

  destroy(): void {
    this.#observer.disconnect();
    this.plot.destroy();
  }
}

/** Values over time (x in epoch seconds), one line per series. */
export class TimeChart extends Chart {
  constructor(
    container: HTMLElement,
    series: SeriesSpec[],
    yFormat: (value: number) => string,
    yRange?: [number, number],
  ) {
    super(
      container,
      {
        scales: {
          x: { time: true },
          y: yRange ? { range: yRange } : { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] },
        },
        axes: [
          { ...AXIS, font: FONT, values: (_u, splits) => splits.map((s) => clock(s, false)) },
          { ...AXIS, font: FONT, size: 56, values: (_u, splits) => splits.map(yFormat) },
        ],
        cursor: { drag: { x: false, y: false } },
        series: [
          { label: 'time', value: (_u, v) => (v === null ? '–' : clock(v, true)) },
          ...series.map((s) => ({
            label: s.label,
            stroke: s.color,
            width: 2,
            spanGaps: true,
            ...(s.dash && { dash: s.dash }),
            ...(s.fill && { fill: `${s.color}1f` }),
            value: (_u: uPlot, v: number | null) => (v === null ? '–' : (s.format ?? yFormat)(v)),
            points: { show: false },
          })),
        ],
      },
      [[], ...series.map(() => [])],
    );
  }
}

/** Grouped bars over named categories (e.g. p50 and p95 latency per pattern type). */
export class CategoryBars extends Chart {
  constructor(container: HTMLElement, categories: string[], series: SeriesSpec[], yFormat: (value: number) => string) {
    const bars = uPlot.paths.bars!;
    const offsets = series.length === 1 ? [0] : series.map((_, i) => (i === 0 ? -1 : 1));
    super(
      container,
      {
        scales: {
          x: { time: false, range: [-0.5, categories.length - 0.5] },
          y: { range: (_u, _min, max) => [0, Math.max(0.01, max * 1.15)] },
        },
        axes: [
          {
            ...AXIS,
            font: FONT,
            grid: { show: false },
            splits: () => categories.map((_, i) => i),
            values: (_u, splits) => splits.map((i) => categories[i] ?? ''),
          },
          { ...AXIS, font: FONT, size: 64, values: (_u, splits) => splits.map(yFormat) },
        ],
        cursor: { drag: { x: false, y: false }, points: { show: false } },
        series: [
          { label: 'type', value: (_u, v) => categories[v] ?? '' },
          ...series.map((s, i) => ({
            label: s.label,
            stroke: s.color,
            fill: `${s.color}cc`,
            width: 0,
            paths: bars({ size: [0.36, 48], align: offsets[i] as -1 | 0 | 1, gap: 2 }),
            value: (_u: uPlot, v: number | null) => (v === null ? '–' : (s.format ?? yFormat)(v)),
            points: { show: false },
          })),
        ],
      },
      [categories.map((_, i) => i), ...series.map(() => categories.map(() => 0))],
    );
  }
}

/** Epoch seconds as a 24-hour clock time. */
function clock(seconds: number, withSeconds: boolean): string {
  return new Date(seconds * 1000).toLocaleTimeString('en-GB', {
    hour: '2-digit',
    minute: '2-digit',
    ...(withSeconds && { second: '2-digit' }),
  });
}
