/**
 * REBAR (Tucker, Mnih, Maddison, Lawson & Sohl-Dickstein 2017, "REBAR: Low-variance,
 * unbiased gradient estimates for discrete latent variable models", NeurIPS).
 */
import { controlVariateBody, ControlVariateOptions } from './control-variate-body';
import { RebarControlVariate } from './control-variates';
import { publicEstimator } from './estimator';

/** Options of `rebar`. */
export type RebarOptions = ControlVariateOptions<RebarControlVariate>;

/** The body of `rebar`, shared with the registry. */
export const rebarBody = controlVariateBody(RebarControlVariate, 'RebarControlVariate', () => new RebarControlVariate());

/**
 * The REBAR gradient estimate: REINFORCE with the Concrete relaxation of the loss as
 * its control variate, unbiased for any η and λ,
 *
 *     ĝ = (1/n) Σ_i [f(b_i) − η f(σ_λ(z̃_i))] ∇log q(b_i) + η ∇f(σ_λ(z_i)) − η ∇f(σ_λ(z̃_i)),
 *
 * with z = logits + Gumbel noise (logistic for Bernoulli) from u, b = H(z) its exact
 * discrete sample (argmax, or 1[z > 0]), z̃ ~ p(z | b) from an independent v (the
 * truncated-Gumbel construction), σ_λ = softmax(·/λ) (σ(·/λ)), and ∇f(σ_λ(z̃)) taken
 * with b held fixed. η (one per logit) and λ live in a `RebarControlVariate`; passed
 * as `controlVariate`, it is tuned by one Adam step per call down the variance of a
 * single draw's estimate (η by autodiff, λ by a finite difference in log λ: see
 * `tuningGradient`). Both families; the loss must accept relaxed points (the simplex,
 * or (0, 1)) and be differentiable there.
 *
 * Options: `numSamples` n counts the draws (u_i, v_i); `tune` (default: true when a
 * control variate is given). Shapes: as `reinforce`; `loss` is the mean of f at the n
 * discrete samples; `lossEvaluations` is 3n (f at b, σ_λ(z) and σ_λ(z̃)), or 5n when
 * tuning (f at σ_λ'(z), σ_λ'(z̃) for the finite difference in λ).
 *
 * @example
 * const problem = { logits: [0], family: 'bernoulli' as const, loss: (b: tf.Tensor) => tf.square(tf.sub(b, 0.45)).reshape([-1]) };
 * const controlVariate = new RebarControlVariate();
 * const rng = new Random(0);
 * for (let t = 0; t < 20; t++) rebar(problem, { numSamples: 10, seed: rng, controlVariate }).grad.dispose();
 * const { grad } = rebar(problem, { numSamples: 10, seed: rng, controlVariate, tune: false });
 * grad.dispose();
 * controlVariate.dispose();
 */
export const rebar = publicEstimator('rebar', rebarBody);
