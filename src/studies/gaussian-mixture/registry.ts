/**
 * The Gaussian mixture's gradient methods by name, with one call shape, as
 * `estimateGradient` has for the discrete estimators:
 *
 *     estimateMixtureGradient(method, model, options) → { loss, grads, lossEvaluations }
 *
 * The options are typed per method (`MixtureGradientOptions[method]`).
 */
import { ExactOptions } from '../../estimators/exact';
import { fail } from '../../validate';
import {
  elementaryMixtureBody, ElementaryMixtureOptions, exactMixtureBody, gumbelSoftmaxMixtureBody, MixtureGradientBody,
  MixtureRelaxedOptions, MixtureScoreFunctionOptions, scoreFunctionMixtureBody,
} from './gradients';
import { checkModel, GaussianMixtureModel, MixtureGradient } from './model';

/** The options each method takes, by name. */
export interface MixtureGradientOptions {
  exact: ExactOptions | undefined;
  elementary: ElementaryMixtureOptions;
  'gumbel-softmax': MixtureRelaxedOptions;
  'score-function': MixtureScoreFunctionOptions;
}

/** The names `estimateMixtureGradient` accepts. */
export type MixtureGradientMethod = keyof MixtureGradientOptions;

const BODIES: { [M in MixtureGradientMethod]: MixtureGradientBody<MixtureGradientOptions[M]> } = {
  exact: exactMixtureBody,
  elementary: elementaryMixtureBody,
  'gumbel-softmax': gumbelSoftmaxMixtureBody,
  'score-function': scoreFunctionMixtureBody,
};

/** Every method name: the exact answer first, then the estimators from least to most sampled. */
export const MIXTURE_GRADIENT_METHODS: readonly MixtureGradientMethod[] = Object.freeze(Object.keys(BODIES) as MixtureGradientMethod[]);

/**
 * Runs the Gaussian-mixture gradient method called `method` on `model`.
 *
 * Each method's function (`exactMixtureGradient`, `elementaryMixtureGradient`,
 * `gumbelSoftmaxMixtureGradient`, `scoreFunctionMixtureGradient`) documents its loss
 * and its loss evaluations; errors name `estimateMixtureGradient('<method>')`.
 *
 * @example
 * const model = new GaussianMixtureModel({ seed: 36 });
 * const options = { numSamples: 100, numNoise: 1000, seed: 2, temperature: 0.1, baseline: 'leave-one-out' as const };
 * for (const method of MIXTURE_GRADIENT_METHODS) {
 *   const { loss, grads, lossEvaluations } = estimateMixtureGradient(method, model, options);
 *   console.log(method, loss, lossEvaluations, grads.logP);
 * }
 * model.dispose();
 */
export function estimateMixtureGradient<M extends MixtureGradientMethod>(
  method: M, model: GaussianMixtureModel, options: MixtureGradientOptions[M],
): MixtureGradient {
  if (typeof method !== 'string' || !Object.prototype.hasOwnProperty.call(BODIES, method)) {
    fail('estimateMixtureGradient', 'method', `one of ${MIXTURE_GRADIENT_METHODS.join(', ')}`, method);
  }
  const fn = `estimateMixtureGradient('${method}')`;
  return (BODIES[method] as MixtureGradientBody<MixtureGradientOptions[M]>)(fn, checkModel(fn, model), options);
}
