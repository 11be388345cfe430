/**
 * Defaults shared by every chart builder, so that all figures in the notebooks
 * look alike (the d2l habit: one plot helper, fixed defaults).
 */
import { ChartSpec } from '../render';

/** A row of chart data: field name → value. */
export type Row = Record<string, number | string | boolean | null>;

/** Options every builder accepts. */
export interface BaseOptions {
  title?: string;
  width?: number;
  height?: number;
  xTitle?: string;
  yTitle?: string;
  /** Field whose values pick the colour (one series per value). */
  color?: string;
  /** Small multiples: one panel per value of this field. */
  facet?: { field: string; columns?: number };
}

export const DEFAULT_WIDTH = 360;
export const DEFAULT_HEIGHT = 220;

/** A positional encoding channel. */
export function axis(field: string, type: 'quantitative' | 'nominal' | 'ordinal', title?: string, extra: object = {}): object {
  return { field, type, title: title ?? field, ...extra };
}

/**
 * The colour channel, when the chart has one. Legend labels are never truncated:
 * Vega's default cuts them at 160 px, which hid the temperature in labels such as
 * "Gumbel-Softmax τ=0.5".
 */
export function colorChannel(field: string | undefined, extra: object = {}): object {
  return field === undefined ? {} : { color: { field, type: 'nominal', title: field, legend: LEGEND, ...extra } };
}

/** Legend settings shared by every chart. */
export const LEGEND = { labelLimit: 0 };

/**
 * Wraps layers into a full spec: the data sits at the top so every layer (and
 * every facet panel) shares it.
 */
export function assemble(options: BaseOptions, data: Row[], layers: object[]): ChartSpec {
  const size = { width: options.width ?? DEFAULT_WIDTH, height: options.height ?? DEFAULT_HEIGHT };
  const body = layers.length === 1 ? layers[0] : { layer: layers };
  const top = { ...(options.title === undefined ? {} : { title: options.title }), data: { values: data } };
  if (options.facet === undefined) return { ...top, ...size, ...body } as ChartSpec;
  return {
    ...top,
    facet: { field: options.facet.field, type: 'nominal', title: null },
    columns: options.facet.columns ?? 3,
    spec: { ...size, ...body },
    resolve: { scale: { y: 'independent' } },
  } as ChartSpec;
}
