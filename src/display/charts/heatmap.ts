/** A grid of coloured cells: images, densities on a grid, matrices. */
import { ChartSpec } from '../render';
import { assemble, BaseOptions, Row } from './common';

export interface HeatmapOptions extends BaseOptions {
  data: Row[];
  x: string;
  y: string;
  value: string;
  /** A Vega colour scheme, e.g. 'greys' for digits or 'viridis' for densities. */
  scheme?: string;
  /** Fix the colour domain, so two heatmaps share one scale. */
  domain?: [number, number];
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
 * heatmap({ data: pixels, x: 'col', y: 'row', value: 'ink', scheme: 'greys' })
 */
export function heatmap(o: HeatmapOptions): ChartSpec {
  const scale = { scheme: o.scheme ?? 'viridis', ...(o.domain === undefined ? {} : { domain: o.domain }) };
  return assemble(o, o.data, [
    {
      mark: o.data.length > MAX_LABELLED_CELLS ? { type: 'rect', aria: false } : 'rect',
      encoding: {
        x: { field: o.x, type: 'ordinal', title: o.xTitle ?? o.x, axis: null },
        y: { field: o.y, type: 'ordinal', title: o.yTitle ?? o.y, axis: null },
        color: { field: o.value, type: 'quantitative', title: o.value, scale },
      },
    },
  ]);
}
