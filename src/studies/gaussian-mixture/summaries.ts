/**
 * Plain-number views of the Gaussian mixture for a notebook: the mean of μ(s), exactly
 * and over relaxed buckets, and the gradients flattened into one vector per estimate.
 */
import * as tf from '@tensorflow/tfjs';
import { relaxedSample } from '../../estimators/gumbel-softmax';
import { checkSampling, checkTemperature, RelaxedOptions } from '../../estimators/options';
import { toRandom } from '../../random';
import { fail } from '../../validate';
import { checkModel, GaussianMixtureModel, MixtureParameters, PARAMETER_NAMES } from './model';

/**
 * E[μ(s)] = Σ_s P_s μ_s, exactly.
 *
 * @example
 * const model = new GaussianMixtureModel({ seed: 36 });
 * elementaryMean(model);   // 0.6439…
 * model.dispose();
 */
export function elementaryMean(model: GaussianMixtureModel): number {
  checkModel('elementaryMean', model);
  return tf.tidy(() => tf.matMul(model.probs(), model.meanAndLogScale(model.allBuckets()).mu).dataSync()[0]);
}

/**
 * The mean of μ(s̃) over `numSamples` relaxed buckets s̃ at `temperature`: a Monte Carlo
 * estimate of `elementaryMean` whose bias vanishes as τ → 0 (at τ → ∞ every s̃ is the
 * centre of the simplex).
 *
 * @example
 * const model = new GaussianMixtureModel({ seed: 36 });
 * gumbelMean(model, { numSamples: 100, temperature: 0.01, seed: 1 });   // 0.6312…, elementaryMean ± 0.016
 * model.dispose();
 */
export function gumbelMean(model: GaussianMixtureModel, options: RelaxedOptions): number {
  const fn = 'gumbelMean';
  checkModel(fn, model);
  const n = checkSampling(fn, options);
  const temperature = checkTemperature(fn, options);
  const rng = toRandom(options.seed, fn);
  return tf.tidy(() => {
    const s = relaxedSample('categorical', model.params.logP, n, temperature, rng).reshape([n, model.buckets]) as tf.Tensor2D;
    return tf.mean(model.meanAndLogScale(s).mu).dataSync()[0];
  });
}

/**
 * All parameters' gradients as one flat vector, in PARAMETER_NAMES order (37 numbers for
 * K = 5, D = 10): the input `gradientStatistics` takes.
 *
 * @example
 * const model = new GaussianMixtureModel({ seed: 36 });
 * const g = flattenGradient(exactMixtureGradient(model).grads);   // Float64Array of 37 numbers
 * model.dispose();
 */
export function flattenGradient(grads: MixtureParameters<ArrayLike<number>>): Float64Array {
  if (grads === null || typeof grads !== 'object' || PARAMETER_NAMES.some((name) => !isNumberList((grads as unknown as Record<string, unknown>)[name]))) {
    fail('flattenGradient', 'grads', `an object of number arrays {${PARAMETER_NAMES.join(', ')}}`, grads);
  }
  return Float64Array.from(PARAMETER_NAMES.flatMap((name) => Array.from(grads[name])));
}

/**
 * For each entry of `flattenGradient`, the parameter it belongs to.
 *
 * @example
 * const model = new GaussianMixtureModel({ seed: 36 });
 * flatParameterNames(model).slice(0, 6);   // ['logP', 'logP', 'logP', 'logP', 'logP', 'A']
 * model.dispose();
 */
export function flatParameterNames(model: GaussianMixtureModel): string[] {
  if (!(model instanceof GaussianMixtureModel)) fail('flatParameterNames', 'model', 'a GaussianMixtureModel', model);
  return PARAMETER_NAMES.flatMap((name) => new Array<string>(model.params[name].size).fill(name));
}

/** An array or typed array (entries are not inspected). */
function isNumberList(value: unknown): boolean {
  return Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView));
}
