/**
 * `show(spec)`: one chart, as a live Vega-Lite chart in JupyterLab and as SVG
 * everywhere else (GitHub, nbconvert HTML, a plain node script).
 */
import { mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import { ChartSpec, renderSvg, specHash } from './render';
import { inJupyter, MimeBundle, sendBundle } from './jupyter';

/** The MIME type JupyterLab renders with its bundled Vega-Lite 5. */
export const VEGA_LITE_MIME = 'application/vnd.vegalite.v5+json';

/** Where charts go outside Jupyter; DISCRETE_GRADIENTS_OUT overrides it. */
export function chartDirectory(): string {
  return process.env.DISCRETE_GRADIENTS_OUT ?? join(process.cwd(), 'out', 'charts');
}

/** A one-line description of a chart, for `text/plain` and for terminals. */
export function describeChart(spec: ChartSpec): string {
  const s = spec as { title?: unknown; data?: { values?: unknown[] } };
  const title = typeof s.title === 'string' ? s.title : (s.title as { text?: string } | undefined)?.text ?? 'untitled';
  const rows = s.data?.values?.length;
  return `[chart: ${title}${rows === undefined ? '' : `, ${rows} rows`}]`;
}

/**
 * The display bundle of a chart: the spec as a JSON object, its SVG, and a line of
 * text. No text/html on purpose: JupyterLab would rank it above the Vega renderer.
 */
export function chartBundle(spec: ChartSpec, svg: string): MimeBundle {
  return {
    [VEGA_LITE_MIME]: { $schema: 'https://vega.github.io/schema/vega-lite/v5.json', ...spec },
    'image/svg+xml': svg,
    'text/plain': describeChart(spec),
  };
}

/**
 * Shows a chart. In a notebook it sends one MIME bundle; in a node script it
 * writes `<chartDirectory()>/<name>.svg` and prints where. It resolves to nothing,
 * so that a cell ending in `await show(…)` prints nothing more.
 *
 * @example
 * await show(lineChart({ data: history, x: 'step', y: 'loss', title: 'Loss' }));
 */
export async function show(spec: ChartSpec, options: { name?: string } = {}): Promise<void> {
  const svg = await renderSvg(spec);
  if (inJupyter()) {
    sendBundle(chartBundle(spec, svg));
  } else {
    const dir = chartDirectory();
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${options.name ?? fileNameFor(spec)}.svg`);
    writeFileSync(file, svg);
    console.log(`${describeChart(spec)} written to ${file}`);
  }
}

function fileNameFor(spec: ChartSpec): string {
  const title = (spec as { title?: unknown }).title;
  const slug = typeof title === 'string' ? title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') : '';
  return slug === '' ? `chart-${specHash(spec)}` : slug;
}
