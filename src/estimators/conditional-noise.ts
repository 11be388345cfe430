/**
 * Perturbed logits drawn conditionally on the discrete sample they produce: the
 * construction behind REBAR's z̃ (Tucker et al. 2017, appendix) and Gumbel-Rao
 * (Paulus, Maddison & Krause 2021). A categorical sample is argmax(logits + G) with G
 * standard Gumbel; a Bernoulli sample is 1[logit + L > 0] with L standard logistic.
 * Given the sample, these draw the perturbed logits from their conditional law,
 * reparameterised by uniforms v, so the result is differentiable in the logits.
 */
import * as tf from '@tensorflow/tfjs';
import { Family } from './problem';

/** z̃ | y, and the transposed Jacobian of z̃ with respect to the logits (y held fixed). */
export interface ConditionalPerturbation {
  /** The perturbed logits z̃, shaped like v. */
  value: tf.Tensor;
  /** w ↦ (∂z̃/∂logits)ᵀ w for each leading index of v, for w shaped like v. */
  transposeJacobian: (w: tf.Tensor) => tf.Tensor;
}

/** log(eᵃ + eᵇ) without overflow. */
function logAddExp(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  // Broadcast both first: TensorFlow.js's gradient of a broadcasting maximum has the wrong shape.
  [a, b] = [tf.add(a, tf.zerosLike(b)), tf.add(b, tf.zerosLike(a))];
  const m = tf.maximum(a, b);
  return tf.add(m, tf.log1p(tf.exp(tf.neg(tf.abs(tf.sub(a, b))))));
}

/**
 * Categorical, for a one-hot y with category k and uniforms v (each shaped
 * [..., ...batch, K], broadcasting against the logits [...batch, K]):
 *
 *     z̃_k = logsumexp(logits) − log(−log v_k)                   (the maximum, a Gumbel)
 *     z̃_i = −log(e^{−z̃_k} + e^{−logit_i}·(−log v_i)),  i ≠ k   (Gumbels truncated below z̃_k)
 *
 * Its Jacobian is ∂z̃_i/∂logit_j = a_i π_j + (1 − a_i) δ_ij with a_i = e^{z̃_i − z̃_k} and
 * π = softmax(logits), so (∂z̃/∂logits)ᵀ w = π ⟨a, w⟩ + (1 − a) ⊙ w.
 */
function conditionalGumbel(logits: tf.Tensor, y: tf.Tensor, v: tf.Tensor): ConditionalPerturbation {
  const exponential = tf.neg(tf.log(v)); // −log v ~ Exp(1); v < 1 keeps it > 0
  const top = tf.sum(tf.mul(y, tf.sub(tf.logSumExp(logits, -1, true), tf.log(exponential))), -1, true);
  const truncated = tf.neg(logAddExp(tf.neg(top), tf.sub(tf.log(exponential), logits)));
  const value = tf.add(tf.mul(y, top), tf.mul(tf.sub(1, y), truncated));
  const a = tf.exp(tf.sub(value, top));
  const pi = tf.softmax(logits);
  return {
    value,
    transposeJacobian: (w) => tf.add(tf.mul(pi, tf.sum(tf.mul(a, w), -1, true)), tf.mul(tf.sub(1, a), w)),
  };
}

/**
 * Bernoulli, for b ∈ {0, 1} and uniforms v (shaped like b, broadcasting against the
 * logits): the logistic z = logit + L truncated to z > 0 when b = 1 and to z < 0 when
 * b = 0, by the inverse CDF. With p = σ(logit),
 *
 *     b = 1:  z̃ = softplus(l) + log(σ(−l) + v p) − log(1 − v),   ∂z̃/∂l = p v / (σ(−l) + v p)
 *     b = 0:  z̃ = log v − softplus(−l) − log(p + (1 − v) σ(−l)),  ∂z̃/∂l = σ(−l)(1 − v) / (p + (1 − v) σ(−l))
 *
 * Each argument of a log is at least min(v, 1 − v) ≥ 2^−24, so every value is finite.
 */
function conditionalLogistic(logits: tf.Tensor, b: tf.Tensor, v: tf.Tensor): ConditionalPerturbation {
  const p = tf.sigmoid(logits), q = tf.sigmoid(tf.neg(logits));
  const rest = tf.sub(1, v);
  const aboveArg = tf.add(q, tf.mul(v, p)), belowArg = tf.add(p, tf.mul(rest, q));
  const above = tf.sub(tf.add(tf.softplus(logits), tf.log(aboveArg)), tf.log(rest));
  const below = tf.sub(tf.sub(tf.log(v), tf.softplus(tf.neg(logits))), tf.log(belowArg));
  const value = tf.add(tf.mul(b, above), tf.mul(tf.sub(1, b), below));
  const slope = tf.add(tf.mul(b, tf.div(tf.mul(p, v), aboveArg)), tf.mul(tf.sub(1, b), tf.div(tf.mul(q, rest), belowArg)));
  return { value, transposeJacobian: (w) => tf.mul(slope, w) };
}

/**
 * The perturbed logits z̃ ~ p(z | y) of the family, from uniforms v strictly inside
 * (0, 1) shaped [..., ...logits shape]; y broadcasts against v (e.g. y [n, ...] for
 * v [m, n, ...]). Differentiable in the logits, with y held fixed.
 *
 * @example
 * const logits = tf.tensor1d([1, -0.5, 2]);
 * const y = tf.tensor2d([[0, 1, 0], [0, 0, 1]]);   // two samples, categories 1 and 2
 * const { value } = conditionalPerturbation('categorical', logits, y, new Random(0).uniform([2, 3]));
 * tf.argMax(value, -1).print();   // [1, 2]: each row's maximum is where its sample is
 */
export function conditionalPerturbation(family: Family, logits: tf.Tensor, y: tf.Tensor, v: tf.Tensor): ConditionalPerturbation {
  return family === 'categorical' ? conditionalGumbel(logits, y, v) : conditionalLogistic(logits, y, v);
}
