/**
 * A density histogram with a slider: samples precomputed at several values of a
 * parameter (e.g. the temperature τ), one shown at a time. Uses only Vega-Lite 5.6
 * features (top-level `params` bound to a range input, and a filter expression), so
 * it runs in JupyterLab's bundled renderer; the SVG fallback shows the initial value.
 */
import { ChartSpec } from '../render';
import { checkBaseOptions } from './check';
import { assemble, BaseOptions, LEGEND, Row } from './common';
import { binDensity } from './histogram';
import { fail } from '../../validate';

export interface HistogramSliderOptions extends BaseOptions {
  /** One entry per parameter value: the samples there and, optionally, a density curve. */
  panels: { value: number; samples: ArrayLike<number>; density?: { x: number; y: number }[] }[];
  /** The parameter: its name in the spec and on the slider, and the slider's range. */
  param: { name: string; min: number; max: number; step: number; initial: number };
  bins?: number;
  extent?: [number, number];
  labels?: { samples: string; density: string };
}

/**
 * @example
 * const taus = [0.1, 0.5, 1, 2];
 * const samplesAt = (tau: number) => {
 *   const q = new RelaxedBernoulli({ logits: [0.5], temperature: tau });
 *   const x = q.sample(2000, 0);
 *   const values = x.dataSync().slice();
 *   x.dispose();
 *   q.dispose();
 *   return values;
 * };
 * const spec = histogramSlider({
 *   panels: taus.map((tau) => ({ value: tau, samples: samplesAt(tau) })),
 *   param: { name: 'tau', min: 0.1, max: 2, step: 0.1, initial: 0.5 }, extent: [0, 1],
 * });
 */
export function histogramSlider(o: HistogramSliderOptions): ChartSpec {
  checkBaseOptions('histogramSlider', o);
  if (!Array.isArray(o.panels) || o.panels.length === 0) fail('histogramSlider', 'panels', 'a non-empty array of {value, samples, density?}', o.panels);
  if (o.param === null || typeof o.param !== 'object') fail('histogramSlider', 'param', 'an object {name, min, max, step, initial}', o.param);
  const { name, min, max, step, initial } = o.param;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) fail('histogramSlider', 'param.name', 'an identifier (letters, digits, _)', name);
  if (!(step > 0 && max > min && initial >= min && initial <= max)) fail('histogramSlider', 'param', 'min < max, step > 0, min ≤ initial ≤ max', `${min}, ${max}, ${step}, ${initial}`);
  if (!o.panels.some((p) => Math.abs(p.value - initial) < step / 2)) fail('histogramSlider', 'param.initial', 'one of the panel values', initial);
  const labels = o.labels ?? { samples: 'samples', density: 'density' };
  const rows: Row[] = o.panels.flatMap((p) => [
    ...binDensity(p.samples, o.bins ?? 40, o.extent, 'histogramSlider').map((r) => ({ ...r, series: labels.samples, pv: p.value })),
    ...(p.density ?? []).map((d) => ({ x: d.x, curve: d.y, series: labels.density, pv: p.value })),
  ]);
  const color = { color: { field: 'series', type: 'nominal', title: null, legend: LEGEND } };
  // Nearest panel to the slider's value; tolerant of the float error of a stepped slider.
  const near = `abs(datum.pv - ${name}) < ${step / 2}`;
  const layers = [
    {
      transform: [{ filter: near }, { filter: 'datum.start != null' }],
      mark: { type: 'rect', opacity: 0.6 },
      encoding: {
        x: { field: 'start', type: 'quantitative', title: o.xTitle ?? 'value' }, x2: { field: 'end' },
        y: { field: 'density', type: 'quantitative', title: o.yTitle ?? 'density' }, y2: { datum: 0 }, ...color,
      },
    },
    {
      transform: [{ filter: near }, { filter: 'datum.curve != null' }],
      mark: { type: 'line', strokeWidth: 2 },
      encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'curve', type: 'quantitative' }, ...color },
    },
  ];
  const spec = assemble({ ...o, facet: undefined }, rows, layers) as unknown as Record<string, unknown>;
  return { ...spec, params: [{ name, value: initial, bind: { input: 'range', min, max, step, name: `${name} ` } }] } as ChartSpec;
}
