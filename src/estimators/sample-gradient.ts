/**
 * The loss at a batch of points and its gradient with respect to those points, one
 * row per sample: what the straight-through family and the control-variate
 * estimators feed into their own backward passes.
 */
import * as tf from '@tensorflow/tfjs';
import { CheckedProblem, perSampleLoss } from './problem';

/** The per-sample loss values at some points and ∂loss_i/∂x_i for each sample i. */
export interface SampleGradient {
  /** loss(transform(x)), one value per sample: [n]. */
  values: tf.Tensor1D;
  /** ∂loss_i/∂x_i, shaped like x: [n, ...]. */
  grad: tf.Tensor;
}

/**
 * Evaluates the user's loss once at transform(x) for x [n, ...] and differentiates each
 * sample's loss with respect to its own row of x (the loss gives one value per sample,
 * so the gradient of Σ_i loss_i is that, row by row).
 *
 * An error raised by the loss (or by its shape check) is held until the tape has closed
 * and then rethrown: thrown while the tape records, it would strand the tensors the
 * tape saved. A loss that ignores x gets the zero gradient it has, not an error.
 *
 * @example
 * const logits = tf.tensor1d([1, 1, 1]);
 * const problem = { fn: 'example', logits, family: 'categorical' as const, loss: squaredErrorLoss([0.2, 0.7, 0.1]), batchShape: [], numCategories: 3 };
 * const { values, grad } = lossWithSampleGradient(problem, tf.tensor2d([[1, 0, 0], [0, 1, 0]]));
 * values.print();  // [1.14, 0.14]
 * grad.print();    // 2 (y − t), one row per sample
 */
export function lossWithSampleGradient(
  problem: CheckedProblem, x: tf.Tensor, transform: (x: tf.Tensor) => tf.Tensor = (t) => t,
): SampleGradient {
  const n = x.shape[0];
  let thrown: { error: unknown } | undefined;
  const guarded = (t: tf.Tensor): tf.Tensor1D => {
    // 0·Σx keeps x on the tape whatever the loss does with it (e.g. a constant loss).
    const connection = tf.mul(tf.sum(tf.reshape(t, [n, -1]), 1), 0) as tf.Tensor1D;
    try {
      return tf.add(perSampleLoss(problem, transform(t)), connection) as tf.Tensor1D;
    } catch (error) {
      thrown = { error };
      return connection;
    }
  };
  const ones = tf.ones([n]) as tf.Tensor1D;
  const { value, grad } = tf.valueAndGrad(guarded)(x, ones);
  ones.dispose();
  if (thrown !== undefined) {
    tf.dispose([value, grad]);
    throw thrown.error;
  }
  return { values: value as tf.Tensor1D, grad };
}

/** Sums a tensor [n, ...shape] (or [m, n, ...shape]) over its leading axes down to `shape`. */
export function sumToShape(t: tf.Tensor, shape: number[]): tf.Tensor {
  const leading = t.rank - shape.length;
  return leading === 0 ? t : tf.sum(t, Array.from({ length: leading }, (_, i) => i));
}
