/**
 * Headless rendering of Vega-Lite specs to SVG, with stable element ids.
 */
import { createHash } from 'crypto';
import * as vega from 'vega';
import { compile, TopLevelSpec } from 'vega-lite';

/** A Vega-Lite v5 specification, as JupyterLab renders it. */
export type ChartSpec = TopLevelSpec;

/**
 * Renders a spec to an SVG string with no browser and no canvas.
 *
 * Text widths are estimated, so labels may sit a few pixels off from the live chart.
 */
export async function renderSvg(spec: ChartSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
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
