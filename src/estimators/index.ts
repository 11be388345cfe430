/**
 * Gradient estimators for E_q[f(y)] with discrete q, all with one call shape:
 *
 *     estimateGradient(name, { logits, family, loss }, { numSamples, seed, temperature?, baseline? })
 *       → { grad, loss }
 *
 * References: [1] Maddison, Mnih & Teh 2017, "The Concrete distribution";
 * [2] Jang, Gu & Poole 2017, "Categorical reparameterization with Gumbel-Softmax";
 * Williams 1992 (REINFORCE); Kool, van Hoof & Welling 2019 (leave-one-out baseline).
 */
import { fail } from '../validate';
import { exact } from './exact';
import { gumbelSoftmax, stGumbelSoftmax } from './gumbel-softmax';
import { reinforce } from './reinforce';
import { EstimateOptions, GradientEstimate, GradientEstimator, GradientProblem } from './types';

export {
  Family, FAMILIES, GradientProblem, BaselineOption, EstimateOptions, GradientEstimate, GradientEstimator,
} from './types';
export { MovingAverageBaseline, BASELINE_NAMES, BaselineName, centredLosses } from './baselines';
export * from './exact';
export * from './reinforce';
export * from './gumbel-softmax';
export * from './entropy';
export { straightThrough, stopGradient } from './straight-through';
export { pathwiseGradient } from './pathwise';

/** The names `estimateGradient` and `optimize` accept. */
export const ESTIMATOR_NAMES = ['exact', 'reinforce', 'gumbel-softmax', 'st-gumbel-softmax'] as const;
export type EstimatorName = (typeof ESTIMATOR_NAMES)[number];

/** Every estimator by name, for loops over estimators. */
export const estimators: Readonly<Record<EstimatorName, GradientEstimator>> = Object.freeze({
  exact,
  reinforce,
  'gumbel-softmax': gumbelSoftmax,
  'st-gumbel-softmax': stGumbelSoftmax,
});

/**
 * Runs the estimator called `name`.
 *
 * @example
 * const problem = { logits: tf.tensor1d([1, 1, 1]), family: 'categorical' as const,
 *                   loss: squaredErrorLoss(SEED_000_CATEGORICAL_TARGET) };
 * for (const name of ESTIMATOR_NAMES) {
 *   const { grad } = estimateGradient(name, problem, { numSamples: 1000, seed: 0, temperature: 5 });
 *   grad.print();
 *   grad.dispose();
 * }
 */
export function estimateGradient(name: EstimatorName, problem: GradientProblem, options: EstimateOptions): GradientEstimate {
  if (!(ESTIMATOR_NAMES as readonly string[]).includes(name)) {
    fail('estimateGradient', 'name', `one of ${ESTIMATOR_NAMES.join(', ')}`, name);
  }
  return estimators[name](problem, options);
}
