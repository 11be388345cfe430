/**
 * How far a Monte Carlo gradient estimator is from the exact gradient, measured over
 * M independent estimates: bias, variance and cosine similarity. Used by the notebooks
 * that compare estimators against exact enumeration.
 */
import { maxOf, norm } from '../host-math';
import { checkFiniteValues, fail } from '../validate';

/** Summary of M estimates ĝ_1 … ĝ_M of a gradient g of dimension d. */
export interface GradientStatistics {
  /** M, the number of estimates. */
  count: number;
  /** ‖mean ĝ − g‖, the norm of the estimated bias. */
  biasNorm: number;
  /**
   * The norm the bias estimate would have from noise alone, √(tr Σ / M): an unbiased
   * estimator gives biasNorm of about this size.
   */
  biasNoise: number;
  /** tr Σ = mean ‖ĝ − mean ĝ‖² (with M − 1), the total variance of one estimate. */
  variance: number;
  /** Mean squared error of one estimate, E‖ĝ − g‖² ≈ biasNorm² + variance. */
  mse: number;
  /** Mean over estimates of cos(ĝ, g). */
  cosine: number;
  /** Per coordinate, (mean ĝ − g) / (sd/√M); where sd = 0 (a deterministic coordinate), 0 if the mean equals g, else ±Infinity. */
  zScores: number[];
  /** The largest |z| over coordinates with sd > 0. */
  maxAbsZ: number;
  /** Per coordinate mean and standard deviation. */
  mean: number[];
  sd: number[];
}

/**
 * Bias, variance and cosine similarity of `estimates` against `exact`.
 *
 * @example
 * const problem = { logits: [1, 1, 1], family: 'categorical' as const, loss: squaredErrorLoss([0.2, 0.7, 0.1]) };
 * const { estimates } = repeatEstimates('reinforce', problem, { numSamples: 100, seed: 0 }, 200);
 * const truth = exact(problem);
 * const stats = gradientStatistics(estimates, truth.grad.dataSync());
 * truth.grad.dispose();
 * console.log(stats.biasNorm, stats.biasNoise, stats.variance, stats.cosine);
 */
export function gradientStatistics(estimates: ArrayLike<number>[], exact: ArrayLike<number>): GradientStatistics {
  const fn = 'gradientStatistics';
  if (!Array.isArray(estimates)) fail(fn, 'estimates', 'an array of estimates (arrays of numbers)', estimates);
  if (!isNumberList(exact)) fail(fn, 'exact', 'an array of numbers', exact);
  const M = estimates.length, d = exact.length;
  if (M < 2) fail(fn, 'estimates', 'at least 2 estimates', M);
  checkFiniteValues(fn, 'exact', exact);
  estimates.forEach((e, i) => {
    if (!isNumberList(e)) fail(fn, `estimates[${i}]`, 'an array of numbers', e);
    if (e.length !== d) fail(fn, `estimates[${i}]`, `of length ${d} like exact`, e.length);
    checkFiniteValues(fn, `estimates[${i}]`, e);
  });
  const mean = Array.from({ length: d }, (_, k) => estimates.reduce((a, e) => a + e[k], 0) / M);
  const sd = mean.map((m, k) => Math.sqrt(estimates.reduce((a, e) => a + (e[k] - m) ** 2, 0) / (M - 1)));
  const variance = sd.reduce((a, s) => a + s * s, 0);
  const biasNorm = norm(mean.map((m, k) => m - exact[k]));
  const exactNorm = norm(exact);
  const cosine = estimates.reduce((a, e) => {
    const dot = Array.from(exact).reduce((s, g, k) => s + g * e[k], 0);
    const size = norm(e);
    return a + (size === 0 ? 0 : dot / (size * exactNorm));
  }, 0) / M;
  const mse = estimates.reduce((a, e) => a + Array.from(exact).reduce((s, g, k) => s + (e[k] - g) ** 2, 0), 0) / M;
  const zScores = mean.map((m, k) => (sd[k] > 0 || m !== exact[k] ? (m - exact[k]) / (sd[k] / Math.sqrt(M)) : 0));
  const maxAbsZ = Math.max(0, maxOf(zScores.filter((z, k) => sd[k] > 0).map(Math.abs)));
  return { count: M, biasNorm, biasNoise: Math.sqrt(variance / M), variance, mse, cosine, zScores, maxAbsZ, mean, sd };
}

/** An array or typed array of numbers (entries are checked for finiteness separately). */
function isNumberList(value: unknown): value is ArrayLike<number> {
  return (Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView))) &&
    Array.prototype.every.call(value, (v: unknown) => typeof v === 'number');
}
