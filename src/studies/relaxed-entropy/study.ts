/**
 * Seed 001's study: four estimates of the entropy term H(q) of a categorical q, and of
 * its gradient with respect to the logits, compared against the exact values. The
 * estimators themselves live in `estimators/entropy.ts`; this file only runs them
 * repeatedly, at one temperature or many, and reads the numbers back.
 *
 * References:
 * [1] Maddison, Mnih and Teh (2017), "The Concrete Distribution: A Continuous Relaxation
 *     of Discrete Random Variables", ICLR (eqs. 21 and 22).
 */
import * as tf from '@tensorflow/tfjs';
import { OneHotCategorical, RelaxedOneHotCategorical } from '../../distributions';
import { TINY } from '../../distributions/noise';
import {
  concreteMonteCarloEntropy, discreteMonteCarloEntropy, maddison21Entropy, maddison22Entropy,
} from '../../estimators/entropy';
import { straightThrough } from '../../estimators/straight-through';
import { Random, Seed, toRandom } from '../../random';
import { checkPositive, checkPositiveInteger, fail } from '../../validate';

/** The estimators compared, by short name. */
export const ENTROPY_ESTIMATORS = ['discrete-mc', 'maddison-21', 'concrete-mc', 'maddison-22'] as const;
export type EntropyEstimator = (typeof ENTROPY_ESTIMATORS)[number];

/** Labels for legends. */
export const ENTROPY_ESTIMATOR_LABELS: Record<EntropyEstimator, string> = {
  'discrete-mc': 'discrete MC (ST)',
  'maddison-21': 'Maddison eq. 21',
  'concrete-mc': 'Concrete MC',
  'maddison-22': 'Maddison eq. 22',
};

function checkLogits1d(fn: string, logits: tf.Tensor): void {
  if (!(logits instanceof tf.Tensor) || logits.rank !== 1 || logits.shape[0] < 2) {
    fail(fn, 'logits', 'a tensor of shape [K] with K ≥ 2', logits);
  }
}

function checkEstimator(fn: string, estimator: string): void {
  if (!(ENTROPY_ESTIMATORS as readonly string[]).includes(estimator)) {
    fail(fn, 'estimator', `one of ${ENTROPY_ESTIMATORS.join(', ')}`, estimator);
  }
}

/**
 * One estimate of H(q) for logits [K], as a scalar tensor differentiable in the logits.
 * 'maddison-22' ignores the temperature, the sample count and the seed (it is exact).
 *
 * @example
 * entropyEstimate('maddison-21', logits, { temperature: 1, numSamples: 10_000, seed: 0 }).print();  // ≈ 1.31
 */
export function entropyEstimate(
  estimator: EntropyEstimator, logits: tf.Tensor, options: { temperature: number; numSamples: number; seed: Seed },
): tf.Tensor {
  checkEstimator('entropyEstimate', estimator);
  const { temperature, numSamples, seed } = options;
  switch (estimator) {
    case 'discrete-mc': return discreteMonteCarloEntropy(logits, numSamples, seed, temperature);
    case 'maddison-21': return maddison21Entropy(logits, numSamples, seed, temperature);
    case 'concrete-mc': return concreteMonteCarloEntropy(logits, numSamples, seed, temperature);
    default: return maddison22Entropy(logits);
  }
}

/**
 * The exact entropy H and its gradient with respect to the logits, by autodiff of
 * eq. 22; analytically ∂H/∂l_j = −π_j (log π_j + H).
 */
export function exactEntropy(logits: tf.Tensor): { entropy: number; gradient: number[] } {
  checkLogits1d('exactEntropy', logits);
  return tf.tidy(() => {
    const { value, grad } = tf.valueAndGrad((l: tf.Tensor) => maddison22Entropy(l) as tf.Scalar)(logits);
    return { entropy: value.dataSync()[0], gradient: Array.from(grad.dataSync()) };
  });
}

/**
 * The standard deviation of the surprisal −log q(y) for y ~ q, exactly:
 * √(Σ_k π_k (log π_k)² − H²). A Monte Carlo mean of n surprisals has standard error σ/√n.
 */
export function surprisalStd(logits: tf.Tensor): number {
  checkLogits1d('surprisalStd', logits);
  return tf.tidy(() => {
    const logPi = tf.logSoftmax(logits);
    const pi = tf.exp(logPi);
    const h = tf.neg(tf.sum(tf.mul(pi, logPi)));
    const second = tf.sum(tf.mul(pi, tf.square(logPi)));
    return Math.sqrt(Math.max(0, tf.sub(second, tf.square(h)).dataSync()[0]));
  });
}

/** Per-category means of relaxed samples, and of their discretisation. */
export interface RelaxedProportions {
  temperature: number;
  /** E[z_k] estimated by (1/n) Σ_i z_ik, z ~ Concrete(logits, τ). */
  relaxed: number[];
  /** Frequencies of argmax z_i = k, i.e. the mean of ST(z_i). */
  discretised: number[];
  /** The argmax of each sample, [n], to compare draws across temperatures. */
  argmax: Int32Array;
  /** How many coordinates were below float32's normal range and kept at 2^−126. */
  underflowed: number;
}

/**
 * Draws n relaxed samples at temperature τ and summarises them.
 *
 * @example
 * relaxedProportions(logits, 10, 10_000, 0).relaxed;  // flatter than softmax(logits)
 */
export function relaxedProportions(logits: tf.Tensor, temperature: number, numSamples: number, seed: Seed): RelaxedProportions {
  const fn = 'relaxedProportions';
  checkLogits1d(fn, logits);
  checkPositive(fn, 'temperature', temperature);
  checkPositiveInteger(fn, 'numSamples', numSamples);
  const q = new RelaxedOneHotCategorical({ logits, temperature });
  const result = tf.tidy(() => {
    const z = q.sample(numSamples, toRandom(seed, fn));
    return {
      temperature,
      relaxed: Array.from(tf.mean(z, 0).dataSync()),
      discretised: Array.from(tf.mean(straightThrough(z), 0).dataSync()),
      argmax: tf.argMax(z, -1).dataSync() as Int32Array,
      underflowed: tf.sum(tf.lessEqual(z, TINY)).dataSync()[0],
    };
  });
  q.dispose();
  return result;
}

/** Frequencies of exact categorical draws (OneHotCategorical), for comparison. */
export function categoricalFrequencies(logits: tf.Tensor, numSamples: number, seed: Seed): number[] {
  checkLogits1d('categoricalFrequencies', logits);
  const q = new OneHotCategorical({ logits });
  const result = tf.tidy(() => Array.from(tf.mean(q.sample(numSamples, toRandom(seed, 'categoricalFrequencies')), 0).dataSync()));
  q.dispose();
  return result;
}

/** M independent estimates of H(q) and of ∂H/∂logits, each from its own n draws. */
export interface RepeatedEntropyEstimates {
  estimator: EntropyEstimator;
  temperature: number;
  /** The M values, each an estimate of H(q) (or of what the estimator targets). */
  values: number[];
  /** The M gradients with respect to the logits, each [K]. */
  gradients: number[][];
  mean: number;
  /** Standard deviation of one estimate, over the M repeats. */
  sd: number;
}

/**
 * Repeats an estimator M times with independent noise (split from `seed`) and returns
 * every value and gradient, for bias and variance against `exactEntropy`.
 *
 * @example
 * const r = repeatedEntropyEstimates('maddison-21', logits, { temperature: 1, numSamples: 1000, repeats: 100, seed: 0 });
 * gradientStatistics(r.gradients, exactEntropy(logits).gradient).cosine;
 */
export function repeatedEntropyEstimates(
  estimator: EntropyEstimator, logits: tf.Tensor,
  options: { temperature: number; numSamples: number; repeats: number; seed: Seed },
): RepeatedEntropyEstimates {
  const fn = 'repeatedEntropyEstimates';
  checkEstimator(fn, estimator);
  checkLogits1d(fn, logits);
  const temperature = checkPositive(fn, 'temperature', options.temperature);
  const numSamples = checkPositiveInteger(fn, 'numSamples', options.numSamples);
  const repeats = checkPositiveInteger(fn, 'repeats', options.repeats);
  const rng: Random = toRandom(options.seed, fn);
  const values: number[] = [];
  const gradients: number[][] = [];
  for (let r = 0; r < repeats; r++) {
    const stream = rng.split();
    tf.tidy(() => {
      const f = (l: tf.Tensor) => entropyEstimate(estimator, l, { temperature, numSamples, seed: stream }) as tf.Scalar;
      const { value, grad } = tf.valueAndGrad(f)(logits);
      values.push(value.dataSync()[0]);
      gradients.push(Array.from(grad.dataSync()));
    });
  }
  const mean = values.reduce((a, v) => a + v, 0) / repeats;
  const sd = repeats > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (repeats - 1)) : 0;
  return { estimator, temperature, values, gradients, mean, sd };
}
