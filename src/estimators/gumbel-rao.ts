/**
 * Gumbel-Rao (Paulus, Maddison & Krause 2021, "Rao-Blackwellizing the Straight-Through
 * Gumbel-Softmax Gradient Estimator", ICLR): the straight-through Gumbel-Softmax
 * gradient averaged over the Gumbel noise that could have produced the sample drawn.
 */
import * as tf from '@tensorflow/tfjs';
import { discreteSample } from '../distributions/exact-draws';
import { checkPositiveInteger, fail, orDefault } from '../validate';
import { conditionalPerturbation } from './conditional-noise';
import { EstimatorBody, publicEstimator } from './estimator';
import { checkRelaxed, RelaxedOptions } from './options';
import { readLoss } from './result';
import { lossWithSampleGradient, sumToShape } from './sample-gradient';
import { relaxation, relaxationVjp } from './softmax-jacobian';

/** Options of `gumbelRao`. */
export interface GumbelRaoOptions extends RelaxedOptions {
  /** m, the conditional Gumbel draws per sample that the backward pass averages; a whole number ≥ 1, default 10. */
  conditionalSamples?: number;
}

/** The default m. Larger m costs only backward-pass work (f is not evaluated more) and shrinks the variance towards its m → ∞ limit. */
export const DEFAULT_CONDITIONAL_SAMPLES = 10;

/** The most noise entries (m · n · logits) one call draws: 2^24 floats are 64 MB. */
export const MAX_CONDITIONAL_NOISE = 2 ** 24;

/** The body of `gumbelRao`, shared with the registry. */
export const gumbelRaoBody: EstimatorBody<GumbelRaoOptions> = (problem, options, read) => {
  const { fn, family, logits } = problem;
  const { n, temperature, rng } = checkRelaxed(fn, options);
  const m = checkPositiveInteger(fn, 'conditionalSamples', orDefault(options.conditionalSamples, DEFAULT_CONDITIONAL_SAMPLES));
  if (m * n * logits.size > MAX_CONDITIONAL_NOISE) {
    fail(fn, 'conditionalSamples × numSamples × logits.size', `at most ${MAX_CONDITIONAL_NOISE}`, m * n * logits.size);
  }
  let loss = NaN;
  const grad = tf.tidy(() => {
    const y = discreteSample(family, logits, n, rng);
    const { values, grad: dLdy } = lossWithSampleGradient(problem, y);
    // m perturbed logits per sample, each distributed as logits + noise given that it yields y.
    const perturbed = conditionalPerturbation(family, logits, y, rng.uniform([m, n, ...logits.shape])).value;
    const s = relaxation(family, perturbed, temperature);
    // The Jacobian of s with respect to the logits is that with respect to the
    // perturbed logits (noise held fixed), divided by τ; averaged over the m draws.
    const perDraw = relaxationVjp(family, s, tf.div(dLdy, n));
    const g = tf.div(sumToShape(perDraw, logits.shape), m * temperature);
    if (read) loss = readLoss(fn, tf.mean(values), logits, g);
    return g;
  });
  return { grad, loss, lossEvaluations: n };
};

/**
 * The Gumbel-Rao gradient estimate: straight-through Gumbel-Softmax with its backward
 * pass averaged over m Gumbel draws conditioned on the sampled category.
 *
 *     ĝ = (1/n) Σ_i (1/m) Σ_j (∂s_ij/∂logits)ᵀ ∇f(y_i),   s_ij = softmax(z̃_ij / τ),
 *     z̃_ij ~ logits + Gumbel | argmax = y_i   (the truncated-Gumbel construction).
 *
 * Its expectation is that of `stGumbelSoftmax` at the same τ (it is that estimator
 * with the noise integrated out given y, by Monte Carlo), and its variance is no
 * larger. Bernoulli: the logistic noise of the binary relaxation σ((l + L)/τ),
 * truncated to the side of 0 that b says (the two-category case of the paper's
 * construction). The loss must be differentiable in y.
 *
 * Options: `numSamples` n counts the exact draws of q; `temperature` τ > 0 is
 * required; `conditionalSamples` m (default 10) costs backward-pass work only.
 * Shapes: as `reinforce`; `loss` is the mean of f over the n draws; `lossEvaluations`
 * is n: f is evaluated once per draw, at the discrete sample. m · n · logits.size may
 * not exceed MAX_CONDITIONAL_NOISE.
 *
 * @example
 * const problem = { logits: [1, 1, 1], family: 'categorical' as const, loss: squaredErrorLoss([0.2, 0.7, 0.1]) };
 * const { grad } = gumbelRao(problem, { numSamples: 100, seed: 0, temperature: 0.5, conditionalSamples: 10 });
 * grad.print();
 * grad.dispose();
 */
export const gumbelRao = publicEstimator('gumbelRao', gumbelRaoBody);
