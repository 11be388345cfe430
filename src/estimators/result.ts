/**
 * The one result type of every gradient estimator, and how an estimator finishes:
 * one download that reads the mean loss and checks the estimate in the same transfer.
 */
import * as tf from '@tensorflow/tfjs';
import { fail } from '../validate';

/** What every gradient estimator returns. `grad` is the only tensor it leaves allocated. */
export interface GradientEstimate {
  /** The estimate of ∇_logits E_q[f], shaped like the logits. */
  grad: tf.Tensor;
  /**
   * The objective value the estimate was taken at: the mean per-sample loss over the
   * draws (relaxed draws for 'gumbel-softmax'), or the exact E_q[f] for `exact`.
   * NaN only inside the library's own training loop, on steps it does not record.
   */
  loss: number;
  /** How many samples the loss was evaluated at: the cost to compare estimators by. */
  lossEvaluations: number;
}

/**
 * What an estimate of several named parameters' gradients returns (the Gaussian
 * mixture, the Gaussian reparameterisation study): the fields of `GradientEstimate`,
 * with one gradient per parameter, read back as arrays so that nothing is left to
 * dispose. `grads[name]` is flattened in the parameter's row-major order.
 */
export interface ParameterGradientsEstimate<P extends string = string> {
  grads: Record<P, Float32Array>;
  /** The objective value the estimate was taken at (each method says which). */
  loss: number;
  /** How many times the loss was evaluated: the cost to compare methods by. */
  lossEvaluations: number;
}

/**
 * A scalar that is 0 when every entry of `x` is finite and NaN as soon as one is NaN or
 * ±∞: Σ (x − x). Stacked with other scalars, it checks a tensor in the same download.
 */
export function finiteness(x: tf.Tensor): tf.Scalar {
  return tf.sum(tf.sub(x, x));
}

/**
 * Downloads the mean loss and, in the same transfer, checks that the loss values, the
 * logits and the estimate are finite: Σ (x − x) is 0 for finite entries and NaN as
 * soon as one is NaN or ±∞. One download per estimate, a few small ops.
 */
export function readLoss(fn: string, meanLoss: tf.Tensor, logits: tf.Tensor, grad: tf.Tensor): number {
  const [loss, logitsOk, gradOk] = tf.stack([tf.reshape(meanLoss, []), finiteness(logits), finiteness(grad)]).dataSync();
  if (Number.isNaN(logitsOk)) fail(fn, 'problem.logits', 'finite everywhere', logits);
  if (!Number.isFinite(loss)) fail(fn, 'problem.loss(y)', 'finite at every sample', loss);
  if (Number.isNaN(gradOk)) {
    throw new Error(`${fn}: the gradient estimate is not finite although the loss values are; check the loss's gradient`);
  }
  return loss;
}
