/**
 * `show(spec)`: one chart, as a live Vega-Lite chart in JupyterLab (on the tslab or
 * the Deno kernel) and as SVG everywhere else (GitHub, nbconvert HTML, a plain script).
 */
import { mkdirSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { isAbsolute, join } from 'path';
import { fail } from '../validate';
import { ChartSpec, renderSvg, specHash } from './render';
import { inJupyter, MimeBundle, sendBundle } from './jupyter';

/** The MIME type JupyterLab renders with its bundled Vega-Lite 5. */
export const VEGA_LITE_MIME = 'application/vnd.vegalite.v5+json';

/**
 * Where charts go outside Jupyter: the absolute folder in DISCRETE_GRADIENTS_OUT, or
 * else `discrete-gradients/charts` in the system's temporary folder. It never depends
 * on the directory the process started in, and nothing is written anywhere else.
 */
export function chartDirectory(): string {
  const chosen = process.env.DISCRETE_GRADIENTS_OUT;
  if (chosen !== undefined && chosen !== '') {
    if (!isAbsolute(chosen)) fail('chartDirectory', 'DISCRETE_GRADIENTS_OUT', 'an absolute path', chosen);
    return chosen;
  }
  return join(tmpdir(), 'discrete-gradients', 'charts');
}

/** The longest file-name stem `show` writes: far below every file system's limit. */
const MAX_STEM = 80;

/**
 * Sends Markdown to the notebook (on tslab or Deno), or prints it outside Jupyter:
 * for sentences that quote a measured value, so that prose and outputs cannot disagree.
 *
 * @example
 * // compile-only: needs a Jupyter kernel to display; outside one it prints the text
 * await showMarkdown(`The estimate is **${(0.123).toFixed(3)}**.`);
 */
export async function showMarkdown(text: string): Promise<void> {
  if (typeof text !== 'string') fail('showMarkdown', 'text', 'a string of Markdown', text);
  if (inJupyter()) await sendBundle({ 'text/markdown': text, 'text/plain': text });
  else console.log(text);
}

/** A one-line description of a chart, for `text/plain` and for terminals. */
export function describeChart(spec: ChartSpec): string {
  const s = spec as { title?: unknown; data?: { values?: unknown[] } };
  const title = typeof s.title === 'string' ? s.title : (s.title as { text?: string } | undefined)?.text ?? 'untitled';
  const rows = s.data?.values?.length;
  return `[chart: ${title}${rows === undefined ? '' : `, ${rows} rows`}]`;
}

/** The keys of which a Vega-Lite spec holds at least one: what it draws, or how it composes views. */
const VIEW_KEYS = ['mark', 'layer', 'facet', 'repeat', 'concat', 'hconcat', 'vconcat', 'spec'];

/**
 * The display bundle of a chart: the spec as a JSON object, its SVG, and a line of
 * text. No text/html on purpose: JupyterLab would rank it above the Vega renderer.
 *
 * `spec` must be a Vega-Lite spec (a plain object with a mark or views); `svg` the SVG
 * markup that `renderSvg(spec)` returns, or '' for a bundle whose picture comes later
 * (a live chart's updates). The spec itself is Vega-Lite's to judge, when it renders.
 *
 * @example
 * const spec = lineChart({ data: [{ step: 0, loss: 1 }, { step: 1, loss: 0.5 }], x: 'step', y: 'loss', title: 'Loss' });
 * const bundle = chartBundle(spec, await renderSvg(spec));
 * Object.keys(bundle);   // ['application/vnd.vegalite.v5+json', 'image/svg+xml', 'text/plain']
 */
export function chartBundle(spec: ChartSpec, svg: string): MimeBundle {
  const fn = 'chartBundle';
  const proto = spec !== null && typeof spec === 'object' ? Object.getPrototypeOf(spec) : undefined;
  if ((proto !== Object.prototype && proto !== null) || !VIEW_KEYS.some((key) => key in (spec as object))) {
    fail(fn, 'spec', `a Vega-Lite spec: a plain object with one of ${VIEW_KEYS.join(', ')}`, spec);
  }
  // An XML declaration or a comment may come first; then the document's root must be <svg>.
  if (typeof svg !== 'string' || (svg !== '' && !/^\s*(<\?xml[^>]*\?>\s*)?(<!--[\s\S]*?-->\s*)*<svg[\s>]/.test(svg))) {
    fail(fn, 'svg', "SVG markup (a string starting with <svg, as renderSvg returns) or ''", svg);
  }
  return {
    [VEGA_LITE_MIME]: { $schema: 'https://vega.github.io/schema/vega-lite/v5.json', ...spec },
    'image/svg+xml': svg,
    'text/plain': describeChart(spec),
  };
}

/**
 * Shows a chart. In a notebook it sends one MIME bundle; in a node script it writes
 * `<chartDirectory()>/<stem>.svg` and prints where. The stem is `options.name`, or the
 * title made file-safe, followed by a hash of the spec, so that two charts with titles
 * that reduce to the same name never overwrite each other; a name may hold letters,
 * digits, '-' and '_' only, so no file lands outside that folder. It resolves to
 * nothing, so that a cell ending in `await show(…)` prints nothing more.
 *
 * @example
 * // compile-only: writes a file outside Jupyter
 * await show(lineChart({ data: [{ step: 0, loss: 1 }, { step: 1, loss: 0.5 }], x: 'step', y: 'loss', title: 'Loss' }));
 */
export async function show(spec: ChartSpec, options: { name?: string } = {}): Promise<void> {
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) fail('show', 'spec', 'a Vega-Lite spec (an object)', spec);
  if (options === null || typeof options !== 'object') fail('show', 'options', 'an object {name?}', options);
  const { name } = options;
  if (name !== undefined && (typeof name !== 'string' || !/^[A-Za-z0-9_-]{1,80}$/.test(name))) {
    fail('show', 'options.name', `1 to ${MAX_STEM} letters, digits, '-' or '_' (it names a file in chartDirectory())`, name);
  }
  const svg = await renderSvg(spec).catch((error: unknown) => {
    // The user called show: its name leads the message, not the helper's.
    throw error instanceof Error && error.message.startsWith('renderSvg: ') ? new Error(`show: ${error.message.slice(11)}`) : error;
  });
  if (inJupyter()) {
    await sendBundle(chartBundle(spec, svg));
  } else {
    const dir = chartDirectory();
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${name ?? fileNameFor(spec)}.svg`);
    writeFileSync(file, svg);
    console.log(`${describeChart(spec)} written to ${file}`);
  }
}

function fileNameFor(spec: ChartSpec): string {
  const title = (spec as { title?: unknown }).title;
  const text = typeof title === 'string' ? title : '';
  const slug = text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, MAX_STEM - 20);
  return `${slug === '' ? 'chart' : slug}-${specHash(spec)}`;
}
