/**
 * The entropy and KL of the continuous relaxation itself: Monte Carlo over Concrete
 * densities instead of categorical masses, as in the fully relaxed objective of [1].
 *
 * [1] Maddison, Mnih & Teh 2017, "The Concrete distribution".
 */
import * as tf from '@tensorflow/tfjs';
import { logSoftmax } from '../../kernels/log-softmax';
import { concreteLogDensity } from '../../kernels/concrete-log-density';
import { concreteMeanLogRatio } from '../../kernels/concrete-monte-carlo';
import { checkPositive, orDefault } from '../../validate';
import { checkSampling, checkTemperature, RelaxedOptions } from '../options';
import { EntropyProblem, entropyOrKL, KLProblem, TermBody, withProblemObject } from './problem';
import { relaxedNoise } from './relaxed-draws';

/** Options of the Concrete KL: those of every relaxed variant, and the prior's own temperature. */
export interface ConcreteKLOptions extends RelaxedOptions {
  /** λ of the relaxed prior, finite and > 0; default τ. */
  priorTemperature?: number;
}

/**
 * log q_τ(z) − log p_λ(z) at points z [n, ...batch, K] of the open simplex, or log q_τ(z)
 * alone when `logPrior` is null: → [n, ...batch]. logPi and logPrior are normalised
 * log-probabilities. For points the library drew itself (no check that they are on the simplex).
 */
export function concreteLogRatio(
  logPi: tf.Tensor, logPrior: tf.Tensor | null, points: tf.Tensor, temperature: number, priorTemperature: number,
): tf.Tensor {
  return tf.tidy(() => {
    const logQ = concreteLogDensity(logPi, points, temperature);
    return logPrior === null ? logQ : tf.sub(logQ, concreteLogDensity(logPrior, points, priorTemperature));
  });
}

/** The body of the 'concrete-monte-carlo' variant, shared with the registry. */
export const concreteMonteCarloBody: TermBody<ConcreteKLOptions> = (problem, options) => {
  const { fn, logits, logPrior } = problem;
  checkSampling(fn, options);
  const temperature = checkTemperature(fn, options);
  // Checked before drawing, so a refused call leaves a caller's Random where it was.
  const priorTemperature = logPrior === null ? temperature : checkPositive(fn, 'priorTemperature', orDefault(options.priorTemperature, temperature));
  // Sampling, the densities and the mean in one kernel where it runs (src/kernels/concrete-monte-carlo.ts).
  const noise = relaxedNoise(problem, options);
  return entropyOrKL(problem, concreteMeanLogRatio(logits, noise, logSoftmax(logits), logPrior, temperature, priorTemperature));
};

/**
 * The differential entropy of Concrete(logits, τ), −(1/n) Σ_i log p_τ(z_i) with
 * z_i ~ Concrete(logits, τ) and p_τ the Concrete density of [1] (its eq. for the
 * density, in log space). Not an estimate of H(q): it can be negative, is at most
 * −log (K − 1)! (the log-volume of the simplex in the first K − 1 coordinates), and
 * goes to −∞ as τ → 0 and as τ → ∞. Below about τ = 0.2 (for K = 4) small coordinates
 * of z fall below float32's normal range and are kept at 2^−126, so the value stays
 * finite but is no longer accurate.
 *
 * Shapes: logits [...batch, K] → [...batch]. Options: numSamples n ≥ 1, seed, temperature τ > 0.
 *
 * @example
 * const logits = [Math.log(0.5), Math.log(0.25), Math.log(0.125), Math.log(0.125)];
 * entropy.concreteMonteCarlo({ logits }, { numSamples: 10_000, seed: 0, temperature: 1 }).print();  // ≈ −2.7
 */
export function concreteMonteCarloEntropy(problem: EntropyProblem, options: RelaxedOptions): tf.Tensor {
  return withProblemObject('entropy.concreteMonteCarlo', problem, false, (p) => concreteMonteCarloBody(p, options));
}

/**
 * The KL between Concrete densities, (1/n) Σ_i [log q_τ(z_i) − log p_λ(z_i)] with
 * z_i ~ Concrete(logits, τ) and the prior relaxed at λ (default τ): the KL term of the
 * fully relaxed objective of [1]. With λ = τ the τ terms cancel sample by sample, so
 * the value does not depend on τ; it does not approach the categorical KL as τ → 0.
 * The prior's logits are uniform unless `priorLogits` is given.
 *
 * Shapes: logits [...batch, K], priorLogits [K] (or broadcasting) → [...batch].
 *
 * @example
 * kl.concreteMonteCarlo({ logits: [2, 0, 0] }, { numSamples: 10_000, seed: 0, temperature: 1 }).print();
 * kl.concreteMonteCarlo({ logits: [2, 0, 0] }, { numSamples: 10_000, seed: 0, temperature: 1, priorTemperature: 0.5 }).print();
 */
export function concreteMonteCarloKL(problem: KLProblem, options: ConcreteKLOptions): tf.Tensor {
  return withProblemObject('kl.concreteMonteCarlo', problem, true, (p) => concreteMonteCarloBody(p, options));
}
