/** Bars for distributions and per-item comparisons, grouped by colour. */
import { ChartSpec } from '../render';
import { checkBaseOptions, checkRows } from './check';
import { assemble, axis, BaseOptions, colorChannel, Row } from './common';

export interface BarOptions extends BaseOptions {
  data: Row[];
  /** The category field on the x axis. */
  x: string;
  y: string;
  /** Fields with the lower and upper end of an error bar. */
  error?: { lower: string; upper: string };
  /**
   * Whether the y axis starts at 0 (default true, as bar lengths should be read). Set it
   * false to compare bars that differ by little next to their size; the bars then start
   * at the bottom of the axis, and the chart says so in its y-axis title.
   */
  zero?: boolean;
}

/**
 * A bar chart; with `color` the bars of each x category stand side by side.
 *
 * @example
 * barChart({ data: [{ k: 0, p: 0.2 }, { k: 1, p: 0.8 }], x: 'k', y: 'p', title: 'q(y)' })
 */
export function barChart(o: BarOptions): ChartSpec {
  checkBaseOptions('barChart', o);
  checkRows('barChart', o.data, { x: o.x, y: o.y, color: o.color, 'error.lower': o.error?.lower, 'error.upper': o.error?.upper, 'facet.field': o.facet?.field });
  const zero = o.zero ?? true;
  const yTitle = zero ? o.yTitle : `${o.yTitle ?? o.y} (axis does not start at 0)`;
  // sort: null keeps the categories, the bars within a group and the legend in the
  // order of the data, not alphabetical.
  const x = axis(o.x, 'nominal', o.xTitle, { axis: { labelAngle: 0 }, sort: null });
  const offset = o.color === undefined ? {} : { xOffset: { field: o.color, type: 'nominal', sort: null } };
  const layers: object[] = [
    { mark: 'bar', encoding: { x, y: axis(o.y, 'quantitative', yTitle, { scale: { zero } }), ...offset, ...colorChannel(o.color, { sort: null }) } },
  ];
  if (o.error !== undefined) {
    layers.push({
      mark: { type: 'rule', color: 'black' },
      encoding: { x, ...offset, y: { field: o.error.lower, type: 'quantitative' }, y2: { field: o.error.upper } },
    });
  }
  return assemble(o, o.data, layers);
}
