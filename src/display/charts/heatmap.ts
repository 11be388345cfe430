/** A grid of coloured cells: images, densities on a grid, matrices. */
import { ChartSpec } from '../render';
import { checkBaseOptions, checkRows } from './check';
import { assemble, BaseOptions, Row } from './common';
import { fail } from '../../validate';

export interface HeatmapOptions extends BaseOptions {
  data: Row[];
  x: string;
  y: string;
  value: string;
  /** A Vega colour scheme, e.g. 'greys' for digits or 'viridis' for densities. */
  scheme?: string;
  /** Fix the colour domain, so two heatmaps share one scale. */
  domain?: [number, number];
  /** Draw the x and y axes (default false: images and grids read better without). */
  axes?: boolean;
}

/**
 * Above this many cells a heatmap leaves out the per-cell ARIA labels: no screen reader
 * can use thousands of them, and they are about 40% of the SVG (a notebook of digit
 * images weighed megabytes with them).
 */
export const MAX_LABELLED_CELLS = 1000;

/**
 * A heatmap with integer-like x and y cells. For crisp, compact images give a width and
 * height that are whole multiples of the cell counts (56 for 28 × 28 pixels).
 *
 * @example
 * const pixels = Array.from({ length: 28 * 28 }, (_, i) => ({ row: Math.floor(i / 28), col: i % 28, ink: (i % 7) / 6 }));
 * const spec = heatmap({ data: pixels, x: 'col', y: 'row', value: 'ink', scheme: 'greys', width: 56, height: 56 });
 */
export function heatmap(o: HeatmapOptions): ChartSpec {
  checkBaseOptions('heatmap', o);
  checkRows('heatmap', o.data, { x: o.x, y: o.y, value: o.value, 'facet.field': o.facet?.field });
  if (o.domain !== undefined && !(Array.isArray(o.domain) && o.domain.length === 2 && o.domain[0] < o.domain[1])) {
    fail('heatmap', 'domain', 'a range [low, high] with low < high', o.domain);
  }
  const axisOf = o.axes ? {} : { axis: null };
  const scale = { scheme: o.scheme ?? 'viridis', ...(o.domain === undefined ? {} : { domain: o.domain }) };
  return assemble(o, o.data, [
    {
      mark: o.data.length > MAX_LABELLED_CELLS ? { type: 'rect', aria: false } : 'rect',
      encoding: {
        x: { field: o.x, type: 'ordinal', title: o.xTitle ?? o.x, ...axisOf },
        y: { field: o.y, type: 'ordinal', title: o.yTitle ?? o.y, ...axisOf },
        color: { field: o.value, type: 'quantitative', title: o.value, scale },
      },
    },
  ]);
}
