/**
 * The relaxed sampler of `RelaxedOneHotCategorical.sample` as one fused op:
 *
 *   y = keepInside(softmax((logits + G) / τ)),
 *
 * forward in one kernel, backward in one kernel that also sums over the sample axis.
 * A gradient through it takes 3 kernels (forward, one copy kept for autodiff, backward)
 * where op by op it takes 26 (4 forward, 10 copies, 12 backward; counted by tf.profile).
 *
 * Same numbers as the reference, bit for bit, on each backend: every step is rounded
 * to float32 where the reference's kernel rounds it, sums run in the order and precision
 * of that backend's Sum kernel (float64 on cpu, float32 on wasm), and on wasm the softmax
 * and the clamp are the backend's own (its softmax has an exp of its own; its clamp maps
 * NaN to the lower bound, where cpu's keeps NaN). On tensorflow both kernels run the
 * reference's TensorFlow ops themselves (src/kernels/tensorflow-kernels.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { keepInside, TINY } from '../distributions/noise';
import { backendKernel } from './backend-kernels';
import { fusedKernelName, hasFusedKernel, registerFusedKernel, runFusedKernel } from './registry';
import { relaxedBackwardTensorflow, relaxedForwardTensorflow } from './tensorflow-kernels';
import { cpuStore, Float32Store, sizeOf, wasmStore } from './typed-arrays';

/**
 * The clamp's lower bound, read once: where imports stay live bindings (esbuild, tsx),
 * each use of an imported name is a getter call, too slow for a loop over elements.
 */
const LOWEST = TINY;

const FORWARD = fusedKernelName('RelaxedSoftmax');
const BACKWARD = fusedKernelName('RelaxedSoftmaxGrad');

/**
 * The op-by-op reference: keepInside(softmax((logits + noise) / τ)), as the library
 * wrote it before the fused kernel. It runs wherever the fused kernel does not (fused
 * kernels switched off, or shapes the kernel does not take).
 *
 * @example
 * const y = relaxedSoftmaxReference(tf.tensor1d([1, 2, 0]), tf.tensor2d([[0.1, -0.3, 1.2]]), 0.5);   // [1, 3]
 * y.dispose();
 */
export function relaxedSoftmaxReference(logits: tf.Tensor, noise: tf.Tensor, temperature: number): tf.Tensor {
  // Every backend's softmax subtracts the maximum first, so scores of order 1e4 (τ = 0.01) do not overflow.
  return tf.tidy(() => keepInside(tf.softmax(tf.div(tf.add(logits, noise), temperature))));
}

/**
 * Relaxed samples keepInside(softmax((logits + noise) / τ)) from perturbed logits, in
 * one kernel on cpu, wasm and tensorflow and equal to `relaxedSoftmaxReference` bit for bit;
 * differentiable in `logits` (summed over the sample axis) and in `noise`.
 *
 * Shapes: logits [...batch, K], noise [n, ...batch, K] → [n, ...batch, K]. Other shapes,
 * and other backends, go to the reference. The caller checks τ > 0 and the shapes' sizes.
 *
 * @example
 * const y = relaxedSoftmax(tf.tensor1d([1, 2, 0]), tf.tensor2d([[0.1, -0.3, 1.2], [0, 0, 0]]), 0.5);   // [2, 3]
 * y.dispose();
 */
export function relaxedSoftmax(logits: tf.Tensor, noise: tf.Tensor, temperature: number): tf.Tensor {
  if (!hasFusedKernel(FORWARD) || !fitsKernel(logits, noise)) return relaxedSoftmaxReference(logits, noise, temperature);
  const [sample, unclamped] = runFusedKernel<tf.Tensor[]>(FORWARD, { logits, noise }, { temperature });
  // The unclamped softmax is an output only so that autodiff saves it for the backward kernel.
  unclamped.dispose();
  return sample;
}

/** The kernel takes float32 noise [n, ...logits.shape], with n ≥ 1 and K ≥ 1. */
function fitsKernel(logits: tf.Tensor, noise: tf.Tensor): boolean {
  return logits.dtype === 'float32' && noise.dtype === 'float32' && logits.rank >= 1 && logits.size > 0 &&
    noise.rank === logits.rank + 1 && noise.shape[0] > 0 && logits.shape.every((d, i) => d === noise.shape[i + 1]);
}

/**
 * One row of the cpu sampler, unclamped: y[at … at+K) ← softmax((l[base…] + g[row…]) / τ)
 * for float32 τ, rounded to float32 after every op as the reference's Add, RealDiv, Max,
 * Exp and cpu softmax (float64 sum, then divide) round.
 */
export function cpuRelaxedRow(l: Float32Array, base: number, g: Float32Array, row: number, K: number, tau: number, y: Float32Array | Float64Array, at: number): void {
  const f = Math.fround;
  let max = 0;
  for (let k = 0; k < K; k++) {
    const s = (y[at + k] = f(f(l[base + k] + g[row + k]) / tau));
    // (tfjs-backend-cpu's Max also takes a NaN; not needed: a NaN score makes the whole row NaN either way.)
    if (k === 0 || s > max) max = s;
  }
  let sum = 0;
  for (let k = 0; k < K; k++) sum += (y[at + k] = f(Math.exp(f(y[at + k] - max))));
  sum = f(sum);
  for (let k = 0; k < K; k++) y[at + k] = f(y[at + k] / sum);
}

/** The sampler's clamp of one value to [2^−126, 1], as the cpu ClipByValue kernel does (a NaN stays NaN). */
export function keepInsideValue(v: number): number {
  return v > 1 ? 1 : v < LOWEST ? LOWEST : v;
}

/** cpu: scores, the cpu softmax (max, exp, float64 sum, divide) and the clamp, in one pass per row. */
function forwardCpu({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo[] {
  const store = cpuStore(backend);
  const { logits, noise } = inputs as { logits: tf.TensorInfo; noise: tf.TensorInfo };
  const tau = Math.fround(attrs!.temperature as number);
  const sample = store.allocate(noise.shape), unclamped = store.allocate(noise.shape);
  const l = store.view(logits), g = store.view(noise), c = store.view(sample), y = store.view(unclamped);
  const K = noise.shape[noise.shape.length - 1], L = l.length;
  for (let row = 0; row < g.length; row += K) {
    cpuRelaxedRow(l, row % L, g, row, K, tau, y, row);
    for (let k = 0; k < K; k++) c[row + k] = keepInsideValue(y[row + k]);
  }
  return [sample, unclamped];
}

/** wasm: scores on the heap, then the backend's own softmax and clamp kernels, called without the engine. */
function forwardWasm({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo[] {
  const store = wasmStore(backend);
  const { logits, noise } = inputs as { logits: tf.TensorInfo; noise: tf.TensorInfo };
  const tau = Math.fround(attrs!.temperature as number);
  const scores = store.allocate(noise.shape);
  const l = store.view(logits), g = store.view(noise), s = store.view(scores), L = l.length;
  for (let row = 0; row < s.length; row += L) {
    for (let j = 0; j < L; j++) s[row + j] = Math.fround(l[j] + g[row + j]) / tau;
  }
  const unclamped = backendKernel('Softmax', 'wasm')({ inputs: { logits: scores }, backend, attrs: { dim: noise.shape.length - 1 } }) as tf.TensorInfo;
  store.free(scores);
  const sample = backendKernel('ClipByValue', 'wasm')({ inputs: { x: unclamped }, backend, attrs: { clipValueMin: TINY, clipValueMax: 1 } }) as tf.TensorInfo;
  return [sample, unclamped];
}


/**
 * The gradient of the sample with respect to the scores' numerator logits + G:
 * g = (t − (Σ_k t_k) y) / τ with t = dy ⊙ y where the clamp did not act and 0 where it did
 * (softmax's gradient after the clamp's select, as the reference's kernels compute it),
 * summed over the leading sample axis when `sumSamples` (the gradient of the logits).
 */
function backward(storeOf: (backend: unknown) => Float32Store, float64Sums: boolean): tf.KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const store = storeOf(backend);
    const { dy, y } = inputs as { dy: tf.TensorInfo; y: tf.TensorInfo };
    const tau = Math.fround(attrs!.temperature as number), sumSamples = attrs!.sumSamples as boolean;
    const outShape = sumSamples ? y.shape.slice(1) : y.shape;
    const out = store.allocate(outShape);
    const d = store.view(dy), v = store.view(y), o = store.view(out);
    const K = y.shape[y.shape.length - 1], L = sizeOf(outShape);
    // The sums over samples: float64 then rounded once on cpu, float32 at every step on wasm, as their Sum kernels do.
    const totals = sumSamples ? (float64Sums ? new Float64Array(L) : o.fill(0)) : null;
    for (let row = 0; row < v.length; row += K) {
      let sum = 0;
      for (let k = 0; k < K; k++) {
        sum += passed(d[row + k], v[row + k]);
        if (!float64Sums) sum = Math.fround(sum);
      }
      sum = Math.fround(sum);
      const base = totals === null ? row : row % L;
      for (let k = 0; k < K; k++) {
        const yk = v[row + k];
        const gk = Math.fround(Math.fround(passed(d[row + k], yk) - Math.fround(sum * yk)) / tau);
        if (totals === null) o[base + k] = gk;
        else totals[base + k] += gk;
      }
    }
    if (totals !== null && totals !== o) o.set(totals);
    return out;
  };
}

/** dy · y where the clamp let y through (2^−126 ≤ y ≤ 1), else 0 · y, rounded to float32. */
function passed(dy: number, y: number): number {
  return Math.fround((y >= LOWEST && y <= 1 ? dy : 0) * y);
}

/** The backward kernel's work op by op, for a backend that lacks it at backward time. */
function backwardReference(dy: tf.Tensor, y: tf.Tensor, temperature: number, sumSamples: boolean): tf.Tensor {
  return tf.tidy(() => {
    const inside = tf.logicalAnd(tf.greaterEqual(y, TINY), tf.lessEqual(y, 1));
    const t = tf.mul(tf.where(inside, dy, tf.zerosLike(dy)), y);
    const g = tf.div(tf.sub(t, tf.mul(tf.sum(t, -1, true), y)), temperature);
    return sumSamples ? tf.sum(g, 0) : g;
  });
}

function gradient(dy: tf.Tensor, y: tf.Tensor, temperature: number, sumSamples: boolean): tf.Tensor {
  if (!hasFusedKernel(BACKWARD)) return backwardReference(dy, y, temperature, sumSamples);
  return runFusedKernel<tf.Tensor>(BACKWARD, { dy, y }, { temperature, sumSamples });
}

registerFusedKernel(FORWARD, { cpu: forwardCpu, wasm: forwardWasm, tensorflow: relaxedForwardTensorflow }, {
  outputsToSave: [false, true],
  gradFunc: (dys, [y], attrs) => {
    const dy = (dys as tf.Tensor[])[0], temperature = attrs.temperature as number;
    return { logits: () => gradient(dy, y, temperature, true), noise: () => gradient(dy, y, temperature, false) };
  },
});
registerFusedKernel(BACKWARD, { cpu: backward(cpuStore, true), wasm: backward(wasmStore, false), tensorflow: relaxedBackwardTensorflow });
