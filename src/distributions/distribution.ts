/**
 * What every distribution here offers, named as in TensorFlow Probability: shapes,
 * whether samples are reparameterised, sampling from a seed, log-probabilities, and
 * the parameter views.
 */
import * as tf from '@tensorflow/tfjs';
import { Seed } from '../random';
import { fail } from '../validate';
import { TensorInput } from './checks';

/** The option that every distribution's constructor takes. */
export interface DistributionOptions {
  /**
   * Check argument values (default true): in the constructor, that the parameters are
   * finite and that probs lie in range (on the simplex, for one-hot events); in
   * `logProb`, that x lies in the support. Each check reads a few numbers back from
   * the backend, the slow part of a small step. Shapes and options are checked either
   * way. Turn it off only where the values were already checked, as the library's own
   * training loops do: they check their inputs once, then build a distribution with
   * `validateArgs: false` at every step.
   */
  validateArgs?: boolean;
}

/**
 * The interface the distributions share.
 *
 * Shapes: a sample of n draws is [n, ...batchShape, ...eventShape]; `logProb` maps
 * [...sampleShape, ...batchShape, ...eventShape] to [...sampleShape, ...batchShape].
 *
 * @example
 * const all: Distribution[] = [new Bernoulli({ logits: [0.5] }), new OneHotCategorical({ probs: [0.2, 0.8] })];
 * for (const d of all) console.log(d.name, d.batchShape, d.eventShape, d.reparameterized);
 * all.forEach((d) => d.dispose());
 */
export interface Distribution {
  /** The class name, which error messages start with. */
  readonly name: string;
  /** Shape of the independent distributions held. */
  readonly batchShape: number[];
  /** Shape of one draw of one of them: [K] for one-hot events, [] for binary ones. */
  readonly eventShape: number[];
  /** True when gradients of `sample` with respect to the parameters are exact pathwise derivatives. */
  readonly reparameterized: boolean;
  /** Whether argument values are checked (see `DistributionOptions`). */
  readonly validateArgs: boolean;
  /** `n` draws, [n, ...batchShape, ...eventShape]; `seed` is a whole number or a `Random`, which advances. */
  sample(n: number, seed: Seed): tf.Tensor;
  /** Log-probability (or log-density) of x, [...sampleShape, ...batchShape]. */
  logProb(x: TensorInput): tf.Tensor;
  /** Normalised log-probabilities as a new tensor, which the caller disposes. */
  logitsParameter(): tf.Tensor;
  /** Probabilities as a new tensor, which the caller disposes. */
  probsParameter(): tf.Tensor;
  /** Frees the tensors the distribution owns. */
  dispose(): void;
}

/** The `validateArgs` option of `options`, checked: true unless it is given as false. */
export function readValidateArgs(fn: string, options: DistributionOptions): boolean {
  const value = options.validateArgs;
  if (value !== undefined && typeof value !== 'boolean') fail(fn, 'validateArgs', 'true or false', value);
  return value ?? true;
}
