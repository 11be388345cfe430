/**
 * Every gradient estimator by name, with one call shape:
 *
 *     estimateGradient(name, { logits, family, loss }, options) → { grad, loss, lossEvaluations }
 *
 * The options are typed per estimator (`EstimatorOptions[name]`).
 */
import { fail } from '../validate';
import { EstimatorBody } from './estimator';
import { exactBody, ExactOptions } from './exact';
import { gumbelSoftmaxBody, stGumbelSoftmaxBody } from './gumbel-softmax';
import { RelaxedOptions } from './options';
import { CheckedProblem, GradientProblem, withCheckedProblem } from './problem';
import { reinforceBody, ReinforceOptions } from './reinforce';
import { GradientEstimate } from './result';

/** The options each estimator takes, by name. */
export interface EstimatorOptions {
  exact: ExactOptions | undefined;
  reinforce: ReinforceOptions;
  'gumbel-softmax': RelaxedOptions;
  'st-gumbel-softmax': RelaxedOptions;
}

/** The names `estimateGradient` and `optimize` accept. */
export type EstimatorName = keyof EstimatorOptions;

const BODIES: { [N in EstimatorName]: EstimatorBody<EstimatorOptions[N]> } = {
  exact: exactBody,
  reinforce: reinforceBody,
  'gumbel-softmax': gumbelSoftmaxBody,
  'st-gumbel-softmax': stGumbelSoftmaxBody,
};

/** Every estimator name, in the order the notebooks list them. */
export const ESTIMATOR_NAMES: readonly EstimatorName[] = Object.freeze(Object.keys(BODIES) as EstimatorName[]);

/** The estimators that need a `temperature`. */
export const RELAXED_ESTIMATORS: readonly EstimatorName[] = Object.freeze(['gumbel-softmax', 'st-gumbel-softmax'] as EstimatorName[]);

/** Checks an estimator name; `fn` is the function the user called, `arg` the argument that held it. */
export function checkEstimatorName(fn: string, name: unknown, arg = 'name'): EstimatorName {
  if (typeof name !== 'string' || !Object.prototype.hasOwnProperty.call(BODIES, name)) {
    fail(fn, arg, `one of ${ESTIMATOR_NAMES.join(', ')}`, name);
  }
  return name as EstimatorName;
}

/**
 * Runs the estimator called `name` on `problem`.
 *
 * @example
 * const problem = { logits: [1, 1, 1], family: 'categorical' as const, loss: squaredErrorLoss([0.2, 0.7, 0.1]) };
 * for (const name of ESTIMATOR_NAMES) {
 *   const { grad, lossEvaluations } = estimateGradient(name, problem, { numSamples: 1000, seed: 0, temperature: 5 });
 *   console.log(name, lossEvaluations, Array.from(grad.dataSync()));
 *   grad.dispose();
 * }
 */
export function estimateGradient<N extends EstimatorName>(name: N, problem: GradientProblem, options: EstimatorOptions[N]): GradientEstimate {
  const checked = checkEstimatorName('estimateGradient', name);
  return withCheckedProblem(`estimateGradient('${checked}')`, problem, (p) => runEstimator(checked, p, options, true));
}

/**
 * The library's own entry: an estimator on a checked problem, with the loss download
 * optional (see `EstimatorBody`). Not exported from the package.
 */
export function runEstimator<N extends EstimatorName>(
  name: N, problem: CheckedProblem, options: EstimatorOptions[N], readLoss: boolean,
): GradientEstimate {
  return (BODIES[name] as EstimatorBody<EstimatorOptions[N]>)(problem, options, readLoss);
}
