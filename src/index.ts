/**
 * discrete-gradients: Monte Carlo gradient estimators for discrete random variables,
 * on TensorFlow.js, each measured against the exact answer.
 *
 * The public API, grouped. Everything a notebook or a user's project needs is named
 * here and nowhere else; modules not listed are the library's plumbing.
 */
import * as tf from '@tensorflow/tfjs';

/** TensorFlow.js itself, so that notebooks use the very instance the library uses. */
export { tf };

// ── Backend and randomness ──────────────────────────────────────────────────────
export { initBackend, backend, availableBackends, BACKEND_NAMES, BackendName, BACKEND_ENV } from './backend';
export { Random, Seed } from './random';

// ── Distributions (TensorFlow Probability's names) ───────────────────────────────
export {
  OneHotCategorical, Bernoulli, RelaxedOneHotCategorical, RelaxedBernoulli,
  LogitsOrProbs, SIMPLEX_TOLERANCE, NestedNumbers, TensorInput,
} from './distributions';
export {
  FactorizedDiscreteFlowsMixture, FactorizedDiscreteFlowsMixtureOptions, MDNF_EPSILON,
} from './distributions/factorized-discrete-flows-mixture';

// ── Gradient estimators: estimateGradient(name, problem, options) ────────────────
export {
  estimateGradient, ESTIMATOR_NAMES, RELAXED_ESTIMATORS, EstimatorName, EstimatorOptions,
  exact, reinforce, gumbelSoftmax, stGumbelSoftmax,
  GradientProblem, Family, FAMILIES, SampleLoss, GradientEstimate, GradientEstimator,
  SamplingOptions, RelaxedOptions, ReinforceOptions, ExactOptions,
  Baseline, BASELINE_NAMES, MovingAverageBaseline, centredLosses,
  exactObjective, enumerateOutcomes, eventSpaceSize, MAX_EXACT_EVENTS, relaxedSample,
  straightThrough, stopGradient, pathwiseGradient,
} from './estimators';

// ── Entropy and KL terms of relaxed categoricals ─────────────────────────────────
export {
  maddison22Entropy, categoricalKL, discreteMonteCarloEntropy, discreteMonteCarloKL,
  maddison21Entropy, maddison21KL, concreteMonteCarloEntropy, concreteMonteCarloKL,
} from './estimators/entropy';

// ── Diagnostics: repeated estimates against the exact answer ─────────────────────
export { gradientStatistics, GradientStatistics } from './diagnostics/gradient-statistics';
export { repeatEstimates, RepeatedEstimates, MAX_REPEATS } from './diagnostics/repeat-estimates';

// ── Training ────────────────────────────────────────────────────────────────────
export {
  optimize, OptimizeOptions, TrainingHistory, TrainingRecord, historyRows,
  TemperatureSchedule, constantTemperature, exponentialAnnealing, ExponentialAnnealingOptions,
} from './train';

// ── Display: Vega-Lite charts with an SVG fallback ───────────────────────────────
export {
  show, LiveDisplay, chartBundle, renderSvg, chartDirectory, VEGA_LITE_MIME, ChartSpec, MimeBundle, Row, BaseOptions,
  lineChart, LineOptions, barChart, BarOptions, histogram, HistogramOptions, binDensity, scatter, ScatterOptions,
  heatmap, HeatmapOptions, simplexHistogram, simplexDensityGrid, histogramSlider, HistogramSliderOptions,
} from './display';

// ── Data ────────────────────────────────────────────────────────────────────────
export { loadDigits, binarise, splitDigits, selectDigits, Digits, PIXELS } from './data/mnist';

// ── Studies: the problems the notebooks work on ──────────────────────────────────
// The squared-error toy E_q[Σ_k (y_k − t_k)²] (notebook 01).
export {
  squaredErrorLoss, squaredErrorExactLoss, squaredErrorExactGradient,
  SQUARED_ERROR_CATEGORICAL_TARGET, SQUARED_ERROR_BERNOULLI_TARGET, SQUARED_ERROR_INITIAL_LOGITS,
} from './studies/squared-error/problem';
export {
  meanGradient, MeanGradientOptions, findStationaryLogits, StationaryPointOptions, StationaryPoint,
} from './studies/squared-error/stationary-point';
export {
  optimizeMixtureRuns, MixtureRunsOptions, MixtureRecord, MixtureHistory, mixtureHistoryRows,
} from './studies/squared-error/mixture-runs';
// The entropy of a relaxed categorical (notebook 02).
export {
  ENTROPY_ESTIMATORS, EntropyEstimator, ENTROPY_ESTIMATOR_LABELS, entropyEstimate, exactEntropy, surprisalStd,
  relaxedProportions, RelaxedProportions, categoricalFrequencies, repeatedEntropyEstimates, RepeatedEntropyEstimates,
} from './studies/relaxed-entropy/study';
// A discrete mixture of Gaussians (notebook 03).
export { GaussianMixtureModel, MixtureParameters, PARAMETER_NAMES, ParameterName } from './studies/gaussian-mixture/model';
export {
  exactMixtureGradient, elementaryMixtureGradient, gumbelSoftmaxMixtureGradient, scoreFunctionMixtureGradient,
  MixtureGradient, MixtureSampling, elementaryMean, gumbelMean, flattenGradient, flatParameterNames,
} from './studies/gaussian-mixture/gradients';
// Reparameterisation on a Gaussian, and a port of a PyTorch Gumbel-Softmax sampler (notebook 04).
export { gaussianGradientTerms, GaussianGradientTerms } from './studies/gaussian-reparameterisation/gradient-terms';
export {
  portedPyTorchSampler, portedPyTorchGumbel, correctGumbelSoftmaxSampler, PORTED_SAMPLER_EPSILON,
} from './studies/pytorch-sampler-port/sampler';
// A sampled argmax layer (notebook 05).
export {
  ToyArgmaxModel, ARGMAX_HEADS, ArgmaxHead, ArgmaxStep, shuffledArray, trainToyArgmax, toyArgmaxAccuracy,
} from './studies/toy-argmax/model';
// The categorical VAE on MNIST (notebook 06).
export {
  CategoricalVae, CategoricalVaeConfig, VAE_CONFIGS, Mlp, vaeObjective, vaeKlTerm, VaeObjectiveOptions,
  VAE_ESTIMATORS, VaeEstimator, VAE_KL_TERMS, VaeKlTerm, evaluateVae, EvaluateOptions, VaeEvaluation,
  trainVae, TrainVaeOptions, VaeHistory, vaeHistoryRows, vaeHeldOutRows, reconstructDigits, samplePrior, imageRows, ImageRow,
} from './studies/categorical-vae';
