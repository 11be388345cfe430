/**
 * The straight-through estimator (Bengio, Léonard & Courville 2013, "Estimating or
 * Propagating Gradients Through Stochastic Neurons for Conditional Computation",
 * arXiv:1308.3432): the forward pass uses an exact sample y ~ q, the backward pass
 * pretends that y was the smooth s = softmax(logits/τ) (σ(logit/τ) for Bernoulli).
 */
import * as tf from '@tensorflow/tfjs';
import { discreteSample } from '../distributions/exact-draws';
import { EstimatorBody, publicEstimator } from './estimator';
import { checkRelaxed, RelaxedOptions } from './options';
import { readLoss } from './result';
import { lossWithSampleGradient, sumToShape } from './sample-gradient';
import { relaxation, relaxationVjp } from './softmax-jacobian';

/** The body of `straightThroughEstimator`, shared with the registry. */
export const straightThroughBody: EstimatorBody<RelaxedOptions> = (problem, options, read) => {
  const { fn, family, logits } = problem;
  const { n, temperature, rng } = checkRelaxed(fn, options);
  let loss = NaN;
  const grad = tf.tidy(() => {
    const y = discreteSample(family, logits, n, rng);
    const { values, grad: dLdy } = lossWithSampleGradient(problem, y);
    // The Jacobian of s does not depend on the sample, so the per-sample gradients are
    // averaged first and multiplied by it once.
    const upstream = tf.div(sumToShape(dLdy, logits.shape), n);
    const s = relaxation(family, logits, temperature);
    const g = tf.div(relaxationVjp(family, s, upstream), temperature);
    if (read) loss = readLoss(fn, tf.mean(values), logits, g);
    return g;
  });
  return { grad, loss, lossEvaluations: n };
};

/**
 * The straight-through gradient estimate: f at exact samples, differentiated as if the
 * sample were softmax(logits/τ).
 *
 *     ĝ = (1/n) Σ_i (∂s/∂logits)ᵀ ∇f(y_i),   y_i ~ q exactly,  s = softmax(logits/τ),
 *     (∂s/∂logits)ᵀ w = s ⊙ (w − ⟨s, w⟩) / τ   (Bernoulli: s(1 − s) w / τ, s = σ(logit/τ)).
 *
 * Biased: its mean is Σ_y q(y) (∂s/∂logits)ᵀ ∇f(y), which is not ∇E_q[f] in general,
 * though for a loss linear in y and τ = 1 the two agree. The loss must be
 * differentiable in y (it is differentiated at the discrete points). τ → 0 makes the
 * backward pass an argmax's (zero almost everywhere, huge near ties); large τ shrinks
 * the gradient towards zero as 1/τ.
 *
 * Options: `numSamples` n counts the exact draws of q; `temperature` τ > 0 is
 * required. Shapes: as `reinforce`; `loss` is the mean of f over the n draws (an
 * unbiased estimate of E_q[f]); `lossEvaluations` is n.
 *
 * @example
 * const problem = { logits: [1, 1, 1], family: 'categorical' as const, loss: squaredErrorLoss([0.2, 0.7, 0.1]) };
 * const { grad } = straightThroughEstimator(problem, { numSamples: 1000, seed: 0, temperature: 1 });
 * grad.print();
 * grad.dispose();
 */
export const straightThroughEstimator = publicEstimator('straightThroughEstimator', straightThroughBody);
