/**
 * Two gradient estimators for E[f(z)], z ~ N(μ, σ²), with respect to (μ, σ): the
 * pathwise (reparameterisation) estimator and the score-function estimator. The
 * smallest example of why reparameterisation is worth having. Per draw ε ~ N(0, 1),
 * z = μ + σε:
 *
 *   pathwise:        ∂/∂μ ≈ f'(z),              ∂/∂σ ≈ f'(z) ε
 *   score function:  ∂/∂μ ≈ f(z) (z − μ)/σ²,    ∂/∂σ ≈ f(z) ((z − μ)²/σ³ − 1/σ) = f(z) (ε² − 1)/σ
 *
 * Both are unbiased; their per-draw spread is what the notebook compares.
 */
import * as tf from '@tensorflow/tfjs';
import { checkSampling, SamplingOptions } from '../../estimators/options';
import { ParameterGradientsEstimate } from '../../estimators/result';
import { toRandom } from '../../random';
import { checkPositive, fail } from '../../validate';

/**
 * What to differentiate: E[loss(z)] with z ~ N(mu, sigma²), with respect to mu and sigma.
 * `loss` acts elementwise, z [n] → loss(z) [n], and is built from TensorFlow.js ops:
 * the pathwise estimator differentiates it.
 */
export interface GaussianProblem {
  /** μ, finite. */
  mu: number;
  /** σ, finite and > 0. */
  sigma: number;
  loss: (z: tf.Tensor1D) => tf.Tensor1D;
}

/** The two estimators, by name. */
export const GAUSSIAN_GRADIENT_METHODS = Object.freeze(['pathwise', 'score-function'] as const);
export type GaussianGradientMethod = (typeof GAUSSIAN_GRADIENT_METHODS)[number];

/** The parameters a Gaussian estimate has gradients for. */
export type GaussianParameter = 'mu' | 'sigma';

/**
 * An n-draw estimate of ∇_(μ,σ) E[f(z)]: `grads.mu` and `grads.sigma` (one number each)
 * are the means of the one-draw estimates in `perDraw`, whose spread is the variance
 * of one draw. `loss` is the mean of f over the draws; `lossEvaluations` is n.
 */
export interface GaussianGradientEstimate extends ParameterGradientsEstimate<GaussianParameter> {
  /** The one-draw estimate of each draw, [n] per parameter. */
  perDraw: Record<GaussianParameter, Float32Array>;
}

/**
 * The n-draw estimate of ∇_(μ,σ) E[f(z)] by `method` ('pathwise' or 'score-function').
 *
 * @example
 * const problem = { mu: 1, sigma: 0.5, loss: (z: tf.Tensor1D) => tf.square(z) };
 * const { grads, perDraw } = estimateGaussianGradient('pathwise', problem, { numSamples: 1000, seed: 0 });
 * // grads.mu[0] ≈ 2μ = 2 and grads.sigma[0] ≈ 2σ = 1; perDraw.mu holds the 1000 one-draw estimates
 */
export function estimateGaussianGradient(method: GaussianGradientMethod, problem: GaussianProblem, options: SamplingOptions): GaussianGradientEstimate {
  if (!GAUSSIAN_GRADIENT_METHODS.includes(method)) {
    fail('estimateGaussianGradient', 'method', `one of ${GAUSSIAN_GRADIENT_METHODS.join(', ')}`, method);
  }
  return estimatesOnSharedDraws(`estimateGaussianGradient('${method}')`, problem, options, [method])[method]!;
}

/**
 * Both estimates on the same n draws ε (common random numbers), so that the difference
 * between them is the estimators', not the noise's.
 *
 * @example
 * const both = compareGaussianGradients({ mu: 1, sigma: 0.5, loss: (z) => tf.square(z) }, { numSamples: 1000, seed: 0 });
 * // both.pathwise.perDraw.mu and both['score-function'].perDraw.mu: same mean ≈ 2, very different spreads
 */
export function compareGaussianGradients(problem: GaussianProblem, options: SamplingOptions): Record<GaussianGradientMethod, GaussianGradientEstimate> {
  const both = estimatesOnSharedDraws('compareGaussianGradients', problem, options, GAUSSIAN_GRADIENT_METHODS);
  return { pathwise: both.pathwise!, 'score-function': both['score-function']! };
}

function estimatesOnSharedDraws(
  fn: string, problem: GaussianProblem, options: SamplingOptions, methods: readonly GaussianGradientMethod[],
): Partial<Record<GaussianGradientMethod, GaussianGradientEstimate>> {
  if (problem === null || typeof problem !== 'object') fail(fn, 'problem', 'an object {mu, sigma, loss}', problem);
  const { mu, loss } = problem;
  if (typeof mu !== 'number' || !Number.isFinite(mu)) fail(fn, 'problem.mu', 'a finite number', mu);
  const sigma = checkPositive(fn, 'problem.sigma', problem.sigma);
  if (typeof loss !== 'function') fail(fn, 'problem.loss', 'a function of z [n] returning loss(z) [n]', loss);
  const n = checkSampling(fn, options);
  const rng = toRandom(options.seed, fn);
  const wantPathwise = methods.includes('pathwise');
  const wantScore = methods.includes('score-function');
  const read = (t: tf.Tensor) => t.dataSync() as Float32Array;
  const terms = tf.tidy(() => {
    const eps = rng.normal([n]) as tf.Tensor1D;
    const z = tf.add(mu, tf.mul(sigma, eps)) as tf.Tensor1D;
    // Checked before the tape records anything: an error thrown while it records would strand the tensors it saved.
    const f = loss(z);
    if (!(f instanceof tf.Tensor) || f.isDisposed || f.rank !== 1 || f.shape[0] !== n) {
      fail(fn, 'problem.loss(z)', `a tensor of shape [${n}] (one value per draw)`, f);
    }
    const out: Record<string, Float32Array> = { values: read(f) };
    if (wantPathwise) {
      // d f(z_i)/d z_i for every draw at once: f acts elementwise, so the gradient of Σ f is f'.
      const fPrime = tf.grad((x: tf.Tensor) => tf.sum(loss(x as tf.Tensor1D)))(z);
      out.pathwiseMu = read(fPrime);
      out.pathwiseSigma = read(tf.mul(fPrime, eps));
    }
    if (wantScore) {
      out.scoreMu = read(tf.div(tf.mul(f, eps), sigma));
      out.scoreSigma = read(tf.div(tf.mul(f, tf.sub(tf.square(eps), 1)), sigma));
    }
    return out;
  });
  const values = terms.values;
  checkFinite(fn, 'problem.loss(z)', values);
  const lossValue = mean(values);
  const estimate = (muTerms: Float32Array, sigmaTerms: Float32Array, what: string): GaussianGradientEstimate => {
    checkFinite(fn, what, muTerms);
    checkFinite(fn, what, sigmaTerms);
    return {
      grads: { mu: Float32Array.of(mean(muTerms)), sigma: Float32Array.of(mean(sigmaTerms)) },
      loss: lossValue,
      lossEvaluations: n,
      perDraw: { mu: muTerms, sigma: sigmaTerms },
    };
  };
  const result: Partial<Record<GaussianGradientMethod, GaussianGradientEstimate>> = {};
  if (wantPathwise) result.pathwise = estimate(terms.pathwiseMu, terms.pathwiseSigma, 'the derivative of problem.loss');
  if (wantScore) result['score-function'] = estimate(terms.scoreMu, terms.scoreSigma, 'the score-function terms');
  return result;
}

function mean(values: Float32Array): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

function checkFinite(fn: string, what: string, values: Float32Array): void {
  const i = values.findIndex((v) => !Number.isFinite(v));
  if (i >= 0) fail(fn, what, 'finite at every draw', `${values[i]} at draw ${i}`);
}
