/**
 * The rounding of `straightThrough` as one fused op: the discrete value nearest to a
 * relaxed sample on the forward pass, the incoming gradient unchanged on the backward
 * pass. Op by op the forward pass takes six kernels (argMax, oneHot, cast, and the
 * NaN poison y − y summed and added) inside a tf.customGrad; fused it takes one, on cpu,
 * wasm and tensorflow, with the same values: 0, 1 and NaN, and +0 for every zero.
 */
import * as tf from '@tensorflow/tfjs';
import { fusedKernelName, hasFusedKernel, registerFusedKernel, runFusedKernel } from './registry';
import { straightThroughRoundTensorflow } from './tensorflow-kernels';
import { cpuStore, Float32Store, wasmStore } from './typed-arrays';

const ROUND = fusedKernelName('StraightThroughRound');

/**
 * The op-by-op reference: along the last axis, one-hot of the first argmax (K > 1) or
 * round(y) with ties to even (K = 1), plus Σ_k (y_k − y_k), which is 0 for a finite row
 * and NaN for a row holding NaN or ±∞; the gradient is dy itself.
 *
 * @example
 * const hard = straightThroughRoundReference(tf.tensor2d([[0.2, 0.5, 0.3], [NaN, 1, 0]]));   // [[0, 1, 0], [NaN, NaN, NaN]]
 * hard.dispose();
 */
export const straightThroughRoundReference: (y: tf.Tensor) => tf.Tensor = tf.customGrad((...args) => {
  const y = args[0] as tf.Tensor;
  const K = y.shape[y.rank - 1];
  // customGrad runs the forward pass inside tf.tidy, so the argmax is freed.
  const hard = K === 1 ? tf.round(y) : tf.cast(tf.oneHot(tf.argMax(y, -1), K), 'float32');
  // y − y is 0 where y is finite and NaN elsewhere; summed over the row, it marks the whole row.
  const poison = tf.sum(tf.sub(y, y), -1, true);
  return { value: tf.add(hard, poison), gradFunc: (dy: tf.Tensor) => tf.clone(dy) };
  // (clone in gradFunc: the engine disposes what gradFunc returns, and dy is not ours to dispose.)
}) as (y: tf.Tensor) => tf.Tensor;

/**
 * The straight-through rounding of `y` [..., K] (float32, non-empty): the values of
 * `straightThroughRoundReference`, in one kernel on cpu, wasm and tensorflow. The caller checks `y`.
 *
 * @example
 * const hard = straightThroughRound(tf.tensor2d([[0.2, 0.5, 0.3], [0.6, 0.3, 0.1]]));   // [[0, 1, 0], [1, 0, 0]]
 * hard.dispose();
 */
export function straightThroughRound(y: tf.Tensor): tf.Tensor {
  if (!hasFusedKernel(ROUND) || y.dtype !== 'float32' || y.rank < 1 || y.size === 0) return straightThroughRoundReference(y);
  return runFusedKernel<tf.Tensor>(ROUND, { y }, {});
}

/** Round half to even, as both backends' Round kernels do; the caller adds 0, which turns −0 into +0. */
function roundHalfToEven(x: number): number {
  const r = Math.round(x); // halves go up
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** The forward kernel, the same loop on both backends: each row's first argmax (or its rounding), or NaN for a row that is not finite. */
function roundKernel(storeOf: (backend: unknown) => Float32Store): tf.KernelFunc {
  return ({ inputs, backend }) => {
    const store = storeOf(backend);
    const { y } = inputs as { y: tf.TensorInfo };
    const out = store.allocate(y.shape);
    const v = store.view(y), o = store.view(out);
    const K = y.shape[y.shape.length - 1];
    for (let row = 0; row < v.length; row += K) {
      let finite = true, best = 0;
      for (let k = 0; k < K; k++) {
        const x = v[row + k];
        if (!Number.isFinite(x)) finite = false;
        else if (x > v[row + best]) best = k; // strictly greater: the first maximum wins ties, as in argMax
      }
      for (let k = 0; k < K; k++) {
        o[row + k] = !finite ? NaN : K === 1 ? roundHalfToEven(v[row]) + 0 : k === best ? 1 : 0;
      }
    }
    return out;
  };
}

registerFusedKernel(ROUND, { cpu: roundKernel(cpuStore), wasm: roundKernel(wasmStore), tensorflow: straightThroughRoundTensorflow }, {
  // A copy of dy: the engine disposes what a gradient returns, and dy belongs to the tape.
  gradFunc: (dy) => ({ y: () => tf.clone(dy as tf.Tensor) }),
});
