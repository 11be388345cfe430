/**
 * How an estimator is written once and called two ways: by the user, who always gets
 * the loss read back and checked, and by the library's own training loop, which
 * skips that download on the steps it does not record.
 */
import { MAX_DRAWS } from '../random';
import { fail } from '../validate';
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
  return (problem, options) => withCheckedProblem(fn, problem, (checked) => {
    checkDrawBudget(checked, options);
    return body(checked, options, true);
  });
}

/**
 * Every sampling estimator draws at least one number per logit and sample, so
 * numSamples × logits size may not exceed what `Random` draws in one call (MAX_DRAWS,
 * 2^27): refused here, before any draw, naming the function the user called.
 */
export function checkDrawBudget(problem: CheckedProblem, options: unknown): void {
  const n = options !== null && typeof options === 'object' ? (options as { numSamples?: unknown }).numSamples : undefined;
  if (typeof n === 'number' && Number.isInteger(n) && n > 0 && n * problem.logits.size > MAX_DRAWS) {
    fail(problem.fn, 'numSamples × logits size', `at most ${MAX_DRAWS} draws (MAX_DRAWS)`, n * problem.logits.size);
  }
}
