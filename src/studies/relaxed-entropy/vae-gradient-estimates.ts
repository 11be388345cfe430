/**
 * Repeated gradient estimates of a categorical VAE's training objective, for one
 * gradient estimator and one KL treatment, read back as numbers: what notebook 02
 * measures against `exactVaeGradient`.
 */
import * as tf from '@tensorflow/tfjs';
import { TensorInput } from '../../distributions/checks';
import { MAX_REPEATS } from '../../diagnostics/repeat-estimates';
import { Seed, toRandom } from '../../random';
import { checkPositiveInteger, fail } from '../../validate';
import { CategoricalVae } from '../categorical-vae/categorical-vae';
import { checkObjectiveSizes, vaeObjective } from '../categorical-vae/objective';
import { checkObjectiveOptions, VaeEstimator, VaeKlTerm } from '../categorical-vae/objective-options';
import { variableGradient, withBinaryBatch } from './tiny-vae';

/** Options of `repeatVaeGradients`: those of `vaeObjective`, with a seed instead of a generator. */
export interface VaeGradientOptions {
  estimator: VaeEstimator;
  kl: VaeKlTerm;
  /** τ > 0 of the relaxed samples. */
  temperature: number;
  /** λ > 0 of the Concrete prior (kl 'concrete-monte-carlo'); default τ. */
  priorTemperature?: number;
  /** S samples per datum in each estimate (REINFORCE's leave-one-out baseline needs S ≥ 2). */
  numSamples: number;
  seed: Seed;
}

/** M estimates, each over S samples per datum. */
export interface RepeatedVaeGradients {
  /** The training objective's value of each estimate (relaxed for the relaxed treatments). */
  objectives: number[];
  /** M flattened encoder gradients, each as `exactVaeGradient(...).encoder`. */
  encoder: number[][];
  /** M flattened decoder gradients. */
  decoder: number[][];
}

/**
 * Runs `vaeObjective` `repeats` times on the batch x and collects each gradient with
 * respect to the encoder's and the decoder's variables. Each repetition draws from its
 * own stream split from `seed`, so the repetitions are independent; two calls with the
 * same seed, S and estimator draw the same noise, whatever the KL treatment, so their
 * differences are the KL terms' own.
 *
 * Shapes: x [b, D] binary; `encoder` M × [encoder parameters], `decoder` M × [decoder
 * parameters]. At most MAX_REPEATS repetitions.
 *
 * @example
 * const vae = new CategoricalVae({ numLatents: 2, numCategories: 3, hidden: [8], numPixels: 4, seed: 0 });
 * const x = [[1, 0, 1, 1], [0, 0, 1, 0]];
 * const runs = repeatVaeGradients(vae, x, { estimator: 'st-gumbel-softmax', kl: 'relaxed-log-mass', temperature: 0.5, numSamples: 100, seed: 1 }, 10);
 * gradientStatistics(runs.encoder, exactVaeGradient(vae, x).encoder).biasNorm;
 * vae.dispose();
 */
export function repeatVaeGradients(model: CategoricalVae, x: TensorInput, options: VaeGradientOptions, repeats: number): RepeatedVaeGradients {
  const fn = 'repeatVaeGradients';
  if (options === null || typeof options !== 'object') fail(fn, 'options', 'an object {estimator, kl, temperature, numSamples, seed}', options);
  const rng = toRandom(options.seed, fn);
  // Checked here, so that errors name this function (the tape is guarded as well).
  const checked = checkObjectiveOptions(fn, { ...options, rng });
  checkPositiveInteger(fn, 'repeats', repeats);
  if (repeats > MAX_REPEATS) fail(fn, 'repeats', `at most ${MAX_REPEATS}`, repeats);
  return withBinaryBatch(fn, model, x, (data) => {
    checkObjectiveSizes(fn, model, data.shape[0], checked);
    const out: RepeatedVaeGradients = { objectives: [], encoder: [], decoder: [] };
    for (let r = 0; r < repeats; r++) {
      const step = { ...checked, rng: rng.split() };
      const g = variableGradient(model, () => vaeObjective(model, data, step));
      out.objectives.push(g.objective);
      out.encoder.push(g.encoder);
      out.decoder.push(g.decoder);
    }
    return out;
  });
}
