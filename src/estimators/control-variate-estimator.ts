/**
 * The estimator REBAR and RELAX share: the score function of the discrete sample b,
 * with a control variate c built from the Concrete relaxation and conditional noise,
 *
 *     ĝ = [f(b) − c(z̃)] ∇log q(b) + ∇c(z) − ∇c(z̃),   z = logits + noise(u),  b = H(z),
 *     z̃ ~ p(z | b) from v  (conditional-noise.ts),
 *
 * unbiased for any c (Grathwohl et al. 2018; with c = η f(σ_λ(·)) it is REBAR, Tucker
 * et al. 2017). Every derivative with respect to the logits is written
 * in closed form (∂z/∂logits = I; ∂z̃/∂logits from conditional-noise.ts), so the only
 * tapes are first-order: one through the loss at the relaxed points, and, when tuning,
 * one through the control variate's parameters.
 */
import * as tf from '@tensorflow/tfjs';
import { gumbelNoise, logisticNoise } from '../distributions/noise';
import { Random } from '../random';
import { conditionalPerturbation } from './conditional-noise';
import { ControlVariateLayout } from './control-variates';
import { CheckedProblem, perSampleLoss, probabilities } from './problem';
import { lossWithSampleGradient } from './sample-gradient';
import { relaxation, relaxationVjp } from './softmax-jacobian';

/** Step in log λ of the finite difference that tunes λ (see `tuningGradient`). */
export const LOG_TEMPERATURE_STEP = 0.05;

/** One call's draws and the pieces of the estimate that do not depend on the control variate. */
interface Draws {
  n: number;
  /** z = logits + noise [n, ...], and the discrete b = H(z). */
  z: tf.Tensor;
  b: tf.Tensor;
  /** ∇log q(b) = b − π, per sample [n, ...]. */
  score: tf.Tensor;
  /** f(b) [n]. */
  discreteLoss: tf.Tensor1D;
  /** z̃ [n, ...] and w ↦ (∂z̃/∂logits)ᵀ w. */
  zTilde: tf.Tensor;
  transposeJacobian: (w: tf.Tensor) => tf.Tensor;
}

/** The loss at the relaxed points σ_λ(z), σ_λ(z̃): f(σ_λ(z̃)) [n] and ∇_z f(σ_λ(z)), (∂z̃/∂logits)ᵀ ∇ f(σ_λ(z̃)) [n, ...]. */
interface RelaxedTerms {
  lossAtTilde: tf.Tensor;
  gradAtZ: tf.Tensor;
  gradAtTilde: tf.Tensor;
}

/** Draws u, v and everything the estimate needs from them that the parameters do not change. */
export function drawPairs(problem: CheckedProblem, n: number, rng: Random): Draws {
  const { family, logits } = problem;
  const shape = [n, ...logits.shape];
  const z = tf.add(logits, family === 'categorical' ? gumbelNoise(rng, shape) : logisticNoise(rng, shape));
  const b = family === 'categorical'
    ? tf.cast(tf.oneHot(tf.argMax(z, -1), problem.numCategories), 'float32')
    : tf.cast(tf.greater(z, 0), 'float32');
  const { value: zTilde, transposeJacobian } = conditionalPerturbation(family, logits, b, rng.uniform(shape));
  const score = tf.sub(b, probabilities(family, logits));
  return { n, z, b, score, discreteLoss: perSampleLoss(problem, b), zTilde, transposeJacobian };
}

/** f at σ_λ(z) and σ_λ(z̃) in one call of the loss (2n evaluations), with its gradients. */
export function relaxedTerms(problem: CheckedProblem, draws: Draws, temperature: number): RelaxedTerms {
  const { n } = draws;
  const { values, grad } = lossWithSampleGradient(problem, tf.concat([draws.z, draws.zTilde]),
    (x) => relaxation(problem.family, x, temperature));
  return {
    lossAtTilde: values.slice(n, n),
    gradAtZ: grad.slice(0, n),
    gradAtTilde: draws.transposeJacobian(grad.slice(n, n)),
  };
}

/** r(x) [n] and ∇_x r [n, ...] of the network r(x) = w₂ · tanh(W₁ a(x) + b₁) + b₂ at x [n, ...], in closed form. */
function network(problem: CheckedProblem, phi: tf.Tensor, layout: ControlVariateLayout, x: tf.Tensor): { value: tf.Tensor; grad: tf.Tensor } {
  const { d, hidden: H } = layout;
  const n = x.shape[0];
  const w1 = tf.reshape(tf.slice(phi, layout.w1, d * H), [d, H]);
  const b1 = tf.slice(phi, layout.b1, H), w2 = tf.reshape(tf.slice(phi, layout.w2, H), [H, 1]), b2 = tf.slice(phi, layout.b2, 1);
  const a = relaxation(problem.family, x, 1);
  const h = tf.tanh(tf.add(tf.matMul(tf.reshape(a, [n, d]), w1), b1));
  const value = tf.add(tf.reshape(tf.matMul(h, w2), [n]), b2);
  // ∂r/∂a = W₁ (w₂ ⊙ (1 − h²)), then back through a = softmax(x) or σ(x).
  const gradA = tf.matMul(tf.mul(tf.sub(1, tf.square(h)), tf.reshape(w2, [1, H])), w1, false, true);
  return { value, grad: relaxationVjp(problem.family, a, tf.reshape(gradA, x.shape)) };
}

/** A tensor [n] reshaped to broadcast against [n, ...logits shape]. */
function perSample(t: tf.Tensor, rank: number): tf.Tensor {
  return tf.reshape(t, [t.shape[0], ...Array(rank).fill(1)]);
}

/**
 * The n per-draw estimates ĝ_i [n, ...] for the parameters phi (flat, see
 * control-variates/layout.ts), with c(x) = η f(σ_λ(x)) + r(x) (r only when layout.hidden > 0):
 *
 *     ĝ_i = (f(b_i) − η f(σ_λ(z̃_i)) − r(z̃_i)) ∇log q(b_i)
 *           + η (∇f(σ_λ(z_i)) − ∇f(σ_λ(z̃_i))) + ∇r(z_i) − ∇r(z̃_i).
 */
export function perDrawEstimates(
  problem: CheckedProblem, draws: Draws, terms: RelaxedTerms, phi: tf.Tensor, layout: ControlVariateLayout,
): tf.Tensor {
  const rank = problem.logits.rank;
  const eta = tf.reshape(tf.slice(phi, 0, layout.d), problem.logits.shape);
  let weight = tf.sub(perSample(draws.discreteLoss, rank), tf.mul(eta, perSample(terms.lossAtTilde, rank)));
  let pathwise = tf.mul(eta, tf.sub(terms.gradAtZ, terms.gradAtTilde));
  if (layout.hidden > 0) {
    const atZ = network(problem, phi, layout, draws.z), atTilde = network(problem, phi, layout, draws.zTilde);
    weight = tf.sub(weight, perSample(atTilde.value, rank));
    pathwise = tf.add(pathwise, tf.sub(atZ.grad, draws.transposeJacobian(atTilde.grad)));
  }
  return tf.add(tf.mul(weight, draws.score), pathwise);
}

/**
 * The tuning objective: the total variance of one draw's estimate, Σ_j var_i(ĝ_ij)
 * (the unbiased sample variance over the n draws; Σ ĝ² for n = 1). Every parameter
 * leaves the mean unchanged, so this has the gradient of the variance itself.
 */
export function varianceObjective(estimates: tf.Tensor): tf.Scalar {
  const n = estimates.shape[0];
  if (n === 1) return tf.sum(tf.square(estimates)) as tf.Scalar;
  return tf.div(tf.sum(tf.square(tf.sub(estimates, tf.mean(estimates, 0, true)))), n - 1) as tf.Scalar;
}

/**
 * The gradient of the variance objective with respect to every parameter, as one
 * array in the layout's order. η and the network by autodiff (first order: the relaxed
 * terms are constants there). λ by a forward difference in log λ on the same draws,
 * because λ acts through ∇f, whose derivative in λ would need second derivatives of
 * the loss, and TensorFlow.js's are wrong or fail for ops that save their outputs
 * (exp, sigmoid, tanh, softmax). Costs 2n more loss evaluations.
 */
export function tuningGradient(
  problem: CheckedProblem, draws: Draws, terms: RelaxedTerms, phi: tf.Tensor, layout: ControlVariateLayout, temperature: number,
): Float32Array {
  const objective = (p: tf.Tensor) => varianceObjective(perDrawEstimates(problem, draws, terms, p, layout));
  const { value, grad } = tf.valueAndGrad(objective)(phi);
  const shifted = relaxedTerms(problem, draws, temperature * Math.exp(LOG_TEMPERATURE_STEP));
  const shiftedValue = varianceObjective(perDrawEstimates(problem, draws, shifted, phi, layout));
  const all = tf.concat([tf.reshape(value, [1]), tf.reshape(shiftedValue, [1]), grad]).dataSync() as Float32Array;
  const gradient = all.slice(2);
  gradient[layout.logTemperature] = (all[1] - all[0]) / LOG_TEMPERATURE_STEP;
  return gradient;
}
