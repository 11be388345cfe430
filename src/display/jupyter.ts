/**
 * The one place that talks to a Jupyter kernel: it finds out which kernel runs the
 * code, and sends MIME bundles through that kernel's own calls.
 *
 * - Deno's kernel (`deno jupyter`) has public calls for this: `Deno.jupyter.display`
 *   sends a raw MIME bundle, and with `display_id` and `update` it replaces an output
 *   in place (update_display_data). The call is asynchronous, so messages go through
 *   a DisplayQueue, which keeps them in order and sends no stale update.
 * - tslab's public `tslab.display.raw` sends a single MIME type with a string value, but
 *   JupyterLab's Vega-Lite renderer needs a JSON object next to an SVG in the same
 *   bundle. tslab's internal `lastWriteDisplayData` sends a whole bundle; it is
 *   internal API, so it is wrapped here and nowhere else.
 */

import { DisplayQueue } from './display-queue';

/** A Jupyter MIME bundle: MIME type → value (JSON objects allowed). */
export type MimeBundle = Record<string, unknown>;

/** The Jupyter kernels this module can display through. */
export type KernelName = 'tslab' | 'deno';

/** Where a bundle goes: a new output, or (with `update`) the output shown earlier under `displayId`. */
export interface SendOptions {
  displayId?: string;
  update?: boolean;
}

type TslabWrite = (
  msg: { data: MimeBundle; metadata: Record<string, unknown>; transient: { display_id?: string } },
  update: boolean,
) => void;

/** The part of Deno's `Deno.jupyter` namespace used here. */
interface DenoJupyter {
  display(obj: unknown, options: { raw: boolean; update?: boolean; display_id?: string }): Promise<void>;
}

/** `Deno.jupyter` inside Deno's kernel, else null (also in `deno run`, where reading it throws). */
function denoJupyter(): DenoJupyter | null {
  const deno = (globalThis as { Deno?: { jupyter?: unknown } }).Deno;
  if (deno == null) return null;
  try {
    const jupyter = deno.jupyter as Partial<DenoJupyter> | undefined;
    return typeof jupyter?.display === 'function' ? (jupyter as DenoJupyter) : null;
  } catch {
    return null;
  }
}

/** The queue in front of one `Deno.jupyter` (a new one if the namespace is replaced, as tests do). */
let denoQueue: { jupyter: DenoJupyter; queue: DisplayQueue } | null = null;

function queueFor(jupyter: DenoJupyter): DisplayQueue {
  if (denoQueue?.jupyter !== jupyter) {
    const queue = new DisplayQueue(({ data, displayId, update }) =>
      jupyter.display(data, displayId === undefined ? { raw: true, update } : { raw: true, update, display_id: displayId }));
    denoQueue = { jupyter, queue };
  }
  return denoQueue.queue;
}

/** tslab's writer, or null outside a running tslab kernel. */
function tslabWriter(): TslabWrite | null {
  // Look in the module cache instead of requiring: a plain node script must not
  // start loading the kernel's ZeroMQ bindings just to learn it is not in Jupyter.
  let path: string;
  try {
    path = require.resolve('tslab/dist/jupyter');
  } catch {
    return null;
  }
  const loaded = require.cache[path];
  return (loaded?.exports?.lastWriteDisplayData as TslabWrite | null) ?? null;
}

/**
 * The Jupyter kernel running this code: 'deno', 'tslab', or null in a plain script.
 *
 * @example
 * jupyterKernel();   // 'tslab' in a tslab notebook, null under `node script.js`
 */
export function jupyterKernel(): KernelName | null {
  if (denoJupyter() !== null) return 'deno';
  if (tslabWriter() !== null) return 'tslab';
  return null;
}

/** True inside a Jupyter kernel (tslab or Deno) that is executing a cell. */
export function inJupyter(): boolean {
  return jupyterKernel() !== null;
}

/**
 * Sends one MIME bundle to the notebook. With a `displayId`, later calls with
 * `update: true` replace the same output in place (update_display_data).
 *
 * It resolves once the kernel has taken the message (at once under tslab, whose
 * writer is synchronous; under Deno, once this update or a newer one of the same
 * output has been sent). It rejects outside a Jupyter kernel.
 *
 * @example
 * // compile-only: needs a Jupyter kernel (outside one it rejects)
 * await sendBundle({ 'text/plain': 'step 1' }, { displayId: 'progress' });
 * await sendBundle({ 'text/plain': 'step 2' }, { displayId: 'progress', update: true });
 */
export async function sendBundle(data: MimeBundle, options: SendOptions = {}): Promise<void> {
  const update = options.update ?? false;
  const deno = denoJupyter();
  if (deno !== null) return queueFor(deno).push({ data, displayId: options.displayId, update });
  const write = tslabWriter();
  if (write === null) throw new Error('sendBundle: not running inside a Jupyter kernel (tslab or Deno)');
  const transient = options.displayId === undefined ? {} : { display_id: options.displayId };
  write({ data, metadata: {}, transient }, update);
}
