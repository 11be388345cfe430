/**
 * Eq. 21 of [1]: the categorical log-mass evaluated at relaxed samples instead of at
 * discrete ones. A relaxed objective: it equals H(q) or the KL only as τ → 0.
 *
 * [1] Maddison, Mnih & Teh 2017, "The Concrete distribution".
 */
import * as tf from '@tensorflow/tfjs';
import { RelaxedOptions } from '../options';
import { EntropyProblem, entropyOrKL, KLProblem, TermBody, withProblemObject } from './problem';
import { meanLogRatioAt, relaxedDraws } from './relaxed-draws';

/** The body of the 'relaxed-log-mass' variant, shared with the registry. */
export const relaxedLogMassBody: TermBody<RelaxedOptions> = (problem, options) =>
  entropyOrKL(problem, meanLogRatioAt(relaxedDraws(problem, options), problem));

/**
 * The categorical log-mass at relaxed samples, −(1/n) Σ_i Σ_k z_ik log π_k with
 * z_i ~ Concrete(logits, τ): eq. 21 of [1] for the entropy. Its mean is the
 * cross-entropy −Σ_k E[z_k] log π_k, and E[z] is flatter than π at high τ, so it
 * overestimates H(q) there (1.53 at τ = 10 and 1.31 at τ = 1 for π = (½, ¼, ⅛, ⅛),
 * H = 1.213); it tends to H(q) as τ → 0, where E[z] → π. Its gradient is that of the
 * relaxed objective, not ∇H.
 *
 * Shapes: logits [...batch, K] → [...batch]. Options: numSamples n ≥ 1, seed, temperature τ > 0.
 *
 * @example
 * const logits = [Math.log(0.5), Math.log(0.25), Math.log(0.125), Math.log(0.125)];
 * entropy.relaxedLogMass({ logits }, { numSamples: 10_000, seed: 0, temperature: 10 }).print();  // ≈ 1.53, above H = 1.213
 */
export function relaxedLogMassEntropy(problem: EntropyProblem, options: RelaxedOptions): tf.Tensor {
  return withProblemObject('entropy.relaxedLogMass', problem, false, (p) => relaxedLogMassBody(p, options));
}

/**
 * The categorical log-ratio at relaxed samples, (1/n) Σ_i Σ_k z_ik (log π_k − log p_k):
 * eq. 21 of [1] for the KL term. The prior is uniform unless `priorLogits` is given.
 *
 * Shapes: logits [...batch, K], priorLogits [K] (or broadcasting) → [...batch].
 *
 * @example
 * kl.relaxedLogMass({ logits: [2, 0, 0] }, { numSamples: 10_000, seed: 0, temperature: 0.1 }).print();  // ≈ 0.43, the KL
 */
export function relaxedLogMassKL(problem: KLProblem, options: RelaxedOptions): tf.Tensor {
  return withProblemObject('kl.relaxedLogMass', problem, true, (p) => relaxedLogMassBody(p, options));
}
