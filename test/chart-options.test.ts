/**
 * The chart builders refuse bad options with a message naming the builder, the option
 * and the value, before any spec is built; and their legends never truncate labels.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { barChart, binDensity, heatmap, histogram, histogramSlider, lineChart, scatter, simplexDensityGrid, simplexHistogram } from '../src';

const rows = [{ step: 0, loss: 1, estimator: 'a' }, { step: 1, loss: 0.5, estimator: 'b' }];

test('a field that is not in the data rows is named, with the fields that are', () => {
  assert.throws(() => lineChart({ data: rows, x: 'step', y: 'los' }), /lineChart: y must be a field of the data rows \(step, loss, estimator\), but got "los"/);
  assert.throws(() => barChart({ data: rows, x: 'step', y: 'loss', color: 'method' }), /barChart: color must be a field of the data rows/);
  assert.throws(() => scatter({ data: rows, x: 3 as unknown as string, y: 'loss' }), /scatter: x must be a field name \(a non-empty string\), but got 3/);
  assert.throws(() => heatmap({ data: rows, x: 'step', y: 'loss', value: 'ink' }), /heatmap: value must be a field of the data rows/);
  assert.throws(() => lineChart({ data: rows, x: 'step', y: 'loss', facet: { field: 'panel' } }), /lineChart: facet\.field must be a field of the data rows/);
});

test('options that are not objects, rows that are not rows, and bad sizes are refused', () => {
  assert.throws(() => lineChart(undefined as never), /lineChart: options must be an object, but got undefined/);
  assert.throws(() => barChart(null as never), /barChart: options must be an object, but got null/);
  assert.throws(() => lineChart({ data: 'rows' as never, x: 'step', y: 'loss' }), /lineChart: data must be an array of rows/);
  assert.throws(() => lineChart({ data: [rows[0], 7 as never], x: 'step', y: 'loss' }), /lineChart: data\[1\] must be an object of field → value, but got 7/);
  assert.throws(() => lineChart({ data: rows, x: 'step', y: 'loss', width: -1 }), /lineChart: width must be a number in \(0, 10000\] \(pixels\), but got -1/);
  assert.throws(() => lineChart({ data: rows, x: 'step', y: 'loss', rules: [{ y: NaN, label: 'exact' }] }), /lineChart: rules\[0\]\.y must be a finite number, but got NaN/);
  assert.throws(() => heatmap({ data: rows, x: 'step', y: 'loss', value: 'loss', domain: [1, 0] }), /heatmap: domain must be a range \[low, high\]/);
});

test('histogram values must be finite: a NaN is named with its index, never turned into a NaN row', () => {
  assert.throws(() => histogram({ values: [0.1, NaN, 0.3] }), /histogram: values must be finite everywhere, but got "NaN at flat index 1"/);
  assert.throws(() => binDensity([1, 2], 1e9), /binDensity: bins must be a whole number in \[1, 2000\], but got 1000000000/);
  assert.throws(() => binDensity([1, 2], 4, [2, 1]), /binDensity: extent must be a range \[low, high\]/);
  assert.throws(() => simplexHistogram([0.2, Infinity, 0.5], 3, 4), /simplexHistogram: points must be finite everywhere/);
  assert.throws(() => simplexDensityGrid(() => [], 2000, 64), /simplexDensityGrid: bins and sub must be such that/);
  assert.throws(() => histogramSlider({ panels: [], param: { name: 't', min: 0, max: 1, step: 0.1, initial: 0.5 } }), /histogramSlider: panels must be a non-empty array/);
});

test('property: any option object with a non-string field name gets a named error, never a spec', () => {
  const notAField = fc.oneof(fc.integer(), fc.constant(null), fc.constant(''), fc.boolean(), fc.object(), fc.constant('missing'));
  fc.assert(fc.property(notAField, fc.constantFrom('x', 'y', 'color'), (field, option) => {
    const options = { data: rows, x: 'step', y: 'loss', [option]: field } as never;
    for (const [name, builder] of [['lineChart', lineChart], ['barChart', barChart], ['scatter', scatter]] as const) {
      if (option === 'color' && field === null) continue; // null is not undefined: checked below
      assert.throws(() => builder(options), new RegExp(`^Error: ${name}: ${option} must be`));
    }
  }), { numRuns: 60, seed: 7 });
});

test('legend labels are never truncated (Vega cuts them at 160 px by default)', () => {
  const spec = lineChart({ data: rows, x: 'step', y: 'loss', color: 'estimator' }) as unknown as { encoding?: unknown; layer?: { encoding: { color: { legend: { labelLimit: number } } } }[] };
  const layer = (spec.layer ?? [spec])[0] as { encoding: { color: { legend: { labelLimit: number } } } };
  assert.equal(layer.encoding.color.legend.labelLimit, 0);
});

test('a bar chart can leave zero off its y axis, and then says so in the axis title', () => {
  const spec = barChart({ data: rows, x: 'estimator', y: 'loss', zero: false }) as unknown as { encoding: { y: { scale: { zero: boolean }; title: string } } };
  assert.equal(spec.encoding.y.scale.zero, false);
  assert.match(spec.encoding.y.title, /axis does not start at 0/);
});
