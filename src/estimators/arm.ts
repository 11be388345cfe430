/**
 * ARM, the augment-REINFORCE-merge estimator (Yin & Zhou 2019, "ARM: Augment-REINFORCE-
 * Merge Gradient for Stochastic Binary Networks", ICLR): an unbiased gradient for
 * Bernoulli variables from an antithetic pair of samples that share one uniform.
 */
import { antitheticEstimate } from './antithetic-pairs';
import { EstimatorBody, publicEstimator } from './estimator';
import { SamplingOptions } from './options';

/** The body of `arm`, shared with the registry. */
export const armBody: EstimatorBody<SamplingOptions> = (problem, options, read) =>
  // ARM's (f(b̃) − f(b))(u − ½), written as Δ·weight with Δ = f(b) − f(b̃).
  antitheticEstimate(problem, options, read, 'ARM', ({ u }) => 0.5 - u);

/**
 * The ARM gradient estimate for independent Bernoulli variables with logits l:
 *
 *     ĝ = (1/n) Σ_i (f(b̃_i) − f(b_i)) (u_i − ½),   b = 1[u < σ(l)],  b̃ = 1[u > σ(−l)],
 *
 * one uniform vector u_i ~ U(0, 1)^D per pair, the same for every coordinate's weight.
 * Unbiased for any loss f of {0, 1}^D (f need not be differentiable, and is only
 * evaluated at binary points). The categorical family is refused with an error (ARSM,
 * Yin, Yue & Zhou 2019, is its categorical extension; not implemented here).
 *
 * Options: `numSamples` n counts the antithetic pairs. Shapes: logits [...batch], the
 * loss gets {0, 1} samples [2n, ...batch] (the n samples b, then the n samples b̃) and
 * returns [2n]; `grad` has the logits' shape. `loss` is the mean of f over the 2n
 * samples; `lossEvaluations` is 2n.
 *
 * @example
 * const problem = { logits: [0.3], family: 'bernoulli' as const, loss: (b: tf.Tensor) => tf.square(tf.sub(b, 0.45)).reshape([-1]) };
 * const { grad } = arm(problem, { numSamples: 100, seed: 0 });
 * grad.print();
 * grad.dispose();
 */
export const arm = publicEstimator('arm', armBody);
