/** Lines over a quantitative x axis (e.g. iterations), with an optional ± band. */
import { ChartSpec } from '../render';
import { fail } from '../../validate';
import { checkBaseOptions, checkRows } from './check';
import { assemble, axis, BaseOptions, colorChannel, Row } from './common';

export interface LineOptions extends BaseOptions {
  data: Row[];
  x: string;
  y: string;
  /** Fields holding the lower and upper edge of a shaded band around the line. */
  band?: { lower: string; upper: string };
  /** Horizontal reference lines, e.g. an exact value. */
  rules?: { y: number; label: string }[];
  logX?: boolean;
  logY?: boolean;
  /** Draw a point at each row as well. */
  points?: boolean;
}

/**
 * A line chart, one line per value of `color`.
 *
 * @example
 * const rows = [0, 1, 2, 3].flatMap((step) => [
 *   { step, loss: 1 / (step + 1), estimator: 'reinforce' },
 *   { step, loss: 0.8 / (step + 1), estimator: 'st-gumbel-softmax' },
 * ]);
 * const spec = lineChart({ data: rows, x: 'step', y: 'loss', color: 'estimator', title: 'Loss' });
 */
export function lineChart(o: LineOptions): ChartSpec {
  checkBaseOptions('lineChart', o);
  checkRows('lineChart', o.data, { x: o.x, y: o.y, color: o.color, 'band.lower': o.band?.lower, 'band.upper': o.band?.upper, 'facet.field': o.facet?.field });
  for (const [i, rule] of (o.rules ?? []).entries()) {
    if (rule === null || typeof rule !== 'object' || !Number.isFinite(rule.y)) fail('lineChart', `rules[${i}].y`, 'a finite number', rule?.y);
  }
  // nice: false on log axes, or the range is rounded out to whole decades.
  const x = axis(o.x, 'quantitative', o.xTitle, o.logX ? { scale: { type: 'log', nice: false } } : {});
  const yScale = o.logY ? { scale: { type: 'log' } } : { scale: { zero: false } };
  const y = axis(o.y, 'quantitative', o.yTitle, yScale);
  const layers: object[] = [];
  if (o.band !== undefined) {
    layers.push({
      mark: { type: 'area', opacity: 0.2 },
      encoding: { x, y: { ...axis(o.band.lower, 'quantitative', o.yTitle ?? o.y, yScale) }, y2: { field: o.band.upper }, ...colorChannel(o.color) },
    });
  }
  layers.push({ mark: { type: 'line', point: o.points ?? false }, encoding: { x, y, ...colorChannel(o.color) } });
  for (const rule of o.rules ?? []) {
    // Each rule layer has one row of its own: on the chart's data it would be drawn once per row.
    const single = { data: { values: [{}] } };
    layers.push({ ...single, mark: { type: 'rule', strokeDash: [4, 4], color: 'black' }, encoding: { y: { datum: rule.y } } });
    layers.push({
      ...single,
      mark: { type: 'text', align: 'left', dx: 4, dy: -6, color: 'black' },
      encoding: { x: { value: 0 }, y: { datum: rule.y }, text: { value: rule.label } },
    });
  }
  return assemble(o, o.data, layers);
}
