/**
 * The inner loop of the Concrete Monte Carlo entropy and KL as one fused, forward-only
 * op: from Gumbel noise G to the mean over samples of log q_τ(z), or of
 * log q_τ(z) − log p_λ(z) for a KL, with z = keepInside(softmax((logits + G) / τ)).
 * Each row is sampled and its density taken in one pass, with no tensor in between:
 * op by op the same work is 22 kernels (39 for a KL), 21 of them making a tensor of n
 * or n × K entries.
 *
 * The cpu backend only. There every kernel of the reference is plain JavaScript
 * arithmetic rounded to float32 (Math.exp, Math.log, float64 sums), so one loop can
 * repeat it bit for bit: `totalsInJavaScript`, the readable form, and the same loop in
 * WebAssembly four rows at a time (concrete-monte-carlo-wasm.ts), which runs where it
 * compiles. On wasm the sampler's softmax is XNNPACK's and cannot be repeated outside
 * it, and on tensorflow only the sampler is fused: there, and while a gradient tape
 * records, the composition of the separately fused sampler and density runs instead,
 * which gives the same numbers as the reference on each backend.
 */
import * as tf from '@tensorflow/tfjs';
import { concreteLogDensity, concreteLogDensityReference, cpuRowLogDensity, densityConstants } from './concrete-log-density';
import { fusedKernelName, hasFusedKernel, registerFusedKernel, runFusedKernel } from './registry';
import { cpuRelaxedRow, keepInsideValue, relaxedSoftmax, relaxedSoftmaxReference } from './relaxed-softmax';
import { ConcreteRows, concreteRowsKernel, fitsWasmLoop } from './concrete-monte-carlo-wasm';
import { cpuStore } from './typed-arrays';


const MEAN_LOG_RATIO = fusedKernelName('ConcreteMeanLogRatio');

type Sampler = (logits: tf.Tensor, noise: tf.Tensor, temperature: number) => tf.Tensor;
type Density = (alpha: tf.Tensor, x: tf.Tensor, temperature: number) => tf.Tensor;

/** The estimate's steps as separate ops: sample, density (minus the prior's), mean over samples. */
function composition(sample: Sampler, density: Density) {
  return (logits: tf.Tensor, noise: tf.Tensor, logPi: tf.Tensor, logPrior: tf.Tensor | null, temperature: number, priorTemperature: number): tf.Tensor =>
    tf.tidy(() => {
      const z = sample(logits, noise, temperature);
      const logQ = density(logPi, z, temperature);
      return tf.mean(logPrior === null ? logQ : tf.sub(logQ, density(logPrior, z, priorTemperature)), 0);
    });
}

/**
 * The op-by-op reference: (1/n) Σ_i [log q_τ(z_i) − log p_λ(z_i)] (the second term only
 * when `logPrior` is given) at z_i = keepInside(softmax((logits + G_i) / τ)), every
 * step a TensorFlow.js op. logPi and logPrior are normalised log-probabilities.
 *
 * Shapes: logits and logPi [...batch, K]; noise [n, ...batch, K]; logPrior broadcasting
 * against logPi → [...batch].
 *
 * @example
 * const logits = tf.tensor1d([1, 2, 0]), logPi = tf.logSoftmax(logits), noise = new Random(0).gumbel([100, 3]);
 * const m = concreteMeanLogRatioReference(logits, noise, logPi, null, 0.5, 0.5);   // [], the mean log-density
 * tf.dispose([logits, logPi, noise, m]);
 */
export const concreteMeanLogRatioReference = composition(relaxedSoftmaxReference, concreteLogDensityReference);

/** The same steps with the separately fused sampler and density where they run (cpu and wasm). */
const concreteMeanLogRatioComposed = composition(relaxedSoftmax, concreteLogDensity);

/**
 * The mean over samples of the Concrete log-density, or of the log-ratio to a relaxed
 * prior: the values of `concreteMeanLogRatioReference`, bit for bit, in one kernel on
 * the cpu backend when no gradient tape records. For the library's own noise: no checks
 * of the inputs (the caller checks the logits, τ and λ > 0, and the sizes).
 *
 * Shapes: logits and logPi [...batch, K]; noise [n, ...batch, K]; logPrior [K], or
 * [...batch, K] with leading axes of 1 dropped or kept, or any shape broadcasting
 * against logPi (those go to the composition) → [...batch].
 *
 * @example
 * const logits = tf.tensor1d([1, 2, 0]), logPi = tf.logSoftmax(logits), noise = new Random(0).gumbel([100, 3]);
 * const m = concreteMeanLogRatio(logits, noise, logPi, null, 0.5, 0.5);   // [], the mean log-density
 * tf.dispose([logits, logPi, noise, m]);
 */
export function concreteMeanLogRatio(
  logits: tf.Tensor, noise: tf.Tensor, logPi: tf.Tensor, logPrior: tf.Tensor | null, temperature: number, priorTemperature: number,
): tf.Tensor {
  if (tf.engine().isTapeOn() || !hasFusedKernel(MEAN_LOG_RATIO) || !fitsKernel(logits, noise, logPi, logPrior)) {
    return concreteMeanLogRatioComposed(logits, noise, logPi, logPrior, temperature, priorTemperature);
  }
  const inputs: tf.NamedTensorMap = logPrior === null ? { logits, noise, logPi } : { logits, noise, logPi, logPrior };
  return runFusedKernel<tf.Tensor>(MEAN_LOG_RATIO, inputs, { temperature, priorTemperature });
}

/**
 * The kernel takes float32 tensors, noise [n ≥ 1, ...logits.shape], logPi of the logits'
 * shape, and a prior whose values repeat every `size` entries of the logits: its shape,
 * leading axes of 1 aside, is a trailing part of the logits' shape.
 */
function fitsKernel(logits: tf.Tensor, noise: tf.Tensor, logPi: tf.Tensor, logPrior: tf.Tensor | null): boolean {
  const all = logPrior === null ? [logits, noise, logPi] : [logits, noise, logPi, logPrior];
  if (!all.every((t) => t.dtype === 'float32') || logits.rank < 1 || logits.size === 0) return false;
  if (noise.rank !== logits.rank + 1 || noise.shape[0] < 1 || !logits.shape.every((d, i) => d === noise.shape[i + 1])) return false;
  if (!sameShape(logPi.shape, logits.shape)) return false;
  if (logPrior === null) return true;
  const tail = logPrior.shape.slice(logPrior.shape.findIndex((d) => d !== 1));
  return logPrior.rank >= 1 && tail.length >= 1 && sameShape(tail, logits.shape.slice(logits.rank - tail.length));
}

function sameShape(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** cpu: the float64 totals of the loop (in WebAssembly where it loads, else in JavaScript), rounded to float32. */
function meanLogRatioCpu({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const store = cpuStore(backend);
  const { logits, noise, logPi, logPrior } = inputs as Record<'logits' | 'noise' | 'logPi', tf.TensorInfo> & { logPrior?: tf.TensorInfo };
  const K = logits.shape[logits.shape.length - 1];
  const rows: ConcreteRows = {
    logits: store.view(logits), logPi: store.view(logPi), noise: store.view(noise), prior: logPrior === undefined ? null : store.view(logPrior),
    q: densityConstants(K, attrs!.temperature as number), p: densityConstants(K, attrs!.priorTemperature as number),
  };
  const wasm = fitsWasmLoop(rows) ? concreteRowsKernel() : null;
  const totals = wasm?.totals(rows) ?? totalsInJavaScript(rows);
  const out = store.allocate(logits.shape.slice(0, -1));
  store.view(out).set(totals);
  return out;
}

/**
 * Per row, the sampler of `relaxedSoftmaxReference` (the cpu softmax: max, exp, float64
 * sum, divide; then the clamp), the logs of the point, the density of `cpuRowLogDensity`
 * (and the prior's), and the running float64 sum of value / n that tfjs-backend-cpu's
 * Mean makes (a division by n as a float32 scalar, then Sum over the sample axis in order).
 */
export function totalsInJavaScript({ logits: l, logPi: a, noise: g, prior: b, q, p }: ConcreteRows): Float64Array {
  const K = q.K, L = l.length, B = L / K, P = b === null ? 1 : b.length, n = Math.fround(g.length / L);
  const f = Math.fround, tau = q.tau;
  const y = new Float64Array(K), logX = new Float64Array(K), scaled = new Float64Array(K), totals = new Float64Array(B);
  for (let row = 0, r = 0; row < g.length; row += K, r++) {
    const base = row % L;
    // The relaxed sample of this row, then the logs of its clamped coordinates.
    cpuRelaxedRow(l, base, g, row, K, tau, y, 0);
    for (let k = 0; k < K; k++) logX[k] = f(Math.log(keepInsideValue(y[k])));
    let value = cpuRowLogDensity(a, base, logX, q, scaled);
    if (b !== null) value = f(value - cpuRowLogDensity(b, row % P, logX, p, scaled));
    totals[r % B] += f(value / n);
  }
  return totals;
}

registerFusedKernel(MEAN_LOG_RATIO, { cpu: meanLogRatioCpu });
