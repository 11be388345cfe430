/**
 * M independent estimates of one gradient, collected as plain arrays: the input of
 * `gradientStatistics`, and of every bias and variance table in the notebooks.
 */
import { GradientProblem, withCheckedProblem } from '../estimators/problem';
import { checkEstimatorName, EstimatorName, EstimatorOptions, runEstimator } from '../estimators/registry';
import { MAX_SEED, Random } from '../random';
import { checkPositiveInteger, fail } from '../validate';

/** What `repeatEstimates` collects. */
export interface RepeatedEstimates {
  /** The M estimates, each flattened in the logits' row-major order. */
  estimates: Float32Array[];
  /** The estimate's loss at each repetition. */
  losses: number[];
  /** Loss evaluations per estimate (the same for every repetition). */
  lossEvaluations: number;
}

/** The largest number of repetitions one call makes: each estimate is kept on the host. */
export const MAX_REPEATS = 100_000;

/**
 * Runs the estimator `name` `repeats` times on one random stream and collects the
 * estimates. The options are those of `estimateGradient`, except that `seed` must be
 * a whole number: it starts the stream that all repetitions draw from, one after the
 * other, so the repetitions are independent and the whole set is reproducible.
 *
 * @example
 * const problem = { logits: [1, 1, 1], family: 'categorical' as const, loss: squaredErrorLoss([0.2, 0.7, 0.1]) };
 * const { estimates } = repeatEstimates('reinforce', problem, { numSamples: 100, seed: 0, baseline: 'leave-one-out' }, 200);
 * const truth = exact(problem);
 * const stats = gradientStatistics(estimates, truth.grad.dataSync());
 * truth.grad.dispose();
 * console.log(stats.biasNorm, stats.biasNoise);
 */
export function repeatEstimates<N extends EstimatorName>(
  name: N, problem: GradientProblem, options: EstimatorOptions[N], repeats: number,
): RepeatedEstimates {
  const fn = 'repeatEstimates';
  const checkedName = checkEstimatorName(fn, name);
  checkPositiveInteger(fn, 'repeats', repeats);
  if (repeats > MAX_REPEATS) fail(fn, 'repeats', `at most ${MAX_REPEATS}`, repeats);
  const seed = (options as { seed?: unknown } | undefined)?.seed;
  if (checkedName !== 'exact' && !(typeof seed === 'number' && Number.isInteger(seed) && seed >= 0 && seed <= MAX_SEED)) {
    fail(fn, 'options.seed', 'a whole number in [0, 2^32) (it starts the stream the repetitions share)', seed);
  }
  const rng = new Random(typeof seed === 'number' ? seed : 0);
  const stepOptions = { ...options, seed: rng } as EstimatorOptions[N];
  return withCheckedProblem(`repeatEstimates('${checkedName}')`, problem, (checked) => {
    const result: RepeatedEstimates = { estimates: [], losses: [], lossEvaluations: 0 };
    for (let i = 0; i < repeats; i++) {
      const { grad, loss, lossEvaluations } = runEstimator(checkedName, checked, stepOptions, true);
      result.estimates.push(grad.dataSync() as Float32Array);
      grad.dispose();
      result.losses.push(loss);
      result.lossEvaluations = lossEvaluations;
    }
    return result;
  });
}

