/**
 * How an estimator is written once and called two ways: by the user, who always gets
 * the loss read back and checked, and by the library's own training loop, which
 * skips that download on the steps it does not record.
 */
import { CheckedProblem, GradientProblem, withCheckedProblem } from './problem';
import { GradientEstimate } from './result';

/**
 * The work of an estimator on a checked problem. With `readLoss` false it may skip the
 * download of the mean loss (and the finiteness checks riding on it) and return NaN.
 */
export type EstimatorBody<O> = (problem: CheckedProblem, options: O, readLoss: boolean) => GradientEstimate;

/** An estimator as users call it: `(problem, options) → { grad, loss, lossEvaluations }`. */
export type GradientEstimator<O> = (problem: GradientProblem, options: O) => GradientEstimate;

/** The public function of an estimator body, named `fn` in its error messages. */
export function publicEstimator<O>(fn: string, body: EstimatorBody<O>): GradientEstimator<O> {
  return (problem, options) => withCheckedProblem(fn, problem, (checked) => body(checked, options, true));
}
