/**
 * Headless rendering of Vega-Lite specs to SVG, with stable element ids.
 */
import { createHash } from 'crypto';
import * as vega from 'vega';
import { compile, TopLevelSpec } from 'vega-lite';
import { fail } from '../validate';

/** A Vega-Lite v5 specification, as JupyterLab renders it. */
export type ChartSpec = TopLevelSpec;

/**
 * Renders a spec to an SVG string with no browser and no canvas.
 *
 * Text widths are estimated, so labels may sit a few pixels off from the live chart.
 *
 * Data must be inline (`data: { values: [...] }`): a `url` anywhere in the spec is
 * refused with a named error, and the loader refuses every file and network read as
 * well, so rendering a spec from elsewhere can never read a local file into an SVG.
 *
 * @example
 * const svg = await renderSvg(lineChart({ data: [{ step: 0, loss: 1 }, { step: 1, loss: 0.5 }], x: 'step', y: 'loss' }));
 * console.log(svg.slice(0, 4)); // '<svg'
 */
export async function renderSvg(spec: ChartSpec): Promise<string> {
  const fn = 'renderSvg';
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) fail(fn, 'spec', 'a Vega-Lite spec (an object)', spec);
  const url = findUrl(spec, 'spec');
  if (url !== null) fail(fn, url.path, 'absent: data must be inline values, never a file or URL', url.value);
  let parsed: vega.Runtime;
  try {
    parsed = vega.parse(compile(spec).spec);
  } catch (error) {
    throw new Error(`${fn}: spec must be a valid Vega-Lite v5 spec, but Vega-Lite said: ${String((error as Error)?.message ?? error).split('\n')[0]}`);
  }
  const view = new vega.View(parsed, { renderer: 'none', loader: refusingLoader() });
  try {
    return normaliseIds(await view.toSVG(), specHash(spec));
  } finally {
    view.finalize();
  }
}

/** A short hash of the spec, used to keep ids unique between charts on one page. */
export function specHash(spec: ChartSpec): string {
  return createHash('sha256').update(JSON.stringify(spec)).digest('hex').slice(0, 10);
}

/**
 * Rewrites Vega's element ids (`clip12`, `gradient_3`, …) as `<prefix>-<n>`.
 *
 * Vega numbers them from process-wide counters, so the same chart rendered twice
 * gets different ids and re-executing a notebook would change its saved output.
 * The prefix comes from the spec, so two different charts on one HTML page never
 * share an id (a shared clip-path id would clip one chart with the other's box).
 */
export function normaliseIds(svg: string, prefix: string): string {
  const ids = [...new Set([...svg.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]))];
  let out = svg;
  ids.forEach((id, i) => {
    const fresh = `v${prefix}-${i}`;
    const escaped = id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    out = out
      .replace(new RegExp(`\\bid="${escaped}"`, 'g'), `id="${fresh}"`)
      .replace(new RegExp(`#${escaped}(?=[")])`, 'g'), `#${fresh}`);
  });
  return out;
}

/** The first `url` key anywhere in a spec, with its path, or null; depth-limited against cycles. */
function findUrl(value: unknown, path: string, depth = 0): { path: string; value: unknown } | null {
  if (depth > 64 || value === null || typeof value !== 'object') return null;
  for (const [key, child] of Object.entries(value as object)) {
    const at = Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`;
    if (key === 'url') return { path: at, value: child };
    const found = findUrl(child, at, depth + 1);
    if (found !== null) return found;
  }
  return null;
}

/** A Vega loader that reads nothing: inline data needs no loader, and anything else is refused. */
function refusingLoader(): vega.Loader {
  const loader = vega.loader();
  loader.sanitize = (uri: string) => Promise.reject(new Error(`renderSvg: data must be inline, but the spec asked to load ${JSON.stringify(uri)}`));
  return loader;
}
