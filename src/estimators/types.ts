/**
 * The one call shape every gradient estimator in this library shares:
 *
 *     estimator(problem, options) → { grad, loss }
 *
 * A problem is a discrete distribution q (given by its logits) and a loss f of its
 * samples; the objective is E_q[f(y)] and the estimate is of ∇_logits E_q[f(y)].
 */
import * as tf from '@tensorflow/tfjs';
import { Seed } from '../random';
import { checkPositive, checkPositiveInteger, fail } from '../validate';
import type { MovingAverageBaseline } from './baselines';

/** The discrete family of q: one-hot categorical over the last axis, or independent Bernoulli. */
export type Family = 'categorical' | 'bernoulli';
export const FAMILIES: readonly Family[] = ['categorical', 'bernoulli'];

/**
 * What to differentiate: E_q[loss(y)] with q given by `logits`.
 *
 * Shapes, for n samples:
 * - categorical: logits [...batch, K]; the loss receives one-hot (or relaxed) samples [n, ...batch, K];
 * - bernoulli:   logits [...batch];    the loss receives {0,1} (or relaxed) samples [n, ...batch];
 * - the loss returns one value per sample, [n].
 *
 * The loss must be built from TensorFlow.js ops so that the reparameterised estimators
 * can differentiate through it; REINFORCE and `exact` only read its values.
 */
export interface GradientProblem {
  logits: tf.Tensor;
  family: Family;
  loss: (y: tf.Tensor) => tf.Tensor;
}

/**
 * How to baseline REINFORCE: no baseline, leave-one-out (Kool et al. 2019), or an
 * exponential moving average that the caller owns (its state must outlive a call).
 */
export type BaselineOption = 'none' | 'leave-one-out' | MovingAverageBaseline;

/** Options shared by every estimator; each one reads those it needs. */
export interface EstimateOptions {
  /** Monte Carlo sample size n (ignored by `exact`). */
  numSamples: number;
  /** A whole number, or a `Random` that advances (pass one `Random` across a loop). */
  seed: Seed;
  /** τ of the Concrete relaxation: required by the Gumbel-Softmax estimators, finite and > 0. */
  temperature?: number;
  /** REINFORCE only; defaults to 'none'. */
  baseline?: BaselineOption;
}

/**
 * `EstimateOptions` plus one option for the library's own training loop; it is not
 * exported from the package. With `readLoss: false` an estimator skips the download
 * of its mean loss (and the finiteness check of the logits that rides on it) and
 * returns `loss: NaN`: a step that `optimize` does not record has no use for the
 * number, and the download costs a few ops and a round trip to the backend per step.
 */
export interface InternalEstimateOptions extends EstimateOptions {
  readLoss?: boolean;
}

/** Whether an estimator called with `options` must download its mean loss (yes, unless told otherwise). */
export function wantsLoss(options: EstimateOptions): boolean {
  return (options as InternalEstimateOptions).readLoss !== false;
}

/** The result of every estimator. `grad` is the only tensor it leaves allocated. */
export interface GradientEstimate {
  /** The estimate of ∇_logits E_q[f], shaped like the logits. */
  grad: tf.Tensor;
  /**
   * The objective value the estimate was taken at: the mean per-sample loss over the
   * draws (relaxed draws for 'gumbel-softmax'), or the exact E_q[f] for `exact`.
   */
  loss: number;
}

/** Every estimator has this type. */
export type GradientEstimator = (problem: GradientProblem, options: EstimateOptions) => GradientEstimate;

/** Checks the problem's parts; returns the number of independent variables and K (1 for Bernoulli). */
export function checkProblem(fn: string, problem: GradientProblem): { batchShape: number[]; numCategories: number } {
  if (problem === null || typeof problem !== 'object') fail(fn, 'problem', 'an object {logits, family, loss}', problem);
  const { logits, family, loss } = problem;
  if (!(logits instanceof tf.Tensor)) fail(fn, 'problem.logits', 'a tensor', logits);
  if (!FAMILIES.includes(family)) fail(fn, 'problem.family', `one of ${FAMILIES.join(', ')}`, family);
  if (typeof loss !== 'function') fail(fn, 'problem.loss', 'a function of samples [n, ...] returning [n]', loss);
  if (logits.dtype !== 'float32') fail(fn, 'problem.logits', 'a float32 tensor', logits.dtype);
  if (family === 'categorical') {
    if (logits.rank < 1 || logits.shape[logits.rank - 1] < 2) {
      fail(fn, 'problem.logits', 'of shape [...batch, K] with K ≥ 2 for the categorical family', logits);
    }
    return { batchShape: logits.shape.slice(0, -1), numCategories: logits.shape[logits.rank - 1] };
  }
  return { batchShape: logits.shape.slice(), numCategories: 1 };
}

/** Calls the user's loss and checks that it gave one value per sample. */
export function perSampleLoss(fn: string, problem: GradientProblem, y: tf.Tensor): tf.Tensor1D {
  const n = y.shape[0];
  const values = problem.loss(y);
  if (!(values instanceof tf.Tensor) || values.rank !== 1 || values.shape[0] !== n) {
    fail(fn, 'problem.loss(y)', `a tensor of shape [${n}] (one value per sample)`, values);
  }
  return values as tf.Tensor1D;
}

/** log q(y) of whole samples, summed over the independent variables: y [n, ...] → [n]. */
export function jointLogProb(family: Family, logits: tf.Tensor, y: tf.Tensor): tf.Tensor1D {
  const n = y.shape[0];
  // Categorical: Σ_k y_k log π_k with log π = logSoftmax(logits).
  // Bernoulli:   y·l − softplus(l), i.e. y log σ(l) + (1 − y) log σ(−l) without cancelling.
  const perEntry = family === 'categorical'
    ? tf.mul(y, tf.logSoftmax(logits))
    : tf.sub(tf.mul(y, logits), tf.softplus(logits));
  return tf.sum(tf.reshape(perEntry, [n, -1]), 1) as tf.Tensor1D;
}

/** Checks the options every sampling estimator reads; returns the sample count. */
export function checkNumSamples(fn: string, options: EstimateOptions): number {
  if (options === null || typeof options !== 'object') fail(fn, 'options', 'an object {numSamples, seed, ...}', options);
  return checkPositiveInteger(fn, 'numSamples', options.numSamples);
}

/** The Gumbel-Softmax estimators cannot run without a temperature: no silent default. */
export function requireTemperature(fn: string, temperature: number | undefined): number {
  if (temperature === undefined) fail(fn, 'temperature', 'given for this estimator (a finite number > 0)', temperature);
  return checkPositive(fn, 'temperature', temperature);
}

/**
 * Downloads the mean loss and, in the same transfer, checks that the logits are finite:
 * Σ (l − l) is 0 for finite entries and NaN as soon as one is NaN or ±∞. One download
 * per estimate, so the check costs a few small ops and no extra round trip.
 */
export function readLoss(fn: string, meanLoss: tf.Tensor, logits: tf.Tensor): number {
  const [loss, finiteness] = tf.stack([tf.reshape(meanLoss, []), tf.sum(tf.sub(logits, logits))]).dataSync();
  if (Number.isNaN(finiteness)) fail(fn, 'problem.logits', 'finite everywhere', logits);
  return loss;
}
