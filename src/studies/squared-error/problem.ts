/**
 * The squared-error toy problem: find q minimising
 *
 *     L(q) = E_{q(y)} Σ_k (y_k − t_k)²
 *
 * for a fixed target t and a one-hot categorical (or Bernoulli) y. The minimum puts all
 * the mass on the outcome closest to t, so REINFORCE should drive q to a point mass,
 * while a biased estimator stalls before it.
 *
 * Closed forms (categorical, π = softmax(logits), c_k = ‖e_k − t‖²):
 *     L = Σ_k π_k c_k,        ∂L/∂logit_j = π_j (c_j − L).
 * Bernoulli (p = σ(logit)):
 *     L = p(1 − t)² + (1 − p)t²,   dL/dlogit = p(1 − p)((1 − t)² − t²).
 */
import * as tf from '@tensorflow/tfjs';
import { sigmoid, softmax } from '../../host-math';
import { checkFiniteValues, fail } from '../../validate';

/** The categorical target t of the squared-error toy, K = 3: the nearest vertex is e_1. */
export const SQUARED_ERROR_CATEGORICAL_TARGET: readonly number[] = [0.2, 0.7, 0.1];
/** The Bernoulli target of the squared-error toy (one variable, loss on its trailing axis of size 1). */
export const SQUARED_ERROR_BERNOULLI_TARGET: readonly number[] = [0.9];
/** The starting logits of the categorical run (all ones: uniform q). */
export const SQUARED_ERROR_INITIAL_LOGITS: readonly number[] = [1, 1, 1];

function checkTarget(fn: string, target: readonly number[]): number[] {
  if (!Array.isArray(target) || target.length === 0) fail(fn, 'target', 'a non-empty array of numbers', target);
  checkFiniteValues(fn, 'target', target);
  return target.slice();
}

/**
 * The per-sample squared error Σ_k (y_k − t_k)², summed over every axis after the first.
 *
 * Shapes: y [n, ..., K] (categorical one-hot, or Bernoulli [n, ...] with K = 1 and
 * target of length 1) → [n]. The target broadcasts along the last axis.
 *
 * @example
 * const loss = squaredErrorLoss([0.2, 0.7, 0.1]);
 * loss(tf.tensor2d([[0, 1, 0]])).print();  // [0.14]
 */
export function squaredErrorLoss(target: readonly number[]): (y: tf.Tensor) => tf.Tensor1D {
  const t = checkTarget('squaredErrorLoss', target);
  return (y: tf.Tensor) => tf.tidy(() => {
    const last = y.rank === 1 ? 1 : y.shape[y.rank - 1];
    if (last !== t.length && t.length !== 1) {
      fail('squaredErrorLoss', 'y', `of shape [n, ..., ${t.length}] to match the target`, y);
    }
    const sq = tf.squaredDifference(y, tf.tensor1d(t));
    // Summed over every axis after the first (Bernoulli samples [n] have none).
    const axes = Array.from({ length: y.rank - 1 }, (_, i) => i + 1);
    return (axes.length === 0 ? sq : tf.sum(sq, axes)) as tf.Tensor1D;
  });
}

function squaredDistances(target: number[]): number[] {
  // c_k = ‖e_k − t‖² = ‖t‖² − 2 t_k + 1
  const norm2 = target.reduce((a, b) => a + b * b, 0);
  return target.map((tk) => norm2 - 2 * tk + 1);
}

function checkLogits(fn: string, logits: readonly number[], target: number[]): number[] {
  if (!Array.isArray(logits)) fail(fn, 'logits', 'an array of numbers', logits);
  checkFiniteValues(fn, 'logits', logits);
  const wanted = target.length === 1 ? 1 : target.length;
  if (logits.length !== wanted) fail(fn, 'logits', `of length ${wanted} to match the target`, logits);
  return logits.slice();
}

/**
 * The exact loss E_q[Σ_k (y_k − t_k)²] in closed form. A target of length 1 means one
 * Bernoulli variable, otherwise a categorical over target.length outcomes.
 *
 * @example
 * squaredErrorExactLoss([1, 1, 1], [0.2, 0.7, 0.1]);  // 0.8733… (= (1.14 + 0.14 + 1.34) / 3)
 */
export function squaredErrorExactLoss(logits: readonly number[], target: readonly number[]): number {
  const t = checkTarget('squaredErrorExactLoss', target);
  const l = checkLogits('squaredErrorExactLoss', logits, t);
  if (t.length === 1) {
    const p = sigmoid(l[0]);
    return p * (1 - t[0]) ** 2 + (1 - p) * t[0] ** 2;
  }
  const pi = softmax(l);
  return squaredDistances(t).reduce((a, c, k) => a + pi[k] * c, 0);
}

/**
 * The exact gradient of `squaredErrorExactLoss` with respect to the logits, in closed form.
 *
 * @example
 * squaredErrorExactGradient([1, 1, 1], [0.2, 0.7, 0.1]);  // [0.0889, −0.2444, 0.1556]
 */
export function squaredErrorExactGradient(logits: readonly number[], target: readonly number[]): number[] {
  const t = checkTarget('squaredErrorExactGradient', target);
  const l = checkLogits('squaredErrorExactGradient', logits, t);
  if (t.length === 1) {
    const p = sigmoid(l[0]);
    return [p * (1 - p) * ((1 - t[0]) ** 2 - t[0] ** 2)];
  }
  const pi = softmax(l);
  const c = squaredDistances(t);
  const loss = c.reduce((a, ck, k) => a + pi[k] * ck, 0);
  return pi.map((p, j) => p * (c[j] - loss));
}
