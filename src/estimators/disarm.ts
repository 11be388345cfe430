/**
 * DisARM (Dong, Mnih & Tucker 2020, "DisARM: An Antithetic Gradient Estimator for
 * Binary Latent Variables", NeurIPS): ARM with its augmenting uniform integrated out
 * given the antithetic pair, which can only lower the variance.
 */
import { antitheticEstimate } from './antithetic-pairs';
import { EstimatorBody, publicEstimator } from './estimator';
import { SamplingOptions } from './options';

/** The body of `disarm`, shared with the registry. */
export const disarmBody: EstimatorBody<SamplingOptions> = (problem, options, read) =>
  // ½ (−1)^{b̃} 1[b ≠ b̃] σ(|l|), with σ(|l|) = max(p, 1 − p).
  antitheticEstimate(problem, options, read, 'DisARM', ({ p, b, bTilde }) =>
    (b === bTilde ? 0 : (bTilde === 1 ? -0.5 : 0.5) * Math.max(p, 1 - p)));

/**
 * The DisARM gradient estimate for independent Bernoulli variables with logits l:
 *
 *     ĝ = (1/n) Σ_i ½ (f(b_i) − f(b̃_i)) ⊙ (−1)^{b̃_i} 1[b_i ≠ b̃_i] σ(|l|),
 *     b = 1[u < σ(l)],  b̃ = 1[1 − u < σ(l)],  u ~ U(0, 1)^D,
 *
 * the same pairs as `arm` (with the same seed, the same samples). Coordinate j moves
 * only in pairs whose two samples differ there. Unbiased for any loss f of {0, 1}^D,
 * with variance at most ARM's in every coordinate. The categorical family is refused
 * with an error (Dong, Mnih & Tucker 2021, "Coupled Gradient Estimators for Discrete
 * Latent Variables", extend it to categorical variables; not implemented here).
 *
 * Options: `numSamples` n counts the antithetic pairs. Shapes: as `arm`; `loss` is the
 * mean of f over the 2n samples; `lossEvaluations` is 2n.
 *
 * @example
 * const problem = { logits: [0.3], family: 'bernoulli' as const, loss: (b: tf.Tensor) => tf.square(tf.sub(b, 0.45)).reshape([-1]) };
 * const { grad } = disarm(problem, { numSamples: 100, seed: 0 });
 * grad.print();
 * grad.dispose();
 */
export const disarm = publicEstimator('disarm', disarmBody);
