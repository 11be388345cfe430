/** Points in the plane, coloured by a field. */
import { ChartSpec } from '../render';
import { checkBaseOptions, checkRows } from './check';
import { assemble, axis, BaseOptions, LEGEND, Row } from './common';

export interface ScatterOptions extends BaseOptions {
  data: Row[];
  x: string;
  y: string;
  /** Colour by a quantitative field (a gradient) rather than a nominal one. */
  colorScale?: 'nominal' | 'quantitative';
  opacity?: number;
  size?: number;
}

/**
 * A scatter plot.
 *
 * @example
 * const u = new Random(1).uniformArray(200);
 * const points = Array.from({ length: 100 }, (_, i) => ({ z0: u[2 * i], z1: u[2 * i + 1], temperature: i < 50 ? 'τ = 0.5' : 'τ = 2' }));
 * const spec = scatter({ data: points, x: 'z0', y: 'z1', color: 'temperature', title: 'Relaxed samples' });
 */
export function scatter(o: ScatterOptions): ChartSpec {
  checkBaseOptions('scatter', o);
  checkRows('scatter', o.data, { x: o.x, y: o.y, color: o.color, 'facet.field': o.facet?.field });
  const type = o.colorScale ?? 'nominal';
  const color = o.color === undefined ? {} : { color: { field: o.color, type, title: o.color, ...(type === 'nominal' ? { legend: LEGEND } : {}) } };
  const mark = { type: 'circle', opacity: o.opacity ?? 0.6, size: o.size ?? 20 };
  return assemble(o, o.data, [
    { mark, encoding: { x: axis(o.x, 'quantitative', o.xTitle, { scale: { zero: false } }), y: axis(o.y, 'quantitative', o.yTitle, { scale: { zero: false } }), ...color } },
  ]);
}
