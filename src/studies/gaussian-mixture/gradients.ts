/**
 * The three ways seed 002 estimates ∇E[z²] for the Gaussian mixture, plus the exact
 * gradient. Each returns the objective value it was taken at and one array per
 * parameter, so a notebook can compare them entry by entry.
 *
 * - exact: the finite sum Σ_s P_s (μ_s² + σ_s²), differentiated;
 * - elementary: the sum over s kept exact, z reparameterised (z = μ + σ ε);
 * - Gumbel-Softmax: s relaxed to a point of the simplex at temperature τ, z reparameterised;
 * - log trick (REINFORCE): s sampled, ∇ log P_s weighted by the loss, z reparameterised.
 *
 * As in the seed, one row of noise ε [1, numNoise] is shared by every bucket draw of
 * one estimate (the seed's `np.random.normal(0, 1, (1, L2))`). The estimates only need
 * its mean and variance (see `meanSquareOverNoise`), so the noise stays on the host.
 */
import * as tf from '@tensorflow/tfjs';
import { centredLosses } from '../../estimators/baselines';
import { relaxedSample } from '../../estimators/gumbel-softmax';
import { discreteSample } from '../../distributions/exact-draws';
import { stopGradient } from '../../estimators/straight-through';
import { Random, Seed, toRandom } from '../../random';
import { checkPositive, checkPositiveInteger, fail } from '../../validate';
import { GaussianMixtureModel, gradientsOf, MixtureParameters, PARAMETER_NAMES } from './model';

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

/** The row of noise ε shared by one estimate, summarised by its sample mean and (1/L2) variance. */
interface NoiseMoments {
  mean: number;
  variance: number;
}

/** Draws the estimate's `numNoise` standard normals ε and returns their moments, in float64. */
function drawNoise(fn: string, rng: Random, numNoise: number): NoiseMoments {
  const eps = rng.normalArray(checkPositiveInteger(fn, 'numNoise', numNoise));
  let sum = 0;
  for (const e of eps) sum += e;
  const mean = sum / eps.length;
  let squares = 0;
  for (const e of eps) squares += (e - mean) ** 2;
  return { mean, variance: squares / eps.length };
}

/**
 * z² averaged over the noise draws, z = μ + σ ε, for each row of means and log scales: [m, 1] → [m, 1].
 *
 * Expanding the square over the draws gives, exactly,
 *
 *     (1/L2) Σ_j (μ + σ ε_j)² = (μ + σ ε̄)² + σ² s²,   ε̄ = mean of ε, s² = (1/L2) Σ_j (ε_j − ε̄)²,
 *
 * so the value and its gradient in μ and σ are those of the average over the [m, L2]
 * grid of z, without building the grid (two non-negative terms: no cancellation).
 */
function meanSquareOverNoise(mu: tf.Tensor2D, logSigma: tf.Tensor2D, noise: NoiseMoments): tf.Tensor2D {
  const sigma = tf.exp(logSigma);
  const centre = tf.add(mu, tf.mul(sigma, noise.mean));
  return tf.add(tf.square(centre), tf.mul(tf.square(sigma), noise.variance));
}

/** The exact gradient of E[z²], from the closed form E[z² | s] = μ_s² + σ_s². */
export function exactMixtureGradient(model: GaussianMixtureModel): MixtureGradient {
  return gradientsOf(model, () => model.exactObjective());
}

/** Exact sum over the buckets, Monte Carlo over ε only. Unbiased. */
export function elementaryMixtureGradient(model: GaussianMixtureModel, options: Omit<MixtureSampling, 'numBuckets'>): MixtureGradient {
  const fn = 'elementaryMixtureGradient';
  const noise = drawNoise(fn, toRandom(options.seed, fn), options.numNoise);
  return gradientsOf(model, () => {
    const { mu, logSigma } = model.meanAndLogScale(model.allBuckets());
    return tf.matMul(model.probs(), meanSquareOverNoise(mu, logSigma, noise)).reshape([]) as tf.Scalar; // Σ_s P_s · mean z² given s
  });
}

/**
 * Relaxed buckets s̃ = softmax((logP + G)/τ) fed to μ and log σ in place of one-hot
 * vectors; the gradient flows through s̃ to logP. Biased (it is the gradient of the
 * relaxed objective), the bias vanishing as τ → 0 while the variance grows.
 */
export function gumbelSoftmaxMixtureGradient(model: GaussianMixtureModel, options: MixtureSampling & { temperature: number }): MixtureGradient {
  const fn = 'gumbelSoftmaxMixtureGradient';
  const temperature = checkPositive(fn, 'temperature', options.temperature);
  const rng = toRandom(options.seed, fn);
  const numBuckets = checkPositiveInteger(fn, 'numBuckets', options.numBuckets);
  const noise = drawNoise(fn, rng.split(), options.numNoise);
  return gradientsOf(model, () => {
    const s = relaxedSample('categorical', model.params.logP, numBuckets, temperature, rng).reshape([numBuckets, model.buckets]) as tf.Tensor2D;
    const { mu, logSigma } = model.meanAndLogScale(s);
    return tf.mean(meanSquareOverNoise(mu, logSigma, noise)) as tf.Scalar;
  });
}

/**
 * The log trick for s, pathwise for z: the surrogate mean_i[f_i + (f_i − b_i)·log P_{s_i}],
 * with f_i − b_i held constant in the second term. With `baseline` b_i is the mean of
 * the other samples' f (leave-one-out, which keeps the estimate unbiased, since b_i does
 * not depend on s_i); without, b_i = 0.
 */
export function scoreFunctionMixtureGradient(model: GaussianMixtureModel, options: MixtureSampling & { baseline: boolean }): MixtureGradient {
  const fn = 'scoreFunctionMixtureGradient';
  const rng = toRandom(options.seed, fn);
  const numBuckets = checkPositiveInteger(fn, 'numBuckets', options.numBuckets);
  if (options.baseline && numBuckets < 2) fail(fn, 'numBuckets', 'a whole number ≥ 2 with a leave-one-out baseline', numBuckets);
  const noise = drawNoise(fn, rng.split(), options.numNoise);
  const s = tf.tidy(() => discreteSample('categorical', model.params.logP, numBuckets, rng).reshape([numBuckets, model.buckets]) as tf.Tensor2D);
  let value = NaN;
  try {
    const { grads } = gradientsOf(model, () => {
      const { mu, logSigma } = model.meanAndLogScale(s);
      const f = meanSquareOverNoise(mu, logSigma, noise);
      // The surrogate's value is not the objective, so the value reported is mean f.
      value = tf.mean(f).dataSync()[0];
      // f_i − b_i weights log P_{s_i} as a constant: no gradient flows back through it.
      const weights = stopGradient(centredLosses(f, options.baseline ? 'leave-one-out' : 'none'));
      const logProb = tf.sum(tf.mul(s, tf.logSoftmax(model.params.logP)), 1, true); // [m, 1], like f
      return tf.mean(tf.add(f, tf.mul(weights, logProb))) as tf.Scalar;
    });
    return { value, grads };
  } finally {
    s.dispose();
  }
}

/** The seed's `elem_mean`: E[μ(s)] = Σ_s P_s μ_s, exactly. */
export function elementaryMean(model: GaussianMixtureModel): number {
  return tf.tidy(() => tf.matMul(model.probs(), model.meanAndLogScale(model.allBuckets()).mu).dataSync()[0]);
}

/** The seed's `gumbel_mean`: the mean of μ(s̃) over `numBuckets` relaxed buckets at `temperature`. */
export function gumbelMean(model: GaussianMixtureModel, options: { numBuckets: number; temperature: number; seed: Seed }): number {
  const fn = 'gumbelMean';
  const temperature = checkPositive(fn, 'temperature', options.temperature);
  const numBuckets = checkPositiveInteger(fn, 'numBuckets', options.numBuckets);
  const rng = toRandom(options.seed, fn);
  return tf.tidy(() => {
    const s = relaxedSample('categorical', model.params.logP, numBuckets, temperature, rng).reshape([numBuckets, model.buckets]) as tf.Tensor2D;
    return tf.mean(model.meanAndLogScale(s).mu).dataSync()[0];
  });
}

/** All parameters' gradients as one flat vector, in PARAMETER_NAMES order (37 numbers for K = 5, dim = 10). */
export function flattenGradient(grads: MixtureParameters<Float32Array>): Float64Array {
  return Float64Array.from(PARAMETER_NAMES.flatMap((name) => Array.from(grads[name])));
}

/** For each entry of `flattenGradient`, the parameter it belongs to. */
export function flatParameterNames(model: GaussianMixtureModel): string[] {
  return PARAMETER_NAMES.flatMap((name) => new Array<string>(model.params[name].size).fill(name));
}
