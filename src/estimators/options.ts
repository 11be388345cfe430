/**
 * The options of the sampling estimators, typed per estimator so that a missing
 * temperature is a compile-time error where TypeScript sees the call, and a named
 * run-time error where it does not.
 */
import { MAX_DRAWS, Random, Seed, toRandom } from '../random';
import { checkPositive, checkPositiveInteger, fail } from '../validate';

/** Options of every Monte Carlo estimator. */
export interface SamplingOptions {
  /** n, the number of draws of q (see each estimator for what it evaluates per draw). */
  numSamples: number;
  /** A whole number, or a `Random` that advances (pass one `Random` across a loop). */
  seed: Seed;
}

/** Options of the estimators built on the Concrete (Gumbel-Softmax) relaxation. */
export interface RelaxedOptions extends SamplingOptions {
  /** τ of the relaxation, finite and > 0. */
  temperature: number;
}

/** Checks the options object and its sample count; returns the sample count. */
export function checkSampling(fn: string, options: SamplingOptions, minimum = 1): number {
  if (options === null || typeof options !== 'object') fail(fn, 'options', 'an object {numSamples, seed, ...}', options);
  const n = checkPositiveInteger(fn, 'numSamples', options.numSamples);
  if (n < minimum) fail(fn, 'numSamples', `at least ${minimum} for this estimator`, n);
  // Each sample takes at least one draw, and Random makes at most MAX_DRAWS in one call.
  if (n > MAX_DRAWS) fail(fn, 'numSamples', `at most ${MAX_DRAWS} (MAX_DRAWS)`, n);
  return n;
}

/** The relaxed estimators cannot run without a temperature: there is no silent default. */
export function checkTemperature(fn: string, options: RelaxedOptions): number {
  if (options.temperature === undefined) fail(fn, 'temperature', 'given for this estimator (a finite number > 0)', undefined);
  return checkPositive(fn, 'temperature', options.temperature);
}

/**
 * The checked options every relaxed estimator starts from: the sample count, the
 * temperature and the random stream, each refused with a message naming `fn`.
 */
export function checkRelaxed(fn: string, options: RelaxedOptions): { n: number; temperature: number; rng: Random } {
  const n = checkSampling(fn, options);
  return { n, temperature: checkTemperature(fn, options), rng: toRandom(options.seed, fn) };
}
