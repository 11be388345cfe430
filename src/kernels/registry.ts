/**
 * Where the fused kernels are registered and dispatched. A fused op runs as one
 * registered kernel, the way TensorFlow.js runs its own ops, on the backends that have
 * it (`cpu` and `wasm` over typed arrays; `tensorflow` by calling the backend's own
 * kernels from inside one, src/kernels/tensorflow-kernels.ts), and as its readable
 * op-by-op reference everywhere else. Each fused kernel gives the same float32 numbers
 * as its reference on the backend it runs on (test/fused-*.test.ts).
 *
 * Per-op overhead dominates at this library's sizes (about 4 µs a kernel on wasm, 30 µs
 * an op that autodiff must differentiate), which is what one kernel in place of ten saves.
 */
import * as tf from '@tensorflow/tfjs';

/** The backends the fused kernels are written for. */
export const FUSED_BACKENDS = ['cpu', 'wasm', 'tensorflow'] as const;
export type FusedBackendName = (typeof FUSED_BACKENDS)[number];

/** Every kernel name of this library starts with this, so that none can clash with TensorFlow.js' own. */
const PREFIX = 'DiscreteGradients';

/** The registered name of a fused kernel: PREFIX + name. */
export function fusedKernelName(name: string): string {
  return `${PREFIX}${name}`;
}

/** Which fused kernels run: all, none, or those whose registered names are listed. */
export type FusedSetting = boolean | readonly string[];

let setting: FusedSetting = true;

/**
 * Turns the fused kernels off (every op then runs its op-by-op reference), on, or on
 * for the listed registered names only (`fusedKernelName('RelaxedSoftmax')`, …), and
 * returns the previous setting. For benchmarks and tests that compare the two in one
 * process; not exported from the package.
 *
 * @example
 * const before = useFusedKernels(false);   // the op-by-op references from here on
 * useFusedKernels(before);
 */
export function useFusedKernels(on: FusedSetting): FusedSetting {
  const previous = setting;
  setting = on;
  return previous;
}

/**
 * Registers one kernel function per fused backend (a backend left out runs the op's
 * fallback) and the gradient, once: a second
 * copy of the library in the same process (the built `dist/` beside `src/`) finds the
 * names taken and leaves them, so no warning is printed and nothing else is touched.
 */
export function registerFusedKernel(
  kernelName: string, kernelFuncs: Partial<Record<FusedBackendName, tf.KernelFunc>>, gradient?: Omit<tf.GradConfig, 'kernelName'>,
): void {
  for (const backendName of FUSED_BACKENDS) {
    const kernelFunc = kernelFuncs[backendName];
    if (kernelFunc !== undefined && tf.getKernel(kernelName, backendName) === undefined) tf.registerKernel({ kernelName, backendName, kernelFunc });
  }
  if (gradient !== undefined && tf.getGradient(kernelName) === undefined) tf.registerGradient({ kernelName, ...gradient });
}

/** True when `kernelName` is switched on and the active backend has it. */
export function hasFusedKernel(kernelName: string): boolean {
  const on = setting === true || (setting !== false && setting.includes(kernelName));
  return on && tf.getKernel(kernelName, tf.getBackend()) !== undefined;
}

/** Runs a registered kernel through the engine, which tapes it for autodiff and tracks its outputs. */
export function runFusedKernel<T extends tf.Tensor | tf.Tensor[]>(kernelName: string, inputs: tf.NamedTensorMap, attrs: tf.NamedAttrMap): T {
  return tf.engine().runKernel<T>(kernelName, inputs, attrs);
}
