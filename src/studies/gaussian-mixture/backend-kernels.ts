/**
 * A backend's own kernels, called from inside the mixture's fused kernels without the
 * engine: the same functions TensorFlow.js dispatches, so the same float32 results,
 * without the bookkeeping of a dispatch (scopes, tracking, the tape's checks).
 */
import * as tf from '@tensorflow/tfjs';

/** Runs the backend's kernel `name` on tensor infos; the caller frees what it returns. */
export type KernelRunner = (name: string, inputs: tf.NamedTensorInfoMap, attrs?: tf.NamedAttrMap) => tf.TensorInfo;

/** Each backend's kernel functions by name, looked up once. */
const found = new Map<string, Map<string, tf.KernelFunc>>();

/** A runner of `backendName`'s kernels for the backend instance a fused kernel was given. */
export function kernelRunner(backendName: string, backend: unknown): KernelRunner {
  let kernels = found.get(backendName);
  if (kernels === undefined) found.set(backendName, (kernels = new Map()));
  const table = kernels;
  return (name, inputs, attrs = {}) => {
    let kernelFunc = table.get(name);
    if (kernelFunc === undefined) {
      const kernel = tf.getKernel(name, backendName);
      if (kernel === undefined) throw new Error(`GaussianMixtureModel: the ${backendName} backend has no ${name} kernel`);
      table.set(name, (kernelFunc = kernel.kernelFunc));
    }
    return kernelFunc({ inputs, backend: backend as tf.KernelBackend, attrs }) as tf.TensorInfo;
  };
}
