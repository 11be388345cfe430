/**
 * Gradient estimators for E_q[f(y)] with discrete q, all with one call shape (see
 * ./registry), the baselines, the straight-through and stop-gradient ops, and the
 * entropy and KL relaxations.
 *
 * References: [1] Maddison, Mnih & Teh 2017, "The Concrete distribution";
 * [2] Jang, Gu & Poole 2017, "Categorical reparameterization with Gumbel-Softmax";
 * Williams 1992 (REINFORCE); Kool, van Hoof & Welling 2019 (leave-one-out baseline);
 * Bengio, Léonard & Courville 2013 (straight-through); Liu et al. 2023 (ReinMax);
 * Paulus, Maddison & Krause 2021 (Gumbel-Rao); Yin & Zhou 2019 (ARM); Dong, Mnih &
 * Tucker 2020 (DisARM); Tucker et al. 2017 (REBAR); Grathwohl et al. 2018 (RELAX);
 * Liu, Regier, Tripuraneni, Jordan & McAuliffe 2019 (sum-and-sample).
 */
export { Family, FAMILIES, GradientProblem, SampleLoss } from './problem';
export { GradientEstimate, ParameterGradientsEstimate } from './result';
export { SamplingOptions, RelaxedOptions } from './options';
export { GradientEstimator } from './estimator';
export { Baseline, BASELINE_NAMES, MovingAverageBaseline, centredLosses } from './baselines';
export { exact, ExactOptions, exactObjective, enumerateOutcomes, eventSpaceSize, MAX_EXACT_EVENTS } from './exact';
export { reinforce, ReinforceOptions } from './reinforce';
export { gumbelSoftmax, stGumbelSoftmax, relaxedSample } from './gumbel-softmax';
export { straightThroughEstimator } from './straight-through-estimator';
export { reinmax } from './reinmax';
export { gumbelRao, GumbelRaoOptions, DEFAULT_CONDITIONAL_SAMPLES, MAX_CONDITIONAL_NOISE } from './gumbel-rao';
export { arm } from './arm';
export { disarm } from './disarm';
export { rebar, RebarOptions } from './rebar';
export { relax, RelaxOptions } from './relax';
export { ControlVariateOptions } from './control-variate-body';
export {
  RebarControlVariate, RelaxControlVariate, RebarControlVariateOptions, RelaxControlVariateOptions, ControlVariateLayout,
} from './control-variates';
export { sumAndSample, SumAndSampleOptions } from './sum-and-sample';
export {
  estimateGradient, ESTIMATOR_NAMES, RELAXED_ESTIMATORS, ESTIMATOR_FAMILIES, EstimatorName, EstimatorOptions,
} from './registry';
export { straightThrough, stopGradient } from './straight-through';
export { pathwiseGradient, PathwiseProblem } from './pathwise';
export {
  estimateEntropy, estimateKL, ENTROPY_VARIANTS, EntropyVariant, EntropyVariantOptions, KLVariantOptions,
  EntropyProblem, KLProblem, AnalyticOptions, ConcreteKLOptions, categoricalEntropy, categoricalKL,
  discreteMonteCarloEntropy, discreteMonteCarloKL, relaxedLogMassEntropy, relaxedLogMassKL,
  concreteMonteCarloEntropy, concreteMonteCarloKL,
} from './entropy';
