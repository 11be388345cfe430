/**
 * Every entropy and KL variant by name, with one call shape:
 *
 *     estimateEntropy(variant, { logits }, options)            → H(q), one value per variable
 *     estimateKL(variant, { logits, priorLogits? }, options)   → KL(q ‖ p), one value per variable
 *
 * The options are typed per variant (`EntropyVariantOptions[variant]`, `KLVariantOptions[variant]`).
 */
import * as tf from '@tensorflow/tfjs';
import { fail } from '../../validate';
import { checkSampling, checkTemperature, RelaxedOptions } from '../options';
import { analyticBody, AnalyticOptions, checkAnalyticOptions } from './analytic';
import { ConcreteKLOptions, concreteMonteCarloBody } from './concrete-monte-carlo';
import { discreteMonteCarloBody } from './discrete-monte-carlo';
import { CheckedTermProblem, EntropyProblem, KLProblem, TermBody, withProblemObject } from './problem';
import { relaxedLogMassBody } from './relaxed-log-mass';

/** The options each entropy variant takes, by name. */
export interface EntropyVariantOptions {
  /** Monte Carlo on rounded relaxed samples: unbiased in value, straight-through gradient. */
  'discrete-monte-carlo': RelaxedOptions;
  /** The categorical log-mass at relaxed samples (eq. 21 of Maddison et al. 2017). */
  'relaxed-log-mass': RelaxedOptions;
  /** Monte Carlo over the Concrete density: the relaxation's own (differential) entropy. */
  'concrete-monte-carlo': RelaxedOptions;
  /** The closed form (eq. 22 of Maddison et al. 2017); takes no options. */
  analytic: AnalyticOptions | undefined;
}

/** The options each KL variant takes: as for the entropy, with the Concrete prior's own temperature. */
export interface KLVariantOptions extends EntropyVariantOptions {
  'concrete-monte-carlo': ConcreteKLOptions;
}

/** The variant names `estimateEntropy` and `estimateKL` accept. */
export type EntropyVariant = keyof EntropyVariantOptions;

const BODIES: { [V in EntropyVariant]: TermBody<KLVariantOptions[V]> } = {
  'discrete-monte-carlo': discreteMonteCarloBody,
  'relaxed-log-mass': relaxedLogMassBody,
  'concrete-monte-carlo': concreteMonteCarloBody,
  analytic: analyticBody,
};

/** Every variant name, in the order the notebooks list them. */
export const ENTROPY_VARIANTS: readonly EntropyVariant[] = Object.freeze(Object.keys(BODIES) as EntropyVariant[]);

/** The options argument of `estimateEntropy`/`estimateKL`: optional where a variant takes none (or where TypeScript cannot tell which variant). */
export type OptionsArgument<O> = undefined extends O ? [options?: O] : [options: O];

/** Checks a variant name; `fn` is the function the user called, `arg` the argument that held it. */
export function checkEntropyVariant(fn: string, variant: unknown, arg = 'variant'): EntropyVariant {
  if (typeof variant !== 'string' || !Object.prototype.hasOwnProperty.call(BODIES, variant)) {
    fail(fn, arg, `one of ${ENTROPY_VARIANTS.join(', ')}`, variant);
  }
  return variant as EntropyVariant;
}

/**
 * The entropy H(q) of the categorical with the given logits, by the variant called
 * `variant`. Differentiable in the logits; see each variant's function for what its
 * value and gradient are: `entropy.discreteMonteCarlo`, `entropy.relaxedLogMass`,
 * `entropy.concreteMonteCarlo`, `entropy.analytic` ('analytic').
 *
 * Shapes: logits [...batch, K], a tensor or plain numbers → [...batch].
 *
 * @example
 * const logits = [Math.log(0.5), Math.log(0.25), Math.log(0.125), Math.log(0.125)];
 * for (const variant of ENTROPY_VARIANTS) {
 *   const h = estimateEntropy(variant, { logits }, { numSamples: 10_000, seed: 0, temperature: 1 });
 *   console.log(variant, h.dataSync()[0]);
 *   h.dispose();
 * }
 */
export function estimateEntropy<V extends EntropyVariant>(
  variant: V, problem: EntropyProblem, ...[options]: OptionsArgument<EntropyVariantOptions[V]>
): tf.Tensor {
  const checked = checkEntropyVariant('estimateEntropy', variant);
  return entropyByName(`estimateEntropy('${checked}')`, checked, problem, options as EntropyVariantOptions[V]);
}

/**
 * KL(q ‖ p) between categoricals, by the variant called `variant`; the prior is uniform
 * unless `priorLogits` is given. See `kl.discreteMonteCarlo`, `kl.relaxedLogMass`,
 * `kl.concreteMonteCarlo` and `kl.analytic` ('analytic').
 *
 * Shapes: logits [...batch, K], priorLogits [K] (or broadcasting) → [...batch].
 *
 * @example
 * const kl = estimateKL('relaxed-log-mass', { logits: [2, 0, 0], priorLogits: [0, 1, 1] }, { numSamples: 1000, seed: 0, temperature: 0.5 });
 * kl.print();
 * kl.dispose();
 */
export function estimateKL<V extends EntropyVariant>(
  variant: V, problem: KLProblem, ...[options]: OptionsArgument<KLVariantOptions[V]>
): tf.Tensor {
  const checked = checkEntropyVariant('estimateKL', variant);
  return withProblemObject(`estimateKL('${checked}')`, problem, true, (p) => runBody(checked, p, options as KLVariantOptions[V]));
}

/**
 * The library's own entry to the entropy variants, with `fn` naming the function the
 * user called in error messages. Not exported from the package.
 */
export function entropyByName<V extends EntropyVariant>(
  fn: string, variant: V, problem: EntropyProblem, options: EntropyVariantOptions[V],
): tf.Tensor {
  return withProblemObject(fn, problem, false, (p) => runBody(variant, p, options as KLVariantOptions[V]));
}

/**
 * Checks an entropy variant's options without drawing or computing anything, for callers
 * that must refuse bad options before a gradient tape is open (a throw inside
 * `tf.valueAndGrad` leaves the tape's saved tensors behind). Not exported from the package.
 */
export function checkEntropyOptions(fn: string, variant: EntropyVariant, options: unknown): void {
  if (variant === 'analytic') return checkAnalyticOptions(fn, options);
  checkSampling(fn, options as RelaxedOptions);
  checkTemperature(fn, options as RelaxedOptions);
}

function runBody<V extends EntropyVariant>(variant: V, problem: CheckedTermProblem, options: KLVariantOptions[V]): tf.Tensor {
  return (BODIES[variant] as TermBody<KLVariantOptions[V]>)(problem, options);
}
