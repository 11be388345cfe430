/**
 * What every gradient estimator differentiates: E_q[f(y)] for a discrete q given by
 * its logits, and the checks and small pieces of maths the estimators share.
 */
import * as tf from '@tensorflow/tfjs';
import { logSoftmax } from '../kernels/log-softmax';
import { TensorInput, toFloatTensor } from '../distributions/checks';
import { fail } from '../validate';

/** The discrete family of q: one-hot categorical over the last axis, or independent Bernoulli. */
export type Family = 'categorical' | 'bernoulli';
export const FAMILIES: readonly Family[] = ['categorical', 'bernoulli'];

/** A loss of samples: y [n, ...] → one value per sample, [n]. */
export type SampleLoss = (y: tf.Tensor) => tf.Tensor;

/**
 * What to differentiate: E_q[loss(y)] with q given by `logits`.
 *
 * Shapes, for n samples:
 * - categorical: logits [...batch, K]; the loss receives one-hot (or relaxed) samples [n, ...batch, K];
 * - bernoulli:   logits [...batch];    the loss receives {0,1} (or relaxed) samples [n, ...batch];
 * - the loss returns one value per sample, [n].
 *
 * `logits` may be a tensor (a `tf.Variable` to train it) or plain numbers. The loss
 * must be built from TensorFlow.js ops so that the pathwise estimators can
 * differentiate through it; the score-function estimators only read its values.
 */
export interface GradientProblem {
  logits: TensorInput;
  family: Family;
  loss: SampleLoss;
}

/** A problem after its checks: float32 logits, and the sizes the estimators need. */
export interface CheckedProblem {
  /** The name of the function the user called, for error messages. */
  fn: string;
  logits: tf.Tensor;
  family: Family;
  loss: SampleLoss;
  /** The shape of the independent variables: the logits' shape without K for categorical. */
  batchShape: number[];
  /** K for categorical, 1 for Bernoulli. */
  numCategories: number;
}

/**
 * Checks a problem and runs `body` on it; logits given as numbers become a tensor
 * that is freed when `body` returns or throws.
 */
export function withCheckedProblem<T>(fn: string, problem: GradientProblem, body: (p: CheckedProblem) => T): T {
  if (problem === null || typeof problem !== 'object') fail(fn, 'problem', 'an object {logits, family, loss}', problem);
  const { family, loss } = problem;
  if (!FAMILIES.includes(family)) fail(fn, 'problem.family', `one of ${FAMILIES.join(', ')}`, family);
  if (typeof loss !== 'function') fail(fn, 'problem.loss', 'a function of samples [n, ...] returning [n]', loss);
  const { tensor: logits, owned } = toFloatTensor(fn, 'problem.logits', problem.logits);
  try {
    let batchShape = logits.shape.slice();
    let numCategories = 1;
    if (family === 'categorical') {
      if (logits.rank < 1 || logits.shape[logits.rank - 1] < 2) {
        fail(fn, 'problem.logits', 'of shape [...batch, K] with K ≥ 2 for the categorical family', logits);
      }
      batchShape = logits.shape.slice(0, -1);
      numCategories = logits.shape[logits.rank - 1];
    }
    if (logits.size === 0) fail(fn, 'problem.logits', 'a non-empty tensor', logits);
    return body({ fn, logits, family, loss, batchShape, numCategories });
  } finally {
    if (owned) logits.dispose();
  }
}

/** Calls the user's loss and checks that it gave one value per sample. */
export function perSampleLoss(problem: CheckedProblem, y: tf.Tensor): tf.Tensor1D {
  const n = y.shape[0];
  const values = problem.loss(y);
  if (!(values instanceof tf.Tensor) || values.isDisposed || values.rank !== 1 || values.shape[0] !== n) {
    fail(problem.fn, 'problem.loss(y)', `a tensor of shape [${n}] (one value per sample)`, values);
  }
  return values as tf.Tensor1D;
}

/** log q(y) of whole samples, summed over the independent variables: y [n, ...] → [n]. */
export function jointLogProb(family: Family, logits: tf.Tensor, y: tf.Tensor): tf.Tensor1D {
  const n = y.shape[0];
  // Categorical: Σ_k y_k log π_k with log π = logSoftmax(logits).
  // Bernoulli:   y·l − softplus(l), i.e. y log σ(l) + (1 − y) log σ(−l) without cancelling.
  const perEntry = family === 'categorical'
    ? tf.mul(y, logSoftmax(logits))
    : tf.sub(tf.mul(y, logits), tf.softplus(logits));
  return tf.sum(tf.reshape(perEntry, [n, -1]), 1) as tf.Tensor1D;
}

/** q's probabilities: softmax over the last axis (categorical) or σ (Bernoulli). */
export function probabilities(family: Family, logits: tf.Tensor): tf.Tensor {
  return family === 'categorical' ? tf.softmax(logits) : tf.sigmoid(logits);
}
