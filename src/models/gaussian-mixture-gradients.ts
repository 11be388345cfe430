/**
 * The three ways seed 002 estimates ∇E[z²] for the Gaussian mixture, plus the exact
 * gradient. Each returns the objective value it was taken at and one array per
 * parameter, so a notebook can compare them entry by entry.
 *
 * - exact: the finite sum Σ_s P_s (μ_s² + σ_s²), differentiated;
 * - elementary: the sum over s kept exact, z reparameterised (z = μ + σ ε);
 * - Gumbel-Softmax: s relaxed to a point of the simplex at temperature τ, z reparameterised;
 * - log trick (REINFORCE): s sampled, ∇ log P_s weighted by the loss, z reparameterised.
 */
import * as tf from '@tensorflow/tfjs';
import { OneHotCategorical, RelaxedOneHotCategorical } from '../distributions';
import { Seed, toRandom } from '../random';
import { checkPositive, checkPositiveInteger } from '../validate';
import { GaussianMixtureModel, gradientsOf, MixtureParameters } from './gaussian-mixture';

/** What every method returns. */
export interface MixtureGradient {
  value: number;
  grads: MixtureParameters<Float32Array>;
}

/** Sample sizes: `numBuckets` draws of s, each with `numNoise` draws of ε (the seed's L1 and L2). */
export interface MixtureSampling {
  numBuckets: number;
  numNoise: number;
  seed: Seed;
}

/** z² averaged over the noise draws, for each row of means and log scales: [m, 1] → [m]. */
function meanSquareOverNoise(mu: tf.Tensor2D, logSigma: tf.Tensor2D, noise: tf.Tensor2D): tf.Tensor1D {
  const z = tf.add(mu, tf.mul(tf.exp(logSigma), noise)); // [m, L2]
  return tf.mean(tf.square(z), 1) as tf.Tensor1D;
}

/** The exact gradient of E[z²]. */
export function exactMixtureGradient(model: GaussianMixtureModel): MixtureGradient {
  return gradientsOf(model, () => model.exactObjective());
}

/** Exact sum over the buckets, Monte Carlo over ε only. Unbiased. */
export function elementaryMixtureGradient(model: GaussianMixtureModel, options: Omit<MixtureSampling, 'numBuckets'>): MixtureGradient {
  const rng = toRandom(options.seed, 'elementaryMixtureGradient');
  const noise = rng.normal([1, checkPositiveInteger('elementaryMixtureGradient', 'numNoise', options.numNoise)]) as tf.Tensor2D;
  try {
    return gradientsOf(model, () => {
      const { mu, logSigma } = model.meanAndLogScale(model.allBuckets());
      return tf.matMul(model.probs(), meanSquareOverNoise(mu, logSigma, noise).reshape([-1, 1])).reshape([]) as tf.Scalar;
    });
  } finally {
    noise.dispose();
  }
}

/** Relaxed buckets at `temperature`; biased, the bias vanishing as τ → 0. */
export function gumbelSoftmaxMixtureGradient(model: GaussianMixtureModel, options: MixtureSampling & { temperature: number }): MixtureGradient {
  const fn = 'gumbelSoftmaxMixtureGradient';
  checkPositive(fn, 'temperature', options.temperature);
  const rng = toRandom(options.seed, fn);
  const numBuckets = checkPositiveInteger(fn, 'numBuckets', options.numBuckets);
  const noiseRng = rng.split();
  const noise = noiseRng.normal([1, checkPositiveInteger(fn, 'numNoise', options.numNoise)]) as tf.Tensor2D;
  try {
    return gradientsOf(model, () => {
      const relaxed = new RelaxedOneHotCategorical({ logits: model.params.logP, temperature: options.temperature });
      const s = relaxed.sample(numBuckets, rng).reshape([numBuckets, model.buckets]) as tf.Tensor2D;
      const { mu, logSigma } = model.meanAndLogScale(s);
      return tf.mean(meanSquareOverNoise(mu, logSigma, noise)) as tf.Scalar;
    });
  } finally {
    noise.dispose();
  }
}

/**
 * The log trick for s, pathwise for z: the surrogate mean_i[f_i + (f_i − b_i)·log P_{s_i}],
 * with f_i held constant in the second term. With `baseline` b_i is the mean of the
 * other samples' f (leave-one-out, which keeps the estimate unbiased); without, b_i = 0.
 */
export function scoreFunctionMixtureGradient(model: GaussianMixtureModel, options: MixtureSampling & { baseline: boolean }): MixtureGradient {
  const fn = 'scoreFunctionMixtureGradient';
  const rng = toRandom(options.seed, fn);
  const numBuckets = checkPositiveInteger(fn, 'numBuckets', options.numBuckets);
  if (options.baseline && numBuckets < 2) throw new Error(`${fn}: numBuckets must be ≥ 2 with a leave-one-out baseline, but got ${numBuckets}`);
  const noise = rng.split().normal([1, checkPositiveInteger(fn, 'numNoise', options.numNoise)]) as tf.Tensor2D;
  const categorical = new OneHotCategorical({ logits: model.params.logP });
  const s = tf.tidy(() => categorical.sample(numBuckets, rng).reshape([numBuckets, model.buckets]) as tf.Tensor2D);
  // The per-sample losses as constants: computed outside the differentiated function.
  const [weights, value] = tf.tidy(() => {
    const { mu, logSigma } = model.meanAndLogScale(s);
    const f = meanSquareOverNoise(mu, logSigma, noise);
    const others = tf.div(tf.sub(tf.sum(f), f), numBuckets - 1);
    return [options.baseline ? tf.sub(f, others) : f, tf.mean(f)];
  });
  try {
    // The surrogate's value is not the objective, so the value reported is mean f.
    const { grads } = gradientsOf(model, () => {
      const { mu, logSigma } = model.meanAndLogScale(s);
      const f = meanSquareOverNoise(mu, logSigma, noise);
      const logProb = tf.sum(tf.mul(s, tf.logSoftmax(model.params.logP)), 1);
      return tf.mean(tf.add(f, tf.mul(weights, logProb))) as tf.Scalar;
    });
    return { value: value.dataSync()[0], grads };
  } finally {
    tf.dispose([noise, s, weights, value]);
    categorical.dispose();
  }
}
