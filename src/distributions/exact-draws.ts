/**
 * Exact draws of categorical and Bernoulli variables, made on the host by inverse-CDF
 * sampling: one 32-bit uniform per variable, compared with its cumulative probabilities.
 *
 * Why on the host: the parameters are a handful of numbers, so reading them back costs
 * less than uploading noise and running comparisons on the device; and the draws then
 * depend only on the seed and the parameter values, never on the backend's kernels.
 * Why inverse CDF and not the Gumbel-max trick: it takes one uniform per variable
 * instead of K Gumbel draws (each two logarithms): for K = 3, a quarter of the time.
 * Both give exactly the categorical distribution; notebook 04 demonstrates Gumbel-max,
 * which the relaxed (Concrete) samples build on.
 */
import * as tf from '@tensorflow/tfjs';
import { sigmoid, softmax } from '../host-math';
import { Random } from '../random';

/** 32 random bits → the uniform (bits + 1/2) / 2^32 in (0, 1), never 0 or 1 (the product is exact). */
function toUniform32(bits: number): number {
  return (bits + 0.5) * 2 ** -32;
}

/**
 * n one-hot draws of each row of K logits: Float32Array of shape [n, rows, K], sample
 * major (row r of draw i starts at (i·rows + r)·K). Category k is drawn when u lies in
 * [c_{k−1}, c_k), with c the cumulative softmax of the row computed in float64, so a
 * category of probability 0 (logit −∞) is never drawn.
 */
export function categoricalDraws(logits: ArrayLike<number>, K: number, n: number, rng: Random): Float32Array {
  const cumulative = cumulativeProbabilities(logits, K);
  const bits = rng.bitsArray((n * logits.length) / K);
  const oneHot = new Float32Array(n * logits.length);
  for (let i = 0, draw = 0; i < n; i++) {
    for (let start = 0; start < logits.length; start += K, draw++) {
      const u = toUniform32(bits[draw]);
      let k = 0;
      // The last cumulative value is exactly 1 > u, so the scan always stops.
      while (u >= cumulative[start + k]) k++;
      oneHot[draw * K + k] = 1;
    }
  }
  return oneHot;
}

/** Per row of K logits, the cumulative softmax in float64, ending in exactly 1. */
function cumulativeProbabilities(logits: ArrayLike<number>, K: number): Float64Array {
  const cumulative = new Float64Array(logits.length);
  for (let start = 0; start < logits.length; start += K) {
    const probs = softmax(Array.from({ length: K }, (_, k) => logits[start + k]));
    let total = 0;
    probs.forEach((p, k) => { cumulative[start + k] = total += p; });
    // Dividing by the total makes the last value exactly 1; equal values (zero probabilities) stay equal.
    for (let k = 0; k < K; k++) cumulative[start + k] /= total;
  }
  return cumulative;
}

/**
 * n draws of each of the given Bernoulli logits: Float32Array [n, logits.length] of 0
 * and 1, where a draw is 1 when u < σ(logit) (σ in float64; logit ±∞ gives always 1 or 0).
 */
export function bernoulliDraws(logits: ArrayLike<number>, n: number, rng: Random): Float32Array {
  const p = Float64Array.from(logits, sigmoid);
  const bits = rng.bitsArray(n * p.length), draws = new Float32Array(bits.length);
  for (let i = 0, draw = 0; i < n; i++) {
    for (let j = 0; j < p.length; j++, draw++) draws[draw] = toUniform32(bits[draw]) < p[j] ? 1 : 0;
  }
  return draws;
}

/**
 * n exact draws of q as a tensor, with no gradient: one-hot [n, ...batch, K] for a
 * categorical with logits [...batch, K], or {0, 1} [n, ...batch] for Bernoulli logits
 * [...batch]. One download of the logits, one upload of the draws. These are the
 * samples of `OneHotCategorical` / `Bernoulli`.sample(n, rng) for the same logits.
 */
export function discreteSample(family: 'categorical' | 'bernoulli', logits: tf.Tensor, n: number, rng: Random): tf.Tensor {
  const shape = [n, ...logits.shape];
  const values = logits.dataSync() as Float32Array;
  if (family === 'bernoulli') return tf.tensor(bernoulliDraws(values, n, rng), shape);
  return tf.tensor(categoricalDraws(values, logits.shape[logits.rank - 1], n, rng), shape);
}
