/**
 * The Concrete log-density of `RelaxedOneHotCategorical.logProb` as one fused op. Op by
 * op it takes sixteen kernels, and on wasm its broadcasting subtractions and its
 * maximum over tiny rows cost as much as its logarithm and exponential; fused, the
 * arithmetic runs in one pass per row over typed arrays.
 *
 * Same numbers as the reference, bit for bit, on each backend: each step is rounded to
 * float32 where the reference's kernels round it, sums follow that backend's Sum kernel
 * (float64 on cpu, float32 in order on wasm), and on wasm the logarithms and the
 * exponential are the backend's own kernels, called without the engine.
 *
 * Forward only: while autodiff records (inside tf.grad and its kin) the reference runs
 * instead, so a gradient through the density is the reference's own, with no cost
 * added. The entropy and KL estimates, which dominate its use, are not differentiated.
 */
import * as tf from '@tensorflow/tfjs';
import { backendKernel } from './backend-kernels';
import { fusedKernelName, hasFusedKernel, registerFusedKernel, runFusedKernel } from './registry';
import { cpuStore, sizeOf, wasmStore } from './typed-arrays';

const DENSITY = fusedKernelName('ConcreteLogDensity');

/**
 * The op-by-op reference, for normalised logits α, as [1] writes the density in log space:
 *
 *   log p(x) = log (K−1)! + (K−1) log τ + Σ_k (α_k − (τ+1) log x_k) − K · logsumexp_k(α_k − τ log x_k).
 *
 * Shapes: alpha [...batchShape, K]; x [...sampleShape, ...batchShape, K] → [...sampleShape, ...batchShape].
 *
 * [1] Maddison, Mnih and Teh (2017), "The Concrete Distribution", ICLR.
 *
 * @example
 * const lp = concreteLogDensityReference(tf.logSoftmax(tf.tensor1d([1, 2, 0])), tf.tensor2d([[0.2, 0.5, 0.3]]), 0.5);   // [1]
 * lp.dispose();
 */
export function concreteLogDensityReference(alpha: tf.Tensor, x: tf.Tensor, temperature: number): tf.Tensor {
  const K = alpha.shape[alpha.rank - 1], tau = temperature;
  return tf.tidy(() => {
    const logX = tf.log(x);
    // Step 1: the constant, log Γ(K) + (K−1) log τ, in float64.
    const constant = densityConstant(K, tau);
    // Step 2: Σ_k (α_k − (τ+1) log x_k), the numerator of the density.
    const numerator = tf.sum(tf.sub(alpha, tf.mul(tau + 1, logX)), -1);
    // Step 3: K · log Σ_k exp(α_k − τ log x_k), the normaliser, by logsumexp.
    const normaliser = tf.mul(K, tf.logSumExp(tf.sub(alpha, tf.mul(tau, logX)), -1));
    return tf.add(tf.sub(numerator, normaliser), constant);
  });
}

/** log (K−1)! + (K−1) log τ in float64, log n! as a sum of logarithms (K is small, so the loop is cheap). */
function densityConstant(K: number, tau: number): number {
  let logFactorial = 0;
  for (let i = 2; i <= K - 1; i++) logFactorial += Math.log(i);
  return logFactorial + (K - 1) * Math.log(tau);
}

/**
 * The Concrete log-density of points x, the values of `concreteLogDensityReference`
 * in one kernel on cpu and wasm (the reference itself under a gradient tape, so it is
 * differentiable in both arguments). No check of x: for points the library drew
 * itself, or checked already.
 *
 * Shapes: alpha [...batchShape, K]; x [...sampleShape, ...batchShape, K] → [...sampleShape, ...batchShape].
 *
 * @example
 * const lp = concreteLogDensity(tf.logSoftmax(tf.tensor1d([1, 2, 0])), tf.tensor2d([[0.2, 0.5, 0.3], [0.1, 0.1, 0.8]]), 0.5);   // [2]
 * lp.dispose();
 */
export function concreteLogDensity(alpha: tf.Tensor, x: tf.Tensor, temperature: number): tf.Tensor {
  // Under a gradient tape the reference runs, and autodiff differentiates it op by op.
  if (tf.engine().isTapeOn() || !hasFusedKernel(DENSITY) || !fitsKernel(alpha, x)) return concreteLogDensityReference(alpha, x, temperature);
  return runFusedKernel<tf.Tensor>(DENSITY, { alpha, x }, { temperature });
}

/** The kernel takes float32 x whose shape ends with alpha's, K ≥ 1, and no empty axis. */
function fitsKernel(alpha: tf.Tensor, x: tf.Tensor): boolean {
  const offset = x.rank - alpha.rank;
  return alpha.dtype === 'float32' && x.dtype === 'float32' && alpha.rank >= 1 && offset >= 0 && x.size > 0 &&
    alpha.shape.every((d, i) => d === x.shape[offset + i]);
}

/** The density's scalars at temperature τ for K categories, rounded to float32 as the reference uploads them. */
export interface DensityConstants {
  K: number;
  /** τ + 1, τ and log (K−1)! + (K−1) log τ, each as a float32 scalar. */
  tauPlusOne: number;
  tau: number;
  constant: number;
}

/** The scalars of `DensityConstants` for K categories at temperature τ. */
export function densityConstants(K: number, tau: number): DensityConstants {
  return { K, tauPlusOne: Math.fround(tau + 1), tau: Math.fround(tau), constant: Math.fround(densityConstant(K, tau)) };
}

/** What the two backends' kernels share: the constants and the shapes. */
function setUp(inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap | undefined) {
  const { alpha, x } = inputs as { alpha: tf.TensorInfo; x: tf.TensorInfo };
  const K = x.shape[x.shape.length - 1];
  return { alpha, x, rows: sizeOf(x.shape) / K, outShape: x.shape.slice(0, -1), c: densityConstants(K, attrs!.temperature as number) };
}

/**
 * One row of the cpu kernel: log p(x) for α at a[base … base+K) and the float32 logs
 * of the point's coordinates in logX[0 … K), with the cpu kernels' arithmetic (float32
 * after every op, float64 sums). `scaled` is scratch of length K.
 */
export function cpuRowLogDensity(a: Float32Array, base: number, logX: Float64Array, c: DensityConstants, scaled: Float64Array): number {
  const f = Math.fround, K = c.K;
  let numerator = 0, max = 0;
  for (let k = 0; k < K; k++) {
    numerator += f(a[base + k] - f(c.tauPlusOne * logX[k]));
    const s = (scaled[k] = f(a[base + k] - f(c.tau * logX[k])));
    // (A NaN need not win the maximum, as in tfjs-backend-cpu's Max: it makes the row's sum NaN either way.)
    if (k === 0 || s > max) max = s;
  }
  let sum = 0;
  for (let k = 0; k < K; k++) sum += f(Math.exp(f(scaled[k] - max)));
  return finish(f(numerator), max, f(Math.log(f(sum))), K, c.constant);
}

/** cpu: the cpu kernels' arithmetic (Math.log, Math.exp, float64 sums), one row at a time. */
function densityCpu({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const store = cpuStore(backend);
  const { alpha, x, rows, outShape, c } = setUp(inputs, attrs);
  const out = store.allocate(outShape);
  const a = store.view(alpha), v = store.view(x), o = store.view(out), A = a.length, K = c.K;
  const logX = new Float64Array(K), scaled = new Float64Array(K);
  for (let r = 0, i = 0; r < rows; r++, i += K) {
    for (let k = 0; k < K; k++) logX[k] = Math.fround(Math.log(v[i + k]));
    o[r] = cpuRowLogDensity(a, i % A, logX, c, scaled);
  }
  return out;
}

/** The last steps: max + log Σ exp, times K, subtracted from the numerator, plus the constant. */
function finish(numerator: number, max: number, logSum: number, K: number, constant: number): number {
  const f = Math.fround;
  return f(f(numerator - f(K * f(max + logSum))) + constant);
}

/** wasm: the arithmetic in JavaScript over the heap, the logarithms and the exponential by the backend's own kernels. */
function densityWasm({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const store = wasmStore(backend);
  const { alpha, x, rows, outShape, c: { K, tauPlusOne, tau, constant } } = setUp(inputs, attrs);
  const log = backendKernel('Log', 'wasm'), exp = backendKernel('Exp', 'wasm');
  const f = Math.fround, numerators = new Float32Array(rows), maxes = new Float32Array(rows);
  // Pass 1: log x (the backend's), then the numerator and the shifted scores α − τ log x − max of every row.
  const logX = log({ inputs: { x }, backend }) as tf.TensorInfo;
  const shifted = store.allocate(x.shape), sums = store.allocate(outShape);
  {
    const a = store.view(alpha), l = store.view(logX), s = store.view(shifted), A = a.length;
    for (let r = 0, i = 0; r < rows; r++, i += K) {
      const base = i % A;
      let numerator = 0, max = 0;
      for (let k = 0; k < K; k++) {
        numerator = f(numerator + f(a[base + k] - f(tauPlusOne * l[i + k])));
        const score = (s[i + k] = f(a[base + k] - f(tau * l[i + k])));
        if (k === 0 || score > max) max = score;
      }
      for (let k = 0; k < K; k++) s[i + k] = s[i + k] - max;
      numerators[r] = numerator;
      maxes[r] = max;
    }
  }
  // Pass 2: exp (the backend's), summed in order in float32 as its Sum kernel does.
  const exps = exp({ inputs: { x: shifted }, backend }) as tf.TensorInfo;
  {
    const e = store.view(exps), s = store.view(sums);
    for (let r = 0, i = 0; r < rows; r++, i += K) {
      let sum = 0;
      for (let k = 0; k < K; k++) sum = f(sum + e[i + k]);
      s[r] = sum;
    }
  }
  // Pass 3: log of the sums (the backend's), and the last steps.
  const logSums = log({ inputs: { x: sums }, backend }) as tf.TensorInfo;
  const out = store.allocate(outShape);
  {
    const ls = store.view(logSums), o = store.view(out);
    for (let r = 0; r < rows; r++) o[r] = finish(numerators[r], maxes[r], ls[r], K, constant);
  }
  for (const info of [logX, shifted, exps, sums, logSums]) store.free(info);
  return out;
}


registerFusedKernel(DENSITY, { cpu: densityCpu, wasm: densityWasm });
