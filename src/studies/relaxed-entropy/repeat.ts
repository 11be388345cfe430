/**
 * M independent estimates of H(q) and of its gradient by one variant, collected as plain
 * numbers: the input of the notebook's bias and variance tables against `exactEntropy`.
 */
import * as tf from '@tensorflow/tfjs';
import { EntropyProblem, EntropyVariant, EntropyVariantOptions } from '../../estimators/entropy';
import { checkEntropyOptions, checkEntropyVariant, entropyByName } from '../../estimators/entropy/registry';
import { Seed, toRandom } from '../../random';
import { MAX_REPEATS } from '../../diagnostics/repeat-estimates';
import { guardedValueAndGrad } from '../../estimators/guarded-gradient';
import { checkBudget, checkPositiveInteger, fail } from '../../validate';
import { withProblemLogits } from './category-vector';

/** Labels for legends, by variant. */
export const ENTROPY_VARIANT_LABELS: Readonly<Record<EntropyVariant, string>> = Object.freeze({
  'discrete-monte-carlo': 'discrete MC (ST)',
  'relaxed-log-mass': 'relaxed log-mass (eq. 21)',
  'concrete-monte-carlo': 'Concrete MC',
  analytic: 'analytic (eq. 22)',
});

/** What `repeatEntropyEstimates` collects. */
export interface RepeatedEntropyEstimates {
  variant: EntropyVariant;
  /** The options' temperature (undefined if none was given). */
  temperature: number | undefined;
  /** The M values, each an estimate of H(q) (or of what the variant targets). */
  values: number[];
  /** The M gradients with respect to the logits, each [K]. */
  grads: number[][];
  mean: number;
  /** Standard deviation of one estimate, over the M repeats. */
  sd: number;
}

/**
 * Runs the entropy variant `variant` `repeats` times and collects every value and
 * gradient. Each repetition draws from its own stream, split from `options.seed`, so
 * the repetitions are independent, and two calls with the same seed (other variants
 * or temperatures included) see the same noise.
 *
 * Shapes: logits [K], a tensor or plain numbers; `grads` M × [K]. At most MAX_REPEATS
 * repetitions, and numSamples · K ≤ 2^28.
 *
 * @example
 * const logits = [Math.log(0.5), Math.log(0.25), Math.log(0.125), Math.log(0.125)];
 * const r = repeatEntropyEstimates('relaxed-log-mass', { logits }, { temperature: 1, numSamples: 1000, seed: 0 }, 100);
 * gradientStatistics(r.grads, exactEntropy(logits).grad).cosine;
 */
export function repeatEntropyEstimates<V extends EntropyVariant>(
  variant: V, problem: EntropyProblem, options: EntropyVariantOptions[V], repeats: number,
): RepeatedEntropyEstimates {
  const fn = 'repeatEntropyEstimates';
  const checked = checkEntropyVariant(fn, variant);
  checkPositiveInteger(fn, 'repeats', repeats);
  if (repeats > MAX_REPEATS) fail(fn, 'repeats', `at most ${MAX_REPEATS}`, repeats);
  checkEntropyOptions(fn, checked, options); // here, not inside the gradient tape below
  const seed = (options as { seed?: Seed } | undefined)?.seed;
  // The analytic variant draws nothing and needs no seed; every other one does.
  const rng = checked === 'analytic' && seed === undefined ? null : toRandom(seed as Seed, fn);
  const values: number[] = [];
  const grads: number[][] = [];
  withProblemLogits(fn, problem, (logits) => {
    const numSamples = (options as { numSamples?: number } | undefined)?.numSamples;
    // Checked here, not by the sampler inside the tape, so that the error names this function.
    if (numSamples !== undefined) checkBudget(fn, 'numSamples × K', numSamples * logits.size);
    for (let r = 0; r < repeats; r++) {
      const step = (rng === null ? options : { ...options, seed: rng.split() }) as EntropyVariantOptions[V];
      tf.tidy(() => {
        const f = (l: tf.Tensor) => entropyByName(fn, checked, { logits: l }, step) as tf.Scalar;
        const { value, grad } = guardedValueAndGrad(f, logits);
        values.push(value.dataSync()[0]);
        grads.push(Array.from(grad.dataSync()));
      });
    }
  });
  const mean = values.reduce((a, v) => a + v, 0) / repeats;
  const sd = repeats > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (repeats - 1)) : 0;
  const temperature = (options as { temperature?: number } | undefined)?.temperature;
  return { variant: checked, temperature, values, grads, mean, sd };
}
