/**
 * ReinMax (Liu, Dong, Liu, Yu & Gao 2023, "Bridging Discrete and Backpropagation:
 * Straight-Through and Beyond", NeurIPS): a straight-through estimator whose backward
 * pass is a second-order (Heun's method) approximation of the gradient, where plain
 * straight-through is the first-order (forward Euler) one.
 */
import * as tf from '@tensorflow/tfjs';
import { discreteSample } from '../distributions/exact-draws';
import { fail } from '../validate';
import { EstimatorBody, publicEstimator } from './estimator';
import { checkRelaxed, RelaxedOptions } from './options';
import { readLoss } from './result';
import { lossWithSampleGradient, sumToShape } from './sample-gradient';
import { relaxation, sigmoidVjp, softmaxVjp } from './softmax-jacobian';

/** The body of `reinmax`, shared with the registry. */
export const reinmaxBody: EstimatorBody<RelaxedOptions> = (problem, options, read) => {
  const { fn, family, logits } = problem;
  const { n, temperature, rng } = checkRelaxed(fn, options);
  // The reference implementation refuses τ < 1 too: the second-order correction
  // assumes the midpoint π₁ lies between the sample and a softmax no sharper than q's.
  if (temperature < 1) fail(fn, 'temperature', 'at least 1 for ReinMax (its second-order approximation needs τ ≥ 1)', temperature);
  let loss = NaN;
  const grad = tf.tidy(() => {
    const y = discreteSample(family, logits, n, rng);
    const { values, grad: dLdy } = lossWithSampleGradient(problem, y);
    const w = tf.div(dLdy, n); // the gradient of the mean loss, per sample
    const pi0 = relaxation(family, logits, 1);
    const pi1 = tf.div(tf.add(y, relaxation(family, logits, temperature)), 2);
    // Categorical: 2 J(π₁)ᵀw − ½ J(π₀)ᵀw with J(π)ᵀw = π ⊙ (w − ⟨π, w⟩), π₁ per sample.
    // Bernoulli as two categories with logits (0, l): the same with J(p)ᵀw = p(1 − p) w.
    const vjp = family === 'categorical' ? softmaxVjp : sigmoidVjp;
    const secondOrder = sumToShape(tf.mul(vjp(pi1, w), 2), logits.shape);
    const firstOrder = tf.mul(vjp(pi0, sumToShape(w, logits.shape)), 0.5);
    const g = tf.sub(secondOrder, firstOrder);
    if (read) loss = readLoss(fn, tf.mean(values), logits, g);
    return g;
  });
  return { grad, loss, lossEvaluations: n };
};

/**
 * The ReinMax gradient estimate (Liu et al. 2023, Algorithm 2).
 *
 * With π₀ = softmax(logits), an exact sample y ~ q and the midpoint
 * π₁ = (y + softmax(logits/τ))/2,
 *
 *     ĝ = (1/n) Σ_i [2 J(π₁ᵢ)ᵀ − ½ J(π₀)ᵀ] ∇f(y_i),   J(π)ᵀw = π ⊙ (w − ⟨π, w⟩).
 *
 * The paper gives the categorical form only; a Bernoulli variable with logit l is
 * treated as the two categories (0, l), which gives J(p)ᵀw = p(1 − p) w with
 * p = σ(l) for π₀ and p = (b + σ(l/τ))/2 for π₁.
 *
 * Biased in general. At τ = 1 its mean is the exact gradient for a loss quadratic in
 * one categorical variable (the trapezoid rule behind Heun's method is exact for
 * quadratics; a test checks it), where straight-through's is not. τ must be ≥ 1, as in
 * the reference implementation. The loss must be differentiable in y.
 *
 * Options: `numSamples` n counts the exact draws of q; `temperature` τ ≥ 1 is
 * required. Shapes: as `reinforce`; `loss` is the mean of f over the n draws;
 * `lossEvaluations` is n.
 *
 * @example
 * const problem = { logits: [1, 1, 1], family: 'categorical' as const, loss: squaredErrorLoss([0.2, 0.7, 0.1]) };
 * const { grad } = reinmax(problem, { numSamples: 1000, seed: 0, temperature: 1 });
 * grad.print();
 * grad.dispose();
 */
export const reinmax = publicEstimator('reinmax', reinmaxBody);
