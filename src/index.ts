/**
 * discrete-gradients: Monte Carlo gradient estimators for discrete random variables,
 * on TensorFlow.js, each measured against the exact answer.
 *
 * The public API, grouped. Everything a notebook or a user's project needs is named
 * here and nowhere else; modules not listed are the library's plumbing.
 */
import * as tf from '@tensorflow/tfjs';
import * as entropy from './estimators/entropy/entropy-functions';
import * as kl from './estimators/entropy/kl-functions';

/** TensorFlow.js itself, so that notebooks use the very instance the library uses. */
export { tf };

// ── Backend and randomness ──────────────────────────────────────────────────────
export { initBackend, backend, availableBackends, BACKEND_NAMES, BackendName, BACKEND_ENV } from './backend';
export { Random, Seed } from './random';

// ── Distributions (TensorFlow Probability's names) ───────────────────────────────
export {
  Distribution, DistributionOptions,
  OneHotCategorical, Bernoulli, RelaxedOneHotCategorical, RelaxedBernoulli,
  FactorizedDiscreteFlowsMixture, FactorizedDiscreteFlowsMixtureOptions, MDNF_EPSILON,
  LogitsOrProbs, SIMPLEX_TOLERANCE, NestedNumbers, TensorInput,
} from './distributions';

// ── Gradient estimators: estimateGradient(name, problem, options) ────────────────
export {
  estimateGradient, ESTIMATOR_NAMES, RELAXED_ESTIMATORS, ESTIMATOR_FAMILIES, EstimatorName, EstimatorOptions,
  exact, reinforce, gumbelSoftmax, stGumbelSoftmax,
  straightThroughEstimator, reinmax, gumbelRao, GumbelRaoOptions, DEFAULT_CONDITIONAL_SAMPLES, MAX_CONDITIONAL_NOISE,
  arm, disarm, rebar, relax, RebarOptions, RelaxOptions, ControlVariateOptions,
  RebarControlVariate, RelaxControlVariate, RebarControlVariateOptions, RelaxControlVariateOptions, ControlVariateLayout,
  sumAndSample, SumAndSampleOptions,
  GradientProblem, Family, FAMILIES, SampleLoss, GradientEstimate, GradientEstimator, ParameterGradientsEstimate,
  SamplingOptions, RelaxedOptions, ReinforceOptions, ExactOptions,
  Baseline, BASELINE_NAMES, MovingAverageBaseline, centredLosses,
  exactObjective, enumerateOutcomes, eventSpaceSize, MAX_EXACT_EVENTS, relaxedSample,
  straightThrough, stopGradient, pathwiseGradient, PathwiseProblem,
} from './estimators';

// ── Entropy and KL terms: estimateEntropy / estimateKL(variant, problem, options) ─
export {
  estimateEntropy, estimateKL, ENTROPY_VARIANTS, EntropyVariant, EntropyVariantOptions, KLVariantOptions, OptionsArgument,
  EntropyProblem, KLProblem, AnalyticOptions, ConcreteKLOptions,
} from './estimators/entropy';
/** One function per variant, as tfjs groups `tf.losses`: `entropy.analytic(logits)`, `kl.relaxedLogMass(problem, options)`, … */
export { entropy, kl };

// ── Diagnostics: repeated estimates against the exact answer ─────────────────────
export { gradientStatistics, GradientStatistics } from './diagnostics/gradient-statistics';
export { repeatEstimates, RepeatedEstimates, MAX_REPEATS } from './diagnostics/repeat-estimates';

// ── Training ────────────────────────────────────────────────────────────────────
export {
  optimize, OptimizeOptions, TrainingRecord, LoopOptions, MAX_TRAINING_STEPS, historyRows, HistoryRow,
  TemperatureSchedule, constantTemperature, exponentialAnnealing, ExponentialAnnealingOptions,
} from './train';

// ── Display: Vega-Lite charts with an SVG fallback ───────────────────────────────
export {
  show, showMarkdown, LiveDisplay, chartBundle, renderSvg, chartDirectory, VEGA_LITE_MIME, ChartSpec, MimeBundle, Row, BaseOptions,
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
  optimizeMixtureRuns, MixtureRuns, MixtureRunsOptions, MixtureRunRecord,
} from './studies/squared-error/mixture-runs';
export {
  expectedStGumbelSoftmaxGradient, StraightThroughMeanProblem, StraightThroughMeanOptions,
  MIN_QUADRATURE_TEMPERATURE, MAX_CELLS_PER_UNIT,
} from './studies/squared-error/straight-through-mean';
// The entropy of a relaxed categorical (notebook 02).
export {
  ENTROPY_VARIANT_LABELS, exactEntropy, EntropyValueAndGrad, surprisalStd,
  relaxedProportions, RelaxedProportions, categoricalFrequencies, repeatEntropyEstimates, RepeatedEntropyEstimates,
  exactNegativeElbo, exactVaeGradient, trainByExactElbo, ExactElboRecord, ExactElboTrainingOptions, VaeGradient, MAX_LATENT_CONFIGURATIONS,
  repeatVaeGradients, VaeGradientOptions, RepeatedVaeGradients,
} from './studies/relaxed-entropy';
// A discrete mixture of Gaussians (notebook 03).
export {
  GaussianMixtureModel, MixtureParameters, PARAMETER_NAMES, ParameterName, MixtureGradient,
  estimateMixtureGradient, MIXTURE_GRADIENT_METHODS, MixtureGradientMethod, MixtureGradientOptions,
  exactMixtureGradient, elementaryMixtureGradient, gumbelSoftmaxMixtureGradient, scoreFunctionMixtureGradient,
  ElementaryMixtureOptions, MixtureSamplingOptions, MixtureRelaxedOptions, MixtureScoreFunctionOptions,
  elementaryMean, gumbelMean, flattenGradient, flatParameterNames,
} from './studies/gaussian-mixture';
// Reparameterisation on a Gaussian, and a port of a PyTorch Gumbel-Softmax sampler (notebook 04).
export {
  estimateGaussianGradient, compareGaussianGradients, GAUSSIAN_GRADIENT_METHODS, GaussianGradientMethod,
  GaussianProblem, GaussianParameter, GaussianGradientEstimate,
} from './studies/gaussian-reparameterisation/gradients';
export {
  portedPyTorchSampler, portedPyTorchGumbel, correctGumbelSoftmaxSampler, PORTED_SAMPLER_EPSILON,
} from './studies/pytorch-sampler-port/sampler';
// A sampled argmax layer (notebook 05).
export {
  ToyArgmaxModel, ToyArgmaxOptions, ARGMAX_HEADS, ArgmaxHead, TOY_ARGMAX_LOSSES, ToyArgmaxLoss,
} from './studies/toy-argmax/model';
export { shuffledArray, MAX_TOY_VALUES } from './studies/toy-argmax/data';
export { trainToyArgmax, toyArgmaxAccuracy, ToyArgmaxRecord, ToyArgmaxTrainingOptions, ToyArgmaxData } from './studies/toy-argmax/train';
export { absWithSignGradient } from './studies/toy-argmax/abs-with-sign-gradient';
// The categorical VAE on MNIST (notebook 06).
export {
  CategoricalVae, CategoricalVaeConfig, VAE_CONFIGS, Mlp, vaeObjective, vaeKlTerm, VaeObjectiveOptions,
  VAE_ESTIMATORS, VaeEstimator, VAE_KL_TERMS, VaeKlTerm, DEFAULT_VAE_CONDITIONAL_SAMPLES, evaluateVae, EvaluateOptions, VaeEvaluation,
  compareBounds, pairedDifference, PairedDifference, independentPixelBaseline, PixelBaseline,
  exactVaeBound, exactVaeBoundGradient, MAX_EXACT_TUPLES, multiSampleBound, vimcoLearningSignals,
  trainVae, TrainVaeOptions, VaeTrainingData, VaeRecord, reconstructDigits, samplePrior, imageRows, ImageRow,
} from './studies/categorical-vae';
// The estimator zoo (notebook 07).
export {
  ZooProblem, squaredErrorToy, thresholdToy, coupledBernoulli, coupledCategorical,
  ZooEntry, ZooRow, CompareOptions, compareAtEqualCost, samplesForBudget,
  tuneControlVariate, TuningOptions, TuningReport,
  descendOnEstimates, DescentEntry, DescentOptions, DescentRecord, DescentRun,
} from './studies/estimator-zoo';
