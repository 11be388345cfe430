/**
 * The bucket logits' side of ./chain-rule as one fused kernel each on the `cpu` and `wasm`
 * backends (7 and 15 kernels op by op):
 *
 * - 'MixtureExpectation': P = softmax(logP), Σ_s P_s f_s, and its gradient in logP,
 *   P ⊙ (fᵀ − P·f) (the exact sum over s);
 * - 'MixtureLogProbGrad': the gradient in logP of Σ_i w_i log P_{s_i}, w = losses / n (the log trick).
 *
 * Bit-identical to the op-by-op steps (test/mixture-gradients-fused.test.ts), as in
 * ./fused-mean-square: the softmax, the matrix product, and the max, exp, log and sums of
 * the log-softmax are the backend's own kernels called directly on wasm, and loops that
 * round as its kernels do on cpu (./cpu-kernels); the rest is float32 arithmetic rounded
 * after each step, with the sums in the order and precision of the backend's Sum kernel.
 */
import * as tf from '@tensorflow/tfjs';
import { fusedKernelName, hasFusedKernel, registerFusedKernel, runFusedKernel } from '../../kernels/registry';
import { cpuStore, wasmStore } from '../../kernels/typed-arrays';
import { kernelRunner } from '../../kernels/backend-kernels';
import * as cpu from './cpu-kernels';

const EXPECTATION = fusedKernelName('MixtureExpectation');
const LOG_PROB_GRAD = fusedKernelName('MixtureLogProbGrad');

/** True when the active backend runs the kernel of `fusedExpectation` (cpu, wasm; not `tensorflow`). */
export function hasFusedExpectation(): boolean {
  return hasFusedKernel(EXPECTATION);
}

/** True when the active backend runs the kernel of `fusedLogProbGrad`. */
export function hasFusedLogProbGrad(): boolean {
  return hasFusedKernel(LOG_PROB_GRAD);
}

/** [P·f [1, 1], its gradient in logP [1, K], P] for P = softmax(logP) [1, K] and f [K, 1]. */
export function fusedExpectation(logP: tf.Tensor, f: tf.Tensor): tf.Tensor[] {
  return runFusedKernel<tf.Tensor[]>(EXPECTATION, { logP, f }, {});
}

/** The gradient in logP [1, K] of Σ_i (losses_i / n) log P_{s_i}, for one-hot buckets [n, K] and losses [n, 1]. */
export function fusedLogProbGrad(logP: tf.Tensor, buckets: tf.Tensor, losses: tf.Tensor, n: number): tf.Tensor {
  return runFusedKernel<tf.Tensor>(LOG_PROB_GRAD, { logP, buckets, losses }, { n });
}

/**
 * out_k = t_k − (Σ_j t_j) p_k, rounded as Mul, Sum and Sub round: the softmax gradient
 * for t = dP ⊙ P (`float64Sums`: cpu's Sum kernel; else wasm's, float32 at every step).
 */
function softmaxGradient(t: Float32Array | Float64Array, p: Float32Array, out: Float32Array, float64Sums: boolean): void {
  const r = Math.fround;
  let total = 0;
  for (let k = 0; k < t.length; k++) total = float64Sums ? total + t[k] : r(total + t[k]);
  total = r(total);
  for (let k = 0; k < t.length; k++) out[k] = r(t[k] - r(total * p[k]));
}

/** cpu: the softmax and the product in loops (./cpu-kernels). */
const expectationCpu: tf.KernelFunc = ({ inputs, backend }) => {
  const { logP, f } = inputs as Record<string, tf.TensorInfo>;
  const store = cpuStore(backend);
  const value = store.allocate([1, 1]), grad = store.allocate(logP.shape), probs = store.allocate(logP.shape);
  const p = store.view(probs), values = store.view(f);
  p.set(cpu.softmax(store.view(logP)));
  store.view(value)[0] = cpu.product(p, 1, p.length, values, (backend as unknown as { blockSize: number }).blockSize)[0];
  softmaxGradient(p.map((pk, k) => values[k] * pk), p, store.view(grad), true);
  return [value, grad, probs];
};

/** wasm: the backend's own Softmax and BatchMatMul, called directly. */
const expectationWasm: tf.KernelFunc = ({ inputs, backend }) => {
  const { logP, f } = inputs as Record<string, tf.TensorInfo>;
  const store = wasmStore(backend), run = kernelRunner('wasm', backend);
  const probs = run('Softmax', { logits: logP }, { dim: logP.shape.length - 1 });
  const value = run('BatchMatMul', { a: probs, b: f }, { transposeA: false, transposeB: false });
  const grad = store.allocate(probs.shape);
  const p = store.view(probs), values = store.view(f);
  softmaxGradient(p.map((pk, k) => values[k] * pk), p, store.view(grad), false);
  return [value, grad, probs];
};

/** Σ_i (scale · w_i) s_ik down each column, as Mul then Sum over the first axis compute it. */
function weightedColumnSums(s: Float32Array, w: Float32Array, n: number, float64Sums: boolean): Float32Array {
  const r = Math.fround, scale = r(1 / r(n)), K = s.length / w.length;
  const t = float64Sums ? new Float64Array(K) : new Float32Array(K);
  for (let i = 0; i < w.length; i++) {
    const weight = r(scale * w[i]);
    for (let k = 0; k < K; k++) t[k] = float64Sums ? t[k] + r(weight * s[i * K + k]) : r(t[k] + r(weight * s[i * K + k]));
  }
  return Float32Array.from(t);
}

/** cpu: exp(logSoftmax(logP)) and the sums in loops (./cpu-kernels). */
const logProbGradCpu: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { logP, buckets, losses } = inputs as Record<string, tf.TensorInfo>;
  const store = cpuStore(backend), grad = store.allocate(logP.shape);
  const t = weightedColumnSums(store.view(buckets), store.view(losses), attrs!.n as number, true);
  softmaxGradient(t, cpu.logSoftmaxProbs(store.view(logP)), store.view(grad), true);
  return grad;
};

/** wasm: exp(logSoftmax(logP)) by the backend's own Max, Sub, Exp, Sum and Log, step by step as tf.logSoftmax (its cast of float32 is the identity). */
const logProbGradWasm: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { logP, buckets, losses } = inputs as Record<string, tf.TensorInfo>;
  const store = wasmStore(backend), run = kernelRunner('wasm', backend);
  const steps: tf.TensorInfo[] = [];
  const step = (name: string, inputs: tf.NamedTensorInfoMap, attrs?: tf.NamedAttrMap) => { steps.push(run(name, inputs, attrs)); return steps[steps.length - 1]; };
  const last = { axis: [1], keepDims: true };
  const shifted = step('Sub', { a: logP, b: step('Max', { x: logP }, { reductionIndices: [1], keepDims: true }) });
  const logSoftmax = step('Sub', { a: shifted, b: step('Log', { x: step('Sum', { x: step('Exp', { x: shifted }) }, last) }) });
  const probs = step('Exp', { x: logSoftmax });
  const grad = store.allocate(logP.shape);
  const t = weightedColumnSums(store.view(buckets), store.view(losses), attrs!.n as number, false);
  softmaxGradient(t, store.view(probs), store.view(grad), false);
  for (const info of steps) store.free(info);
  return grad;
};

registerFusedKernel(EXPECTATION, { cpu: expectationCpu, wasm: expectationWasm });
registerFusedKernel(LOG_PROB_GRAD, { cpu: logProbGradCpu, wasm: logProbGradWasm });
