import { test } from 'node:test';
import assert from 'node:assert/strict';
import { histogramSlider, renderSvg, simplexDensityGrid, simplexHistogram } from '../src/display';

test('simplexHistogram: cells cover the triangle, densities integrate to 1', () => {
  const points = [0.1, 0.1, 0.8, 0.7, 0.2, 0.1, 0.49, 0.5, 0.01, 0.05, 0.9, 0.05];
  const rows = simplexHistogram(points, 3, 4);
  assert.equal(rows.length, 10); // 4 + 3 + 2 + 1 cells
  assert.equal(rows.reduce((a, r) => a + (r.count as number), 0), 4);
  const cell = rows.find((r) => r.i === 0 && r.j === 0)!;
  assert.equal(cell.count, 1);
  assert.equal(cell.density, 1 / (4 * (1 / 16)));
  assert.throws(() => simplexHistogram([], 3, 4), /simplexHistogram: points must be non-empty/);
  assert.throws(() => simplexHistogram([0.2, 0.3, 0.5], 3, 0), /simplexHistogram: bins must be a whole number in \[1, 2000\], but got 0/);
  assert.throws(() => simplexDensityGrid(() => [], 4, 2.5), /simplexDensityGrid: sub must be a whole number ≥ 1, but got 2.5/);
});

test('simplexDensityGrid: the uniform density 2 on the triangle gives cell probabilities summing to 1', () => {
  const rows = simplexDensityGrid((pts) => pts.map(() => 2), 10, 4);
  assert.ok(Math.abs(rows.reduce((a, r) => a + (r.expected as number), 0) - 1) < 1e-12);
  rows.forEach((r) => assert.equal(r.density, 2));
});

test('histogramSlider: a range-bound param, a filter on it, and an SVG that shows the initial value', async () => {
  const panels = [0.5, 1].map((value) => ({ value, samples: Array.from({ length: 50 }, (_, i) => (value === 0.5 ? i / 100 : 0.5 + i / 100)), density: [{ x: 0, y: 1 }, { x: 1, y: 1 }] }));
  const spec = histogramSlider({ panels, param: { name: 'tau', min: 0.5, max: 1, step: 0.5, initial: 0.5 }, bins: 10, extent: [0, 1], title: 'slider' }) as Record<string, any>;
  assert.deepEqual(spec.params[0].bind, { input: 'range', min: 0.5, max: 1, step: 0.5, name: 'tau ' });
  assert.match(JSON.stringify(spec.layer[0].transform), /abs\(datum.pv - tau\) < 0.25/);
  const svg = await renderSvg(spec as any);
  assert.match(svg, /^<svg/);
  // Only the bars of the initial panel (τ = 0.5: samples in [0, 0.5)) are drawn with height.
  assert.ok(svg.length > 500);
  assert.throws(() => histogramSlider({ panels, param: { name: 'tau', min: 0.5, max: 1, step: 0.5, initial: 0.75 } }), /param.initial must be one of the panel values/);
});
