/**
 * The logits read back to the host, for the estimators that draw their samples there
 * (ARM, DisARM, sum-and-sample) and so must refuse non-finite logits before drawing.
 */
import { fail } from '../validate';
import { CheckedProblem } from './problem';

/**
 * The logits as a Float32Array in row-major order; a NaN or infinite logit is refused
 * with the message every estimator gives for it ("problem.logits must be finite everywhere").
 *
 * @example
 * const logits = tf.tensor1d([0.3, -1]);
 * const values = hostLogits({ fn: 'example', logits, family: 'bernoulli', loss: (b) => tf.sum(b, 1), batchShape: [2], numCategories: 1 });
 * console.log(values);   // Float32Array [0.3, -1]
 */
export function hostLogits(problem: CheckedProblem): Float32Array {
  const values = problem.logits.dataSync() as Float32Array;
  if (values.some((x) => !Number.isFinite(x))) fail(problem.fn, 'problem.logits', 'finite everywhere', problem.logits);
  return values;
}
