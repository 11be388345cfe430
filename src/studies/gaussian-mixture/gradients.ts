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
import { categoricalDraws } from '../../distributions/exact-draws';
import { Baseline, centredLosses, MovingAverageBaseline, resolveBaseline } from '../../estimators/baselines';
import { ExactOptions } from '../../estimators/exact';
import { relaxedSample } from '../../estimators/gumbel-softmax';
import { checkSampling, checkTemperature, RelaxedOptions, SamplingOptions } from '../../estimators/options';
import { Seed, toRandom } from '../../random';
import { fail } from '../../validate';
import { bucketExpectation, logProbGradient, meanSquareBackward, meanSquarePass, passTensors } from './chain-rule';
import { checkModel, GaussianMixtureModel, gradientsOf, inputsFrom, MixtureGradient, modelConstants, ParameterName, readGradients } from './model';
import { drawNoise } from './noise';

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
  const moments = drawNoise(fn, toRandom(options.seed, fn), options.numNoise);
  const { value, grads } = tf.tidy(() => {
    const pass = meanSquarePass(model, modelConstants(model).allBucketInputs, moments);
    // value = P·f: its gradient is fᵀ for P and Pᵀ for f (one weight per bucket).
    const { value, logP, probs } = bucketExpectation(model.params.logP, pass.f);
    const { A, B, C, D } = meanSquareBackward(model, pass, probs, 1, false);
    return { value, grads: { logP, A, B, C, D } };
  });
  return readAndDispose(fn, value, grads, model.buckets * options.numNoise);
};

export const gumbelSoftmaxMixtureBody: MixtureGradientBody<MixtureRelaxedOptions> = (fn, model, options) => {
  const n = checkSampling(fn, options);
  const temperature = checkTemperature(fn, options);
  const rng = toRandom(options.seed, fn);
  const moments = drawNoise(fn, rng.split(), options.numNoise);
  // The forward pass's tensors, kept past customGrad's tidy for the backward pass and freed here.
  const kept: tf.Tensor[] = [];
  // Autodiff for the relaxed sampler (its own gradient), the chain rule written out for the rest.
  const meanOverRelaxed = tf.customGrad((...args) => {
    // The rows [X, s] assembled on the host: a download and an upload cost less than tile and concat.
    const pass = meanSquarePass(model, inputsFrom(model, (args[0] as tf.Tensor).dataSync()), moments, true);
    kept.push(...passTensors(pass).map((t) => tf.keep(t)));
    const gradFunc = (dy: tf.Tensor) => {
      const g = meanSquareBackward(model, pass, dy, n, true); // the gradient of the mean: dy / n for each row
      return [g.buckets!, g.A, g.B, g.C, g.D];
    };
    return { value: pass.meanF!, gradFunc };
  });
  const { A, B, C, D, logP } = model.params;
  try {
    return gradientsOf(fn, model, () => {
      const s = relaxedSample('categorical', logP, n, temperature, rng).reshape([n, model.buckets]);
      return meanOverRelaxed(s, A, B, C, D) as tf.Scalar;
    }, n * options.numNoise);
  } finally {
    tf.dispose(kept);
  }
};

export const scoreFunctionMixtureBody: MixtureGradientBody<MixtureScoreFunctionOptions> = (fn, model, options) => {
  const n = checkSampling(fn, options);
  const baseline = resolveBaseline(fn, options.baseline, n);
  const rng = toRandom(options.seed, fn);
  const moments = drawNoise(fn, rng.split(), options.numNoise);
  // The draws of discreteSample, kept on the host too, where the rows [X, s] are assembled.
  const draws = categoricalDraws(model.params.logP.dataSync(), model.buckets, n, rng);
  const s = tf.tensor2d(draws, [n, model.buckets]);
  try {
    // The surrogate mean_i[f_i + (f_i − b_i)·log P_{s_i}], f_i − b_i held constant, differentiated by hand:
    // every f_i has the weight 1/n, and log P_{s_i} the weight (f_i − b_i)/n.
    const { value, grads } = tf.tidy(() => {
      const pass = meanSquarePass(model, inputsFrom(model, draws), moments, true);
      const { A, B, C, D } = meanSquareBackward(model, pass, modelConstants(model).one, n, false);
      const logP = logProbGradient(model.params.logP, s, centredLosses(pass.f, baseline), n);
      // The surrogate's value is not the objective, so the loss reported is mean f.
      return { value: pass.meanF!, grads: { logP, A, B, C, D } };
    });
    const result = readAndDispose(fn, value, grads, n * options.numNoise);
    if (baseline instanceof MovingAverageBaseline) baseline.update(result.loss);
    return result;
  } finally {
    s.dispose();
  }
};

/** Reads the loss and gradients back (refusing non-finite ones) and frees the tensors. */
function readAndDispose(fn: string, value: tf.Tensor, grads: Record<ParameterName, tf.Tensor>, lossEvaluations: number): MixtureGradient {
  try {
    return readGradients(fn, value.dataSync()[0], grads, lossEvaluations);
  } finally {
    tf.dispose([value, ...Object.values(grads)]);
  }
}

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
