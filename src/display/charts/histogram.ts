/**
 * Histograms normalised to a density, with an optional density curve on top.
 * Binning happens here in JavaScript, so the spec carries a few dozen rows
 * instead of every sample.
 */
import { ChartSpec } from '../render';
import { assemble, BaseOptions, LEGEND, Row } from './common';
import { checkBaseOptions, checkBins, checkExtent, checkValues } from './check';

export interface HistogramOptions extends BaseOptions {
  values: ArrayLike<number>;
  bins?: number;
  /** Range of the bins; defaults to the range of the values. */
  extent?: [number, number];
  /** A density to draw over the bars, as points of a curve. */
  density?: { x: number; y: number }[];
  /** Legend labels for the bars and the curve. */
  labels?: { samples: string; density: string };
}

/** Bin edges and densities (count / (N · width)), so the bars integrate to 1. */
export function binDensity(values: ArrayLike<number>, bins: number, extent?: [number, number], fn = 'binDensity'): Row[] {
  checkValues(fn, 'values', values);
  checkBins(fn, bins);
  checkExtent(fn, extent);
  let [lo, hi] = extent ?? [Infinity, -Infinity];
  if (extent === undefined) for (let i = 0; i < values.length; i++) { lo = Math.min(lo, values[i]); hi = Math.max(hi, values[i]); }
  if (!(hi > lo)) hi = lo + 1;
  const width = (hi - lo) / bins;
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < values.length; i++) {
    const b = Math.floor((values[i] - lo) / width);
    if (b >= 0 && b <= bins) counts[Math.min(b, bins - 1)] += 1;
  }
  return counts.map((c, b) => ({ start: lo + b * width, end: lo + (b + 1) * width, density: c / (values.length * width) }));
}

/**
 * A density histogram of samples, optionally against an analytic density.
 *
 * @example
 * const samples = new Random(0).gumbelArray(10_000);
 * const curve = Array.from({ length: 81 }, (_, i) => {
 *   const x = -3 + i * 0.1;
 *   return { x, y: Math.exp(-x - Math.exp(-x)) };  // the standard Gumbel density
 * });
 * const spec = histogram({ values: samples, bins: 40, density: curve, title: 'Gumbel samples' });
 */
export function histogram(o: HistogramOptions): ChartSpec {
  checkBaseOptions('histogram', o);
  const labels = o.labels ?? { samples: 'samples', density: 'density' };
  const bars = binDensity(o.values, o.bins ?? 40, o.extent, 'histogram').map((r) => ({ ...r, series: labels.samples }));
  const curve = (o.density ?? []).map((p) => ({ x: p.x, curve: p.y, series: labels.density }));
  const color = { color: { field: 'series', type: 'nominal', title: null, legend: LEGEND } };
  const layers: object[] = [
    {
      transform: [{ filter: 'datum.start != null' }],
      // A rect from 0 to the density: a 'bar' with both x and x2 set would guess its orientation.
      mark: { type: 'rect', opacity: 0.6 },
      encoding: {
        x: { field: 'start', type: 'quantitative', title: o.xTitle ?? 'value' },
        x2: { field: 'end' },
        y: { field: 'density', type: 'quantitative', title: o.yTitle ?? 'density' },
        y2: { datum: 0 },
        ...color,
      },
    },
  ];
  if (curve.length > 0) {
    layers.push({
      transform: [{ filter: 'datum.curve != null' }],
      mark: { type: 'line', strokeWidth: 2 },
      encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'curve', type: 'quantitative' }, ...color },
    });
  }
  return assemble(o, [...bars, ...curve], layers);
}
