/** The categorical VAE on MNIST digits (Jang et al. 2017, Maddison et al. 2017) and the estimators it trains with. */
export { Mlp } from './mlp';
export { CategoricalVae, CategoricalVaeConfig, VAE_CONFIGS } from './categorical-vae';
export { VaeObjectiveOptions, VAE_ESTIMATORS, VaeEstimator, VAE_KL_TERMS, VaeKlTerm, DEFAULT_VAE_CONDITIONAL_SAMPLES } from './objective-options';
export { vaeObjective, vaeKlTerm } from './objective';
export { straightThroughCodes, reinmaxCodes, gumbelRaoCodes } from './straight-through-codes';
export { multiSampleBound, vimcoLearningSignals, vimcoSurrogate } from './vimco';
export { evaluateVae, EvaluateOptions, VaeEvaluation } from './evaluate';
export { compareBounds, pairedDifference, PairedDifference } from './compare';
export { independentPixelBaseline, PixelBaseline } from './pixel-baseline';
export { exactVaeBound, exactVaeBoundGradient, MAX_EXACT_TUPLES } from './exact-bound';
export { trainVae, TrainVaeOptions, VaeTrainingData, VaeRecord } from './train';
export { reconstructDigits, samplePrior, imageRows, ImageRow } from './generate';
