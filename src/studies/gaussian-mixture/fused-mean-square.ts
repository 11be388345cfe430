/**
 * The passes of ./chain-rule as two fused kernels on the `cpu` and `wasm` backends: the
 * forward pass f(s) in one kernel and its backward pass in another, where op by op they
 * dispatch 13 to 15 and 15 to 20 kernels, each paying the engine's bookkeeping (about
 * 4 µs a kernel on wasm).
 *
 * Same numbers as the op-by-op passes, bit for bit (test/mixture-gradients-fused.test.ts).
 * On wasm the matrix products, sigmoid, exp, the broadcast adds and the mean are the
 * backend's own kernels, called directly; on cpu they are loops that round as its kernels
 * do (./cpu-kernels). The rest is products, sums and differences of float32 numbers,
 * rounded to float32 after each step as the backend's Mul, Add and Sub kernels round
 * them, with the row sums in the order and precision of that backend's Sum kernel
 * (float64 rounded once on cpu, float32 at every step on wasm).
 */
import * as tf from '@tensorflow/tfjs';
import { fusedKernelName, hasFusedKernel, registerFusedKernel, runFusedKernel } from '../../kernels/registry';
import { cpuStore, Float32Store, wasmStore } from '../../kernels/typed-arrays';
import { kernelRunner } from '../../kernels/backend-kernels';
import * as cpu from './cpu-kernels';

const FORWARD = fusedKernelName('MixtureMeanSquare');
const BACKWARD = fusedKernelName('MixtureMeanSquareGrad');

/** True when the active backend runs the forward kernel (cpu, wasm; not `tensorflow`). */
export function hasFusedMeanSquare(): boolean {
  return hasFusedKernel(FORWARD);
}

/** True when the active backend runs the backward kernel. */
export function hasFusedMeanSquareGrad(): boolean {
  return hasFusedKernel(BACKWARD);
}

/**
 * [μ, σ, c, f], each [m, 1], and, `withMean`, the mean of f (a scalar, tf.mean's), from
 * the rows `inputs` [m, W] and the parameters A, C [W, 1], B, D [1].
 */
export function fusedMeanSquare(
  inputs: tf.Tensor, params: Record<'A' | 'B' | 'C' | 'D', tf.Tensor>, mean: number, variance: number, withMean: boolean,
): [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Scalar?] {
  return runFusedKernel<tf.Tensor[]>(FORWARD, { inputs, ...params }, { mean, variance, withMean }) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Scalar?];
}

/**
 * [dA, dB, dC, dD] (and d buckets [m, K], the last K columns of d inputs, when `A` and
 * `C` are given) for the upstream gradient df / divisor, df of m entries (any shape) or
 * one for all rows.
 */
export function fusedMeanSquareGrad(
  tensors: Record<'df' | 'inputs' | 'mu' | 'sigma' | 'centre', tf.Tensor> & { A?: tf.Tensor; C?: tf.Tensor },
  attrs: { mean: number; variance: number; divisor: number; buckets: number },
): tf.Tensor[] {
  return runFusedKernel<tf.Tensor[]>(BACKWARD, tensors, attrs);
}

/** c = μ + σ ε̄ and f = c² + σ² s² for each row, rounded where Mul, Add and Square round. */
function centreAndSquare(mu: Float32Array, sigma: Float32Array, centre: Float32Array, f: Float32Array, attrs: tf.NamedAttrMap): void {
  const r = Math.fround, mean = r(attrs.mean as number), variance = r(attrs.variance as number);
  for (let i = 0; i < mu.length; i++) {
    centre[i] = r(mu[i] + r(sigma[i] * mean));
    f[i] = r(r(centre[i] * centre[i]) + r(r(sigma[i] * sigma[i]) * variance));
  }
}

/**
 * The chain rule from df / divisor to da (through μ) and dl (through σ), rounded where the
 * op-by-op steps round; returns their row sums, float64 rounded once or float32 at every step.
 */
function chainRule(
  values: Record<'df' | 'mu' | 'sigma' | 'centre' | 'da' | 'dl', Float32Array>, attrs: tf.NamedAttrMap, float64Sums: boolean,
): [number, number] {
  const { df, mu: m, sigma: s, centre: c, da, dl } = values;
  const r = Math.fround, mean = r(attrs.mean as number), variance = r(attrs.variance as number);
  const one = df.length === 1, divisor = r(attrs.divisor as number);
  let sumA = 0, sumL = 0;
  for (let i = 0; i < m.length; i++) {
    const g = one ? df[0] : df[i];
    // The weight df / divisor as RealDiv rounds it (a double quotient rounds to the same float32).
    const w = divisor === 1 ? g : r(g / divisor);
    const dCentre = r(w * r(c[i] + c[i]));
    const dSigma = r(r(r(w * variance) * r(s[i] + s[i])) + r(dCentre * mean));
    dl[i] = r(dSigma * s[i]);
    da[i] = r(dCentre * r(m[i] * r(1 - m[i])));
    sumA += da[i];
    sumL += dl[i];
    if (!float64Sums) { sumA = r(sumA); sumL = r(sumL); }
  }
  return [r(sumA), r(sumL)];
}

/** cpu: every step in loops (./cpu-kernels), no kernel called. */
const forwardCpu: tf.KernelFunc = ({ inputs: tensors, backend, attrs }) => {
  const { inputs, A, B, C, D } = tensors as Record<string, tf.TensorInfo>;
  const store = cpuStore(backend), blockSize = (backend as unknown as { blockSize: number }).blockSize;
  const [rows, cols] = inputs.shape, x = store.view(inputs);
  const preMean = cpu.product(x, rows, cols, store.view(A), blockSize), preScale = cpu.product(x, rows, cols, store.view(C), blockSize);
  const outputs = [0, 1, 2, 3].map(() => store.allocate([rows, 1]));
  const [mu, sigma, centre, f] = outputs.map((info) => store.view(info));
  const b = store.view(B)[0], d = store.view(D)[0];
  for (let i = 0; i < rows; i++) {
    mu[i] = cpu.sigmoid(Math.fround(preMean[i] + b));
    sigma[i] = cpu.exp(Math.fround(preScale[i] + d));
  }
  centreAndSquare(mu, sigma, centre, f, attrs!);
  if (attrs!.withMean) {
    outputs.push(store.allocate([]));
    store.view(outputs[4])[0] = cpu.mean(f);
  }
  return outputs;
};

/** wasm: the backend's own BatchMatMul, Add, Sigmoid, Exp and Mean, called directly; the rest in one loop. */
const forwardWasm: tf.KernelFunc = ({ inputs: tensors, backend, attrs }) => {
  const { inputs, A, B, C, D } = tensors as Record<string, tf.TensorInfo>;
  const store = wasmStore(backend), run = kernelRunner('wasm', backend);
  const affine = (weights: tf.TensorInfo, bias: tf.TensorInfo) => {
    const product = run('BatchMatMul', { a: inputs, b: weights }, { transposeA: false, transposeB: false });
    const sum = run('Add', { a: product, b: bias });
    store.free(product);
    return sum;
  };
  const a = affine(A, B), l = affine(C, D);
  const mu = run('Sigmoid', { x: a }), sigma = run('Exp', { x: l });
  store.free(a);
  store.free(l);
  const centre = store.allocate(mu.shape), f = store.allocate(mu.shape);
  // Views only now: on wasm an allocation can move the heap.
  centreAndSquare(store.view(mu), store.view(sigma), store.view(centre), store.view(f), attrs!);
  // tf.mean's value is the backend's Mean kernel's (wasm's sums in float32).
  return attrs!.withMean ? [mu, sigma, centre, f, run('Mean', { x: f }, { axis: null as unknown as number, keepDims: false })] : [mu, sigma, centre, f];
};

type BackwardInputs = Record<'df' | 'inputs' | 'mu' | 'sigma' | 'centre', tf.TensorInfo> & { A?: tf.TensorInfo; C?: tf.TensorInfo };

/**
 * The first half of either backward kernel: da and dl [m, 1] (freed by `finish`) and dB,
 * dD [1], from the chain rule in one loop.
 */
function start(store: Float32Store, t: BackwardInputs, attrs: tf.NamedAttrMap, float64Sums: boolean) {
  const dPreMean = store.allocate(t.mu.shape), dLogScale = store.allocate(t.mu.shape), dB = store.allocate([1]), dD = store.allocate([1]);
  const da = store.view(dPreMean), dl = store.view(dLogScale);
  const values = { df: store.view(t.df), mu: store.view(t.mu), sigma: store.view(t.sigma), centre: store.view(t.centre), da, dl };
  [store.view(dB)[0], store.view(dD)[0]] = chainRule(values, attrs, float64Sums);
  return { dPreMean, dLogScale, dB, dD };
}

/** [dA, dB, dC, dD], and d buckets when A and C are given; frees da and dl. */
function finish(
  store: Float32Store, t: BackwardInputs, attrs: tf.NamedAttrMap, first: ReturnType<typeof start>, dA: tf.TensorInfo, dC: tf.TensorInfo,
): tf.TensorInfo[] {
  const grads = [dA, first.dB, dC, first.dD];
  if (t.A !== undefined && t.C !== undefined) grads.push(bucketGradient(store, first.dPreMean, first.dLogScale, t.A, t.C, attrs.buckets as number));
  store.free(first.dPreMean);
  store.free(first.dLogScale);
  return grads;
}

/** cpu: dA = inputsᵀ·da and dC = inputsᵀ·dl in loops (./cpu-kernels). */
const backwardCpu: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const t = inputs as BackwardInputs, store = cpuStore(backend), blockSize = (backend as unknown as { blockSize: number }).blockSize;
  const [rows, cols] = t.inputs.shape, x = store.view(t.inputs);
  const first = start(store, t, attrs!, true);
  const dA = store.allocate([cols, 1]), dC = store.allocate([cols, 1]);
  cpu.transposedProduct(x, rows, cols, store.view(first.dPreMean), blockSize, store.view(dA));
  cpu.transposedProduct(x, rows, cols, store.view(first.dLogScale), blockSize, store.view(dC));
  return finish(store, t, attrs!, first, dA, dC);
};

/** wasm: dA = inputsᵀ·da and dC = inputsᵀ·dl by the backend's own BatchMatMul. */
const backwardWasm: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const t = inputs as BackwardInputs, store = wasmStore(backend), run = kernelRunner('wasm', backend);
  const first = start(store, t, attrs!, false);
  const transposed = { transposeA: true, transposeB: false };
  const dA = run('BatchMatMul', { a: t.inputs, b: first.dPreMean }, transposed), dC = run('BatchMatMul', { a: t.inputs, b: first.dLogScale }, transposed);
  return finish(store, t, attrs!, first, dA, dC);
};

/**
 * The last K columns of da·Aᵀ + dl·Cᵀ, [m, K]: the gradient of the buckets s in the rows
 * [X, s]. Each product has an inner dimension of 1, so BatchMatMul's entry is the float32
 * product added to its accumulator's 0, which turns −0 into +0: the `+ 0` below.
 */
function bucketGradient(store: Float32Store, dPreMean: tf.TensorInfo, dLogScale: tf.TensorInfo, A: tf.TensorInfo, C: tf.TensorInfo, K: number): tf.TensorInfo {
  const rows = dPreMean.shape[0], first = A.shape[0] - K;
  const out = store.allocate([rows, K]);
  const da = store.view(dPreMean), dl = store.view(dLogScale), a = store.view(A), c = store.view(C), o = store.view(out);
  const r = Math.fround;
  for (let i = 0; i < rows; i++) {
    for (let k = 0; k < K; k++) o[i * K + k] = r((r(da[i] * a[first + k]) + 0) + (r(dl[i] * c[first + k]) + 0));
  }
  return out;
}

registerFusedKernel(FORWARD, { cpu: forwardCpu, wasm: forwardWasm });
registerFusedKernel(BACKWARD, { cpu: backwardCpu, wasm: backwardWasm });
