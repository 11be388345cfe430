/**
 * Four ways to get ∇E[z²] for the Gaussian mixture (./model), each `(model, options)
 * → { loss, grads, lossEvaluations }` so that a notebook can compare them entry by entry:
 *
 * - exact: the finite sum Σ_s P_s (μ_s² + σ_s²), differentiated;
 * - elementary: the sum over s kept exact, z reparameterised (z = μ + σ ε);
 * - Gumbel-Softmax: s relaxed to a point of the simplex at temperature τ, z reparameterised;
 * - score function (REINFORCE, the log trick): s sampled, ∇ log P_s weighted by the
 *   loss, z reparameterised.
 *
 * One row of noise ε [1, numNoise] is shared by every bucket draw of one estimate
 * (see ./noise). All four are reachable by name through `estimateMixtureGradient`.
 */
import * as tf from '@tensorflow/tfjs';
import { discreteSample } from '../../distributions/exact-draws';
import { Baseline, centredLosses, MovingAverageBaseline, resolveBaseline } from '../../estimators/baselines';
import { ExactOptions } from '../../estimators/exact';
import { relaxedSample } from '../../estimators/gumbel-softmax';
import { checkSampling, checkTemperature, RelaxedOptions, SamplingOptions } from '../../estimators/options';
import { stopGradient } from '../../estimators/straight-through';
import { Seed, toRandom } from '../../random';
import { fail } from '../../validate';
import { checkModel, GaussianMixtureModel, gradientsOf, MixtureGradient } from './model';
import { drawNoise, meanSquareOverNoise } from './noise';

/** Options of `elementaryMixtureGradient`: only the noise is sampled. */
export interface ElementaryMixtureOptions {
  /** L2, the number of draws of ε, a whole number ≥ 1. */
  numNoise: number;
  seed: Seed;
}

/** Options of the methods that sample buckets: `numSamples` draws of s (L1), sharing one row of `numNoise` draws of ε (L2). */
export interface MixtureSamplingOptions extends SamplingOptions {
  numNoise: number;
}

/** Options of `gumbelSoftmaxMixtureGradient`: the temperature is required. */
export interface MixtureRelaxedOptions extends RelaxedOptions {
  numNoise: number;
}

/** Options of `scoreFunctionMixtureGradient`. */
export interface MixtureScoreFunctionOptions extends MixtureSamplingOptions {
  /** Default 'none', as for `reinforce`. */
  baseline?: Baseline;
}

/** The work of one method, given the name of the function the user called. */
export type MixtureGradientBody<O> = (fn: string, model: GaussianMixtureModel, options: O) => MixtureGradient;

export const exactMixtureBody: MixtureGradientBody<ExactOptions | undefined> = (fn, model) =>
  gradientsOf(fn, model, () => model.exactObjective(), model.buckets);

export const elementaryMixtureBody: MixtureGradientBody<ElementaryMixtureOptions> = (fn, model, options) => {
  if (options === null || typeof options !== 'object') fail(fn, 'options', 'an object {numNoise, seed}', options);
  const noise = drawNoise(fn, toRandom(options.seed, fn), options.numNoise);
  return gradientsOf(fn, model, () => {
    const { mu, logSigma } = model.meanAndLogScale(model.allBuckets());
    return tf.matMul(model.probs(), meanSquareOverNoise(mu, logSigma, noise)).reshape([]) as tf.Scalar; // Σ_s P_s · mean z² given s
  }, model.buckets * options.numNoise);
};

export const gumbelSoftmaxMixtureBody: MixtureGradientBody<MixtureRelaxedOptions> = (fn, model, options) => {
  const n = checkSampling(fn, options);
  const temperature = checkTemperature(fn, options);
  const rng = toRandom(options.seed, fn);
  const noise = drawNoise(fn, rng.split(), options.numNoise);
  return gradientsOf(fn, model, () => {
    const s = relaxedSample('categorical', model.params.logP, n, temperature, rng).reshape([n, model.buckets]) as tf.Tensor2D;
    const { mu, logSigma } = model.meanAndLogScale(s);
    return tf.mean(meanSquareOverNoise(mu, logSigma, noise)) as tf.Scalar;
  }, n * options.numNoise);
};

export const scoreFunctionMixtureBody: MixtureGradientBody<MixtureScoreFunctionOptions> = (fn, model, options) => {
  const n = checkSampling(fn, options);
  const baseline = resolveBaseline(fn, options.baseline, n);
  const rng = toRandom(options.seed, fn);
  const noise = drawNoise(fn, rng.split(), options.numNoise);
  const s = tf.tidy(() => discreteSample('categorical', model.params.logP, n, rng).reshape([n, model.buckets]) as tf.Tensor2D);
  let meanLoss = NaN;
  try {
    const { grads, lossEvaluations } = gradientsOf(fn, model, () => {
      const { mu, logSigma } = model.meanAndLogScale(s);
      const f = meanSquareOverNoise(mu, logSigma, noise);
      // The surrogate's value is not the objective, so the loss reported is mean f.
      meanLoss = tf.mean(f).dataSync()[0];
      // f_i − b_i weights log P_{s_i} as a constant: no gradient flows back through it.
      const weights = stopGradient(centredLosses(f, baseline));
      const logProb = tf.sum(tf.mul(s, tf.logSoftmax(model.params.logP)), 1, true); // [m, 1], like f
      return tf.mean(tf.add(f, tf.mul(weights, logProb))) as tf.Scalar;
    }, n * options.numNoise);
    if (baseline instanceof MovingAverageBaseline) baseline.update(meanLoss);
    return { loss: meanLoss, grads, lossEvaluations };
  } finally {
    s.dispose();
  }
};

/**
 * The exact gradient of E[z²], from the closed form E[z² | s] = μ_s² + σ_s².
 *
 * `loss` is the exact E[z²]; `lossEvaluations` is K (the closed form once per bucket).
 *
 * @example
 * const model = new GaussianMixtureModel({ seed: 36 });
 * const { loss, grads } = exactMixtureGradient(model);
 * console.log(loss, grads.logP);   // 7.68…, five numbers
 * model.dispose();
 */
export function exactMixtureGradient(model: GaussianMixtureModel): MixtureGradient {
  const fn = 'exactMixtureGradient';
  return exactMixtureBody(fn, checkModel(fn, model), undefined);
}

/**
 * Exact sum over the buckets, Monte Carlo over ε only. Unbiased.
 *
 * `loss` is Σ_s P_s · (1/L2) Σ_j (μ_s + σ_s ε_j)²; `lossEvaluations` is K·L2.
 *
 * @example
 * const model = new GaussianMixtureModel({ seed: 36 });
 * const { loss, grads, lossEvaluations } = elementaryMixtureGradient(model, { numNoise: 1000, seed: 1 });   // lossEvaluations 5000
 * model.dispose();
 */
export function elementaryMixtureGradient(model: GaussianMixtureModel, options: ElementaryMixtureOptions): MixtureGradient {
  const fn = 'elementaryMixtureGradient';
  return elementaryMixtureBody(fn, checkModel(fn, model), options);
}

/**
 * Relaxed buckets s̃ = softmax((logP + G)/τ) fed to μ and log σ in place of one-hot
 * vectors; the gradient flows through s̃ to logP. Biased (it is the gradient of the
 * relaxed objective), the bias vanishing as τ → 0 while the variance grows; τ → ∞
 * feeds every draw the centre (1/K, …, 1/K).
 *
 * `loss` is the mean of z² over the L1 relaxed draws and L2 noise draws; `lossEvaluations` is L1·L2.
 *
 * @example
 * const model = new GaussianMixtureModel({ seed: 36 });
 * const { grads } = gumbelSoftmaxMixtureGradient(model, { numSamples: 100, numNoise: 1000, seed: 2, temperature: 0.1 });
 * model.dispose();
 */
export function gumbelSoftmaxMixtureGradient(model: GaussianMixtureModel, options: MixtureRelaxedOptions): MixtureGradient {
  const fn = 'gumbelSoftmaxMixtureGradient';
  return gumbelSoftmaxMixtureBody(fn, checkModel(fn, model), options);
}

/**
 * The log trick for s, pathwise for z: the surrogate mean_i[f_i + (f_i − b_i)·log P_{s_i}],
 * with f_i − b_i held constant in the second term. Unbiased for every baseline, since
 * b_i never depends on s_i:
 * - 'none' (the default): b_i = 0;
 * - 'leave-one-out': b_i = the mean of the other draws' f (needs numSamples ≥ 2);
 * - a `MovingAverageBaseline`: b = the running mean of earlier calls' loss, updated after this call.
 *
 * `loss` is the mean of f over the L1 bucket draws (not the surrogate's value);
 * `lossEvaluations` is L1·L2.
 *
 * @example
 * const model = new GaussianMixtureModel({ seed: 36 });
 * const { grads } = scoreFunctionMixtureGradient(model, { numSamples: 100, numNoise: 1000, seed: 2, baseline: 'leave-one-out' });
 * model.dispose();
 */
export function scoreFunctionMixtureGradient(model: GaussianMixtureModel, options: MixtureScoreFunctionOptions): MixtureGradient {
  const fn = 'scoreFunctionMixtureGradient';
  return scoreFunctionMixtureBody(fn, checkModel(fn, model), options);
}
