/**
 * RELAX (Grathwohl, Choi, Wu, Roeder & Duvenaud 2018, "Backpropagation through the
 * Void: Optimizing control variates for black-box gradient estimation", ICLR).
 */
import { controlVariateBody, ControlVariateOptions } from './control-variate-body';
import { RelaxControlVariate } from './control-variates';
import { publicEstimator } from './estimator';

/** Options of `relax`. */
export type RelaxOptions = ControlVariateOptions<RelaxControlVariate>;

/** The body of `relax`, shared with the registry. */
export const relaxBody = controlVariateBody(RelaxControlVariate, 'RelaxControlVariate', () => new RelaxControlVariate());

/**
 * The RELAX gradient estimate for discrete variables (the paper's discrete form): REBAR's
 * estimator with a learned surrogate c_φ in place of the relaxed loss alone,
 *
 *     ĝ = (1/n) Σ_i [f(b_i) − c_φ(z̃_i)] ∇log q(b_i) + ∇c_φ(z_i) − ∇c_φ(z̃_i),
 *     c_φ(z) = η f(σ_λ(z)) + r_ρ(z),
 *
 * with z, b, z̃ and σ_λ as in `rebar` and r_ρ a network of one hidden layer (see
 * `RelaxControlVariate`). Unbiased for every φ = (η, λ, ρ); passed as
 * `controlVariate`, φ is tuned by one Adam step per call down the variance of a single
 * draw's estimate (η and ρ by autodiff, λ by a finite difference). Both families; the
 * loss must accept relaxed points and be differentiable there.
 *
 * Options: `numSamples` n counts the draws (u_i, v_i); `tune` (default: true when a
 * control variate is given). Shapes: as `reinforce`; `loss` is the mean of f at the n
 * discrete samples; `lossEvaluations` is 3n, or 5n when tuning (as `rebar`; the
 * network costs no loss evaluations).
 *
 * @example
 * const problem = { logits: [0], family: 'bernoulli' as const, loss: (b: tf.Tensor) => tf.square(tf.sub(b, 0.499)).reshape([-1]) };
 * const controlVariate = new RelaxControlVariate({ hiddenUnits: 10 });
 * const rng = new Random(0);
 * for (let t = 0; t < 20; t++) relax(problem, { numSamples: 10, seed: rng, controlVariate }).grad.dispose();
 * controlVariate.dispose();
 */
export const relax = publicEstimator('relax', relaxBody);
