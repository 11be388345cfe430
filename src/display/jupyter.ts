/**
 * The one place that talks to tslab's kernel internals.
 *
 * `tslab.display.raw` sends a single MIME type with a string value, but JupyterLab's
 * Vega-Lite renderer needs a JSON object next to an SVG in the same bundle. tslab's
 * internal `lastWriteDisplayData` sends a whole bundle; it is internal API, so it is
 * wrapped here and nowhere else.
 */

/** A Jupyter MIME bundle: MIME type → value (JSON objects allowed). */
export type MimeBundle = Record<string, unknown>;

type WriteDisplayData = (
  msg: { data: MimeBundle; metadata: Record<string, unknown>; transient: { display_id?: string } },
  update: boolean,
) => void;

/** tslab's writer, or null outside a running tslab kernel. */
function writer(): WriteDisplayData | null {
  // Look in the module cache instead of requiring: a plain node script must not
  // start loading the kernel's ZeroMQ bindings just to learn it is not in Jupyter.
  let path: string;
  try {
    path = require.resolve('tslab/dist/jupyter');
  } catch {
    return null;
  }
  const loaded = require.cache[path];
  return (loaded?.exports?.lastWriteDisplayData as WriteDisplayData | null) ?? null;
}

/** True inside a tslab kernel that is executing a cell. */
export function inJupyter(): boolean {
  return writer() !== null;
}

/**
 * Sends one MIME bundle to the notebook. With a `displayId`, later calls with
 * `update: true` replace the same output in place (update_display_data).
 */
export function sendBundle(data: MimeBundle, options: { displayId?: string; update?: boolean } = {}): void {
  const write = writer();
  if (write === null) throw new Error('sendBundle: not running inside a tslab kernel');
  const transient = options.displayId === undefined ? {} : { display_id: options.displayId };
  write({ data, metadata: {}, transient }, options.update ?? false);
}
