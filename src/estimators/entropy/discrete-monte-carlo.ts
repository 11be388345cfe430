/**
 * The plain Monte Carlo estimate of H(q) or KL(q ‖ p) on exact draws of q, taken as the
 * rounded relaxed samples ẑ = ST(z) = onehot(argmax z) so that it has a gradient.
 */
import * as tf from '@tensorflow/tfjs';
import { RelaxedOptions } from '../options';
import { straightThrough } from '../straight-through';
import { EntropyProblem, entropyOrKL, KLProblem, TermBody, withProblemObject } from './problem';
import { meanLogRatioAt, relaxedDraws } from './relaxed-draws';

/** The body of the 'discrete-monte-carlo' variant, shared with the registry. */
export const discreteMonteCarloBody: TermBody<RelaxedOptions> = (problem, options) =>
  entropyOrKL(problem, meanLogRatioAt(straightThrough(relaxedDraws(problem, options)), problem));

/**
 * H(q) by Monte Carlo on discretised relaxed samples: −(1/n) Σ_i Σ_k ẑ_ik log π_k with
 * ẑ_i = onehot(argmax z_i), z_i ~ Concrete(logits, τ). Since argmax z is an exact draw
 * of q at every τ (the Gumbel-max trick; the rounding property of [1], §3), the value
 * is unbiased for H, with standard error sd(log q(y))/√n. The gradient is the
 * straight-through one, biased for τ > 0: τ changes the gradient, never the value.
 *
 * Shapes: logits [...batch, K] → [...batch]. Options: numSamples n ≥ 1, seed, temperature τ > 0.
 *
 * [1] Maddison, Mnih & Teh 2017, "The Concrete distribution".
 *
 * @example
 * const logits = [Math.log(0.5), Math.log(0.25), Math.log(0.125), Math.log(0.125)];
 * entropy.discreteMonteCarlo({ logits }, { numSamples: 10_000, seed: 0, temperature: 1 }).print();  // ≈ 1.213 = H
 */
export function discreteMonteCarloEntropy(problem: EntropyProblem, options: RelaxedOptions): tf.Tensor {
  return withProblemObject('entropy.discreteMonteCarlo', problem, false, (p) => discreteMonteCarloBody(p, options));
}

/**
 * KL(q ‖ p) by Monte Carlo on discretised relaxed samples, (1/n) Σ_i Σ_k ẑ_ik (log π_k − log p_k):
 * unbiased at every τ, with the straight-through gradient. The prior is uniform unless
 * `priorLogits` is given.
 *
 * Shapes: logits [...batch, K], priorLogits [K] (or broadcasting) → [...batch].
 *
 * @example
 * kl.discreteMonteCarlo({ logits: [2, 0, 0] }, { numSamples: 10_000, seed: 0, temperature: 1 }).print();  // ≈ 0.433
 */
export function discreteMonteCarloKL(problem: KLProblem, options: RelaxedOptions): tf.Tensor {
  return withProblemObject('kl.discreteMonteCarlo', problem, true, (p) => discreteMonteCarloBody(p, options));
}
