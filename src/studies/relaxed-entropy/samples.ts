/**
 * What relaxed samples look like, summarised: their mean against π, the frequencies of
 * their argmax, and the frequencies of exact categorical draws for comparison.
 */
import * as tf from '@tensorflow/tfjs';
import { OneHotCategorical, RelaxedOneHotCategorical } from '../../distributions';
import { TINY } from '../../distributions/noise';
import { EntropyProblem } from '../../estimators/entropy';
import { checkSampling, checkTemperature, RelaxedOptions, SamplingOptions } from '../../estimators/options';
import { straightThrough } from '../../estimators/straight-through';
import { toRandom } from '../../random';
import { checkBudget } from '../../validate';
import { withProblemLogits } from './category-vector';

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
 * Draws n relaxed samples of Concrete(logits, τ) and summarises them.
 *
 * Shapes: logits [K]; `relaxed` and `discretised` [K], `argmax` [n]. Limits: n · K ≤ 2^28.
 *
 * @example
 * relaxedProportions({ logits: [0, -1, -2, -2] }, { temperature: 10, numSamples: 10_000, seed: 0 }).relaxed;  // flatter than softmax(logits)
 */
export function relaxedProportions(problem: EntropyProblem, options: RelaxedOptions): RelaxedProportions {
  const fn = 'relaxedProportions';
  return withProblemLogits(fn, problem, (logits) => {
    const numSamples = checkSampling(fn, options);
    checkBudget(fn, 'numSamples × K', numSamples * logits.size);
    const temperature = checkTemperature(fn, options);
    const rng = toRandom(options.seed, fn);
    const q = new RelaxedOneHotCategorical({ logits, temperature, validateArgs: false }); // logits checked above
    try {
      return tf.tidy(() => {
        const z = q.sample(numSamples, rng);
        return {
          temperature,
          relaxed: Array.from(tf.mean(z, 0).dataSync()),
          discretised: Array.from(tf.mean(straightThrough(z), 0).dataSync()),
          argmax: tf.argMax(z, -1).dataSync() as Int32Array,
          underflowed: tf.sum(tf.lessEqual(z, TINY)).dataSync()[0],
        };
      });
    } finally {
      q.dispose();
    }
  });
}

/**
 * Frequencies of n exact categorical draws (`OneHotCategorical`), for comparison.
 *
 * Shapes: logits [K] → [K]. Limits: n · K ≤ 2^28.
 *
 * @example
 * categoricalFrequencies({ logits: [0, -1, -2, -2] }, { numSamples: 10_000, seed: 0 });  // ≈ softmax(logits)
 */
export function categoricalFrequencies(problem: EntropyProblem, options: SamplingOptions): number[] {
  const fn = 'categoricalFrequencies';
  return withProblemLogits(fn, problem, (logits) => {
    const numSamples = checkSampling(fn, options);
    checkBudget(fn, 'numSamples × K', numSamples * logits.size);
    const rng = toRandom(options.seed, fn);
    const q = new OneHotCategorical({ logits, validateArgs: false }); // logits checked above
    try {
      return tf.tidy(() => Array.from(tf.mean(q.sample(numSamples, rng), 0).dataSync()));
    } finally {
      q.dispose();
    }
  });
}
