/**
 * Every gradient estimator by name, with one call shape:
 *
 *     estimateGradient(name, { logits, family, loss }, options) → { grad, loss, lossEvaluations }
 *
 * The options are typed per estimator (`EstimatorOptions[name]`).
 */
import { fail } from '../validate';
import { armBody } from './arm';
import { disarmBody } from './disarm';
import { checkDrawBudget, EstimatorBody } from './estimator';
import { exactBody, ExactOptions } from './exact';
import { gumbelRaoBody, GumbelRaoOptions } from './gumbel-rao';
import { gumbelSoftmaxBody, stGumbelSoftmaxBody } from './gumbel-softmax';
import { RelaxedOptions, SamplingOptions } from './options';
import { CheckedProblem, Family, FAMILIES, GradientProblem, withCheckedProblem } from './problem';
import { rebarBody, RebarOptions } from './rebar';
import { reinforceBody, ReinforceOptions } from './reinforce';
import { reinmaxBody } from './reinmax';
import { relaxBody, RelaxOptions } from './relax';
import { GradientEstimate } from './result';
import { straightThroughBody } from './straight-through-estimator';
import { sumAndSampleBody, SumAndSampleOptions } from './sum-and-sample';

/** The options each estimator takes, by name. */
export interface EstimatorOptions {
  exact: ExactOptions | undefined;
  reinforce: ReinforceOptions;
  'gumbel-softmax': RelaxedOptions;
  'st-gumbel-softmax': RelaxedOptions;
  'straight-through': RelaxedOptions;
  reinmax: RelaxedOptions;
  'gumbel-rao': GumbelRaoOptions;
  arm: SamplingOptions;
  disarm: SamplingOptions;
  rebar: RebarOptions;
  relax: RelaxOptions;
  'sum-and-sample': SumAndSampleOptions;
}

/** The names `estimateGradient` and `optimize` accept. */
export type EstimatorName = keyof EstimatorOptions;

const BODIES: { [N in EstimatorName]: EstimatorBody<EstimatorOptions[N]> } = {
  exact: exactBody,
  reinforce: reinforceBody,
  'gumbel-softmax': gumbelSoftmaxBody,
  'st-gumbel-softmax': stGumbelSoftmaxBody,
  'straight-through': straightThroughBody,
  reinmax: reinmaxBody,
  'gumbel-rao': gumbelRaoBody,
  arm: armBody,
  disarm: disarmBody,
  rebar: rebarBody,
  relax: relaxBody,
  'sum-and-sample': sumAndSampleBody,
};

/** Every estimator name, in the order the notebooks list them. */
export const ESTIMATOR_NAMES: readonly EstimatorName[] = Object.freeze(Object.keys(BODIES) as EstimatorName[]);

/** The estimators that need a `temperature`. */
export const RELAXED_ESTIMATORS: readonly EstimatorName[] = Object.freeze(
  ['gumbel-softmax', 'st-gumbel-softmax', 'straight-through', 'reinmax', 'gumbel-rao'] as EstimatorName[],
);

/**
 * The families each estimator accepts; the others are refused with a named error.
 * ARM and DisARM are defined for binary variables only.
 */
export const ESTIMATOR_FAMILIES: { readonly [N in EstimatorName]: readonly Family[] } = Object.freeze({
  exact: FAMILIES,
  reinforce: FAMILIES,
  'gumbel-softmax': FAMILIES,
  'st-gumbel-softmax': FAMILIES,
  'straight-through': FAMILIES,
  reinmax: FAMILIES,
  'gumbel-rao': FAMILIES,
  arm: ['bernoulli'],
  disarm: ['bernoulli'],
  rebar: FAMILIES,
  relax: FAMILIES,
  'sum-and-sample': FAMILIES,
});

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
 * for (const name of ESTIMATOR_NAMES.filter((e) => ESTIMATOR_FAMILIES[e].includes('categorical'))) {
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
  checkDrawBudget(problem, options);
  return (BODIES[name] as EstimatorBody<EstimatorOptions[N]>)(problem, options, readLoss);
}
