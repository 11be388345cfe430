/**
 * Argument checks for the chart builders. A bad option would otherwise surface much
 * later, as a Vega error while rendering or as a silently empty chart; these name the
 * builder, the option and the value instead.
 */
import { checkFiniteValues, checkPositiveInteger, fail } from '../../validate';
import { BaseOptions, Row } from './common';

/** The most rows a chart may carry: its spec travels inside the notebook. */
export const MAX_CHART_ROWS = 200_000;
/** The most bins a histogram or simplex grid may have. */
export const MAX_BINS = 2_000;
/** The largest width or height, in pixels. */
const MAX_SIZE = 10_000;

/** Checks the options every builder shares; returns them. */
export function checkBaseOptions<T extends BaseOptions>(fn: string, o: T): T {
  if (o === null || typeof o !== 'object' || Array.isArray(o)) fail(fn, 'options', 'an object', o);
  // An option is given or left out: null never stands for the default.
  for (const [key, value] of Object.entries(o)) if (value === null) fail(fn, key, 'given or left out (null does not mean the default)', value);
  if (o.title !== undefined && typeof o.title !== 'string') fail(fn, 'title', 'a string', o.title);
  for (const key of ['width', 'height'] as const) {
    const v = o[key];
    if (v !== undefined && !(typeof v === 'number' && v > 0 && v <= MAX_SIZE)) fail(fn, key, `a number in (0, ${MAX_SIZE}] (pixels)`, v);
  }
  for (const key of ['xTitle', 'yTitle'] as const) {
    if (o[key] !== undefined && typeof o[key] !== 'string') fail(fn, key, 'a string', o[key]);
  }
  if (o.facet !== undefined) {
    if (o.facet === null || typeof o.facet !== 'object') fail(fn, 'facet', 'an object {field, columns?}', o.facet);
    if (o.facet.columns !== undefined) checkPositiveInteger(fn, 'facet.columns', o.facet.columns);
  }
  return o;
}

/** Checks the data rows and that each named field is a string found in the rows. */
export function checkRows(fn: string, data: unknown, fields: Record<string, unknown>): Row[] {
  if (!Array.isArray(data)) fail(fn, 'data', 'an array of rows (objects of field → value)', data);
  if (data.length > MAX_CHART_ROWS) fail(fn, 'data', `at most ${MAX_CHART_ROWS} rows (aggregate first)`, `${data.length} rows`);
  const bad = data.findIndex((r) => r === null || typeof r !== 'object' || Array.isArray(r));
  if (bad >= 0) fail(fn, `data[${bad}]`, 'an object of field → value', data[bad]);
  const known = new Set(data.flatMap((r) => Object.keys(r as object)));
  for (const [option, field] of Object.entries(fields)) {
    if (field === undefined) continue;
    if (typeof field !== 'string' || field === '') fail(fn, option, 'a field name (a non-empty string)', field);
    if (data.length > 0 && !known.has(field)) {
      fail(fn, option, `a field of the data rows (${[...known].slice(0, 8).join(', ')})`, field);
    }
  }
  return data as Row[];
}

/** Checks a bin count. */
export function checkBins(fn: string, bins: unknown): number {
  if (typeof bins !== 'number' || !Number.isInteger(bins) || bins < 1 || bins > MAX_BINS) {
    fail(fn, 'bins', `a whole number in [1, ${MAX_BINS}]`, bins);
  }
  return bins;
}

/** Checks values to bin: a non-empty list of finite numbers. */
export function checkValues(fn: string, arg: string, values: unknown): ArrayLike<number> {
  const list = values as ArrayLike<number>;
  if (list === null || typeof list !== 'object' || typeof list.length !== 'number') fail(fn, arg, 'an array of numbers', values);
  if (list.length === 0) fail(fn, arg, 'non-empty', '[]');
  checkFiniteValues(fn, arg, list);
  return list;
}

/** Checks an optional [low, high] range. */
export function checkExtent(fn: string, extent: unknown): [number, number] | undefined {
  if (extent === undefined) return undefined;
  const ok = Array.isArray(extent) && extent.length === 2 && extent.every((v) => typeof v === 'number' && Number.isFinite(v)) && extent[1] > extent[0];
  if (!ok) fail(fn, 'extent', 'a range [low, high] of finite numbers with low < high', extent);
  return extent as [number, number];
}
