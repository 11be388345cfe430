import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import {
  barChart, binDensity, chartBundle, heatmap, histogram, lineChart, normaliseIds, renderSvg, scatter, show, VEGA_LITE_MIME,
} from '../src/display';

const history = [0, 1, 2, 3].flatMap((step) => ['a', 'b'].map((name) => ({ step, loss: 1 / (step + 1), lo: 0.5 / (step + 1), hi: 2 / (step + 1), name })));

const specs = {
  line: lineChart({ data: history, x: 'step', y: 'loss', color: 'name', band: { lower: 'lo', upper: 'hi' }, rules: [{ y: 0.2, label: 'exact' }], title: 'Loss' }),
  facet: lineChart({ data: history, x: 'step', y: 'loss', facet: { field: 'name' }, title: 'Panels' }),
  bar: barChart({ data: [{ k: '0', p: 0.2, e: 'x' }, { k: '1', p: 0.8, e: 'y' }], x: 'k', y: 'p', color: 'e' }),
  histogram: histogram({ values: [0.1, 0.2, 0.2, 0.5, 0.9], bins: 4, density: [{ x: 0, y: 1 }, { x: 1, y: 1 }] }),
  scatter: scatter({ data: [{ a: 1, b: 2, c: 0.5 }], x: 'a', y: 'b', color: 'c', colorScale: 'quantitative' }),
  heatmap: heatmap({ data: [{ r: 0, c: 0, v: 1 }, { r: 0, c: 1, v: 0 }], x: 'c', y: 'r', value: 'v' }),
};

test('every chart builder renders to SVG headlessly', async () => {
  for (const [name, spec] of Object.entries(specs)) {
    const svg = await renderSvg(spec);
    assert.match(svg, /^<svg/, name);
    assert.ok(svg.length > 500, `${name} looks empty`);
  }
});

test('rendering the same spec twice gives identical SVG (ids are normalised)', async () => {
  // A quantitative colour legend draws a gradient, which Vega gives an id.
  const first = await renderSvg(specs.scatter);
  const second = await renderSvg(specs.scatter);
  assert.match(first, /url\(#v[0-9a-f]{10}-\d+\)/);
  assert.ok(first === second, 'the two renderings differ');
});

test('different charts get different id prefixes', async () => {
  const ids = (svg: string) => [...svg.matchAll(/id="([^"]+)"/g)].map((m) => m[1]);
  const a = ids(await renderSvg(specs.scatter));
  const b = ids(await renderSvg(specs.heatmap));
  assert.ok(a.length > 0);
  assert.equal(a.filter((id) => b.includes(id)).length, 0);
});

test('a large heatmap leaves out per-cell ARIA labels; a small one keeps them', async () => {
  const cells = (side: number) => Array.from({ length: side * side }, (_, i) => ({ r: Math.floor(i / side), c: i % side, v: (i % 7) / 7 }));
  const small = await renderSvg(heatmap({ data: cells(10), x: 'c', y: 'r', value: 'v' }));
  const large = await renderSvg(heatmap({ data: cells(40), x: 'c', y: 'r', value: 'v', width: 80, height: 80 }));
  assert.equal((small.match(/aria-roledescription="rect mark"/g) ?? []).length, 100);
  assert.equal((large.match(/aria-roledescription="rect mark"/g) ?? []).length, 0);
  // Still one rect per cell, at whole-pixel positions when the size is a multiple of the cell count.
  assert.equal((large.match(/<path[^>]*d="M\d+,\d+h2v2h-2Z"/g) ?? []).length, 1600);
});

test('normaliseIds rewrites definitions and references together', () => {
  const svg = '<svg><clipPath id="clip7"></clipPath><g clip-path="url(#clip7)"></g><use href="#clip7"/></svg>';
  assert.equal(normaliseIds(svg, 'p'), '<svg><clipPath id="vp-0"></clipPath><g clip-path="url(#vp-0)"></g><use href="#vp-0"/></svg>');
});

test('the display bundle has the Vega-Lite object, an SVG, plain text and no HTML', () => {
  const bundle = chartBundle(specs.line, '<svg></svg>');
  assert.deepEqual(Object.keys(bundle).sort(), ['image/svg+xml', 'text/plain', VEGA_LITE_MIME].sort());
  const vl = bundle[VEGA_LITE_MIME] as Record<string, unknown>;
  assert.equal(typeof vl, 'object');
  assert.match(String(vl.$schema), /vega-lite\/v5/);
  assert.equal(bundle['text/plain'], '[chart: Loss, 8 rows]');
});

test('outside Jupyter, show writes an SVG file instead of failing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'charts-'));
  process.env.DISCRETE_GRADIENTS_OUT = dir;
  await show(specs.bar, { name: 'bars' });
  assert.equal(readFileSync(join(dir, 'bars.svg'), 'utf8'), await renderSvg(specs.bar));
});

test('binDensity integrates to one', () => {
  const rows = binDensity([0, 0.1, 0.4, 0.5, 0.99, 1], 5);
  const area = rows.reduce((sum, r) => sum + (r.density as number) * ((r.end as number) - (r.start as number)), 0);
  assert.ok(Math.abs(area - 1) < 1e-12);
  assert.throws(() => binDensity([], 3), /binDensity: values must be non-empty/);
});

test('bar charts keep the groups, the bars within a group and the legend in data order', async () => {
  const data = ['exact', 'REINFORCE', 'Gumbel-Softmax'].flatMap((method, i) => ['a', 'b'].map((k) => ({ k, method, v: i + 1 })));
  const svg = await renderSvg(barChart({ data, x: 'k', y: 'v', color: 'method' }));
  const at = (label: string) => svg.indexOf(`>${label}</text>`);
  assert.ok(at('exact') >= 0 && at('exact') < at('REINFORCE') && at('REINFORCE') < at('Gumbel-Softmax'), 'legend follows the data');
  // Within group 'a' the bars stand left to right in data order: heights 1, 2, 3 → x grows with v.
  const bars = [...svg.matchAll(/<path aria-label="k: a; v: (\d)[^"]*"[^>]*d="M([\d.]+),/g)].map((m) => [Number(m[1]), Number(m[2])]);
  assert.equal(bars.length, 3, svg.slice(0, 300));
  const sorted = [...bars].sort((p, q) => p[1] - q[1]).map((p) => p[0]);
  assert.deepEqual(sorted, [1, 2, 3]);
});
