/** Bars for distributions and per-item comparisons, grouped by colour. */
import { ChartSpec } from '../render';
import { assemble, axis, BaseOptions, colorChannel, Row } from './common';

export interface BarOptions extends BaseOptions {
  data: Row[];
  /** The category field on the x axis. */
  x: string;
  y: string;
  /** Fields with the lower and upper end of an error bar. */
  error?: { lower: string; upper: string };
}

/**
 * A bar chart; with `color` the bars of each x category stand side by side.
 *
 * @example
 * barChart({ data: [{ k: 0, p: 0.2 }, { k: 1, p: 0.8 }], x: 'k', y: 'p', title: 'q(y)' })
 */
export function barChart(o: BarOptions): ChartSpec {
  // sort: null keeps the categories, the bars within a group and the legend in the
  // order of the data, not alphabetical.
  const x = axis(o.x, 'nominal', o.xTitle, { axis: { labelAngle: 0 }, sort: null });
  const offset = o.color === undefined ? {} : { xOffset: { field: o.color, type: 'nominal', sort: null } };
  const layers: object[] = [
    { mark: 'bar', encoding: { x, y: axis(o.y, 'quantitative', o.yTitle), ...offset, ...colorChannel(o.color, { sort: null }) } },
  ];
  if (o.error !== undefined) {
    layers.push({
      mark: { type: 'rule', color: 'black' },
      encoding: { x, ...offset, y: { field: o.error.lower, type: 'quantitative' }, y2: { field: o.error.upper } },
    });
  }
  return assemble(o, o.data, layers);
}
