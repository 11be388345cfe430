/**
 * Gradient estimators for E_q[f(y)] with discrete q, all with one call shape (see
 * ./registry), the baselines, the straight-through and stop-gradient ops, and the
 * entropy and KL relaxations.
 *
 * References: [1] Maddison, Mnih & Teh 2017, "The Concrete distribution";
 * [2] Jang, Gu & Poole 2017, "Categorical reparameterization with Gumbel-Softmax";
 * Williams 1992 (REINFORCE); Kool, van Hoof & Welling 2019 (leave-one-out baseline).
 */
export { Family, FAMILIES, GradientProblem, SampleLoss } from './problem';
export { GradientEstimate } from './result';
export { SamplingOptions, RelaxedOptions } from './options';
export { GradientEstimator } from './estimator';
export { Baseline, BASELINE_NAMES, MovingAverageBaseline, centredLosses } from './baselines';
export { exact, ExactOptions, exactObjective, enumerateOutcomes, eventSpaceSize, MAX_EXACT_EVENTS } from './exact';
export { reinforce, ReinforceOptions } from './reinforce';
export { gumbelSoftmax, stGumbelSoftmax, relaxedSample } from './gumbel-softmax';
export { estimateGradient, ESTIMATOR_NAMES, RELAXED_ESTIMATORS, EstimatorName, EstimatorOptions } from './registry';
export { straightThrough, stopGradient } from './straight-through';
export { pathwiseGradient } from './pathwise';
export * from './entropy';
