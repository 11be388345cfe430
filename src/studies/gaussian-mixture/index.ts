/** A discrete mixture of Gaussians and four ways to get the gradient of E[z²] (notebook 03). */
export { GaussianMixtureModel, MixtureParameters, PARAMETER_NAMES, ParameterName, MixtureGradient } from './model';
export {
  exactMixtureGradient, elementaryMixtureGradient, gumbelSoftmaxMixtureGradient, scoreFunctionMixtureGradient,
  ElementaryMixtureOptions, MixtureSamplingOptions, MixtureRelaxedOptions, MixtureScoreFunctionOptions,
} from './gradients';
export { estimateMixtureGradient, MIXTURE_GRADIENT_METHODS, MixtureGradientMethod, MixtureGradientOptions } from './registry';
export { elementaryMean, gumbelMean, flattenGradient, flatParameterNames } from './summaries';
