/**
 * A backend's own kernels, called from inside a fused kernel without the engine: the
 * same functions TensorFlow.js dispatches, so the same float32 results, without the
 * bookkeeping of a dispatch (scopes, tracking, the tape's checks).
 */
import * as tf from '@tensorflow/tfjs';

/** Runs the backend's kernel `name` on tensor infos; the caller frees what it returns. */
export type KernelRunner = (name: string, inputs: tf.NamedTensorInfoMap, attrs?: tf.NamedAttrMap) => tf.TensorInfo;

/** Each backend's kernel functions by name, looked up once. */
const found = new Map<string, Map<string, tf.KernelFunc>>();

/** The kernel function `backendName` registered for `name` (every kernel used here exists in TensorFlow.js 4.22). */
export function backendKernel(name: string, backendName: string): tf.KernelFunc {
  let table = found.get(backendName);
  if (table === undefined) found.set(backendName, (table = new Map()));
  let kernelFunc = table.get(name);
  if (kernelFunc === undefined) {
    const kernel = tf.getKernel(name, backendName);
    if (kernel === undefined) throw new Error(`fused kernels: the ${backendName} backend has no ${name} kernel`);
    table.set(name, (kernelFunc = kernel.kernelFunc));
  }
  return kernelFunc;
}

/** A runner of `backendName`'s kernels for the backend instance a fused kernel was given. */
export function kernelRunner(backendName: string, backend: unknown): KernelRunner {
  return (name, inputs, attrs = {}) =>
    backendKernel(name, backendName)({ inputs, backend: backend as tf.KernelBackend, attrs }) as tf.TensorInfo;
}
