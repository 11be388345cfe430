/**
 * Null never stands for a default: every chart builder refuses an option that is null,
 * naming the builder and the option, and so does MDNF for its seed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { barChart, FactorizedDiscreteFlowsMixture, heatmap, histogram, histogramSlider, lineChart, scatter } from '../src';

const rows = [{ a: 1, b: 2, c: 'x' }, { a: 2, b: 3, c: 'y' }];
/** A valid call of each builder, and the optional keys it reads. */
const BUILDERS: [string, (o: Record<string, unknown>) => unknown, Record<string, unknown>, string[]][] = [
  ['lineChart', lineChart as never, { data: rows, x: 'a', y: 'b' }, ['color', 'title', 'width', 'height', 'xTitle', 'yTitle', 'points', 'rules', 'logY']],
  ['barChart', barChart as never, { data: rows, x: 'c', y: 'b' }, ['color', 'title', 'width', 'zero', 'yTitle']],
  ['scatter', scatter as never, { data: rows, x: 'a', y: 'b' }, ['color', 'size', 'opacity', 'title', 'colorScale']],
  ['heatmap', heatmap as never, { data: rows, x: 'c', y: 'c', value: 'b' }, ['scheme', 'domain', 'title', 'xTitle', 'axes']],
  ['histogram', histogram as never, { values: [1, 2, 3] }, ['bins', 'extent', 'density', 'labels', 'title', 'xTitle']],
  ['histogramSlider', histogramSlider as never, { param: { name: 'tau', min: 0.5, max: 1.5, step: 0.5, initial: 1 }, panels: [{ value: 1, samples: [0.1, 0.2] }] }, ['bins', 'labels', 'title', 'extent']],
];

test('every chart builder refuses a null option by name', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: BUILDERS.length - 1 }), fc.nat(), (b, k) => {
    const [name, build, valid, keys] = BUILDERS[b];
    build(valid); // the valid call works
    const key = keys[k % keys.length];
    assert.throws(() => build({ ...valid, [key]: null }), new RegExp(`^Error: ${name}: ${key} must be given or left out \\(null does not mean the default\\), but got null`));
  }), { numRuns: 60, seed: 1 });
});

test('MDNF refuses a null seed instead of reading it as seed 0', () => {
  assert.throws(() => new FactorizedDiscreteFlowsMixture({ N: 1, K: 3, B: 2, temperature: 1, seed: null as never }), /FactorizedDiscreteFlowsMixture: seed must be/);
});
