/**
 * Vector-Jacobian products of softmax and sigmoid, in closed form from their outputs.
 *
 * The straight-through family replaces the Jacobian of a discrete sample, which is
 * zero, by the Jacobian of a smooth function of the logits; written in closed form,
 * that backward pass is a few elementwise ops and needs no second tape.
 */
import * as tf from '@tensorflow/tfjs';
import { Family } from './problem';

/**
 * (∂s/∂a)ᵀ w for s = softmax(a) over the last axis, given s: s ⊙ (w − ⟨s, w⟩).
 * Shapes broadcast: s [..., K] and w [..., K].
 *
 * @example
 * const s = tf.softmax(tf.tensor1d([1, 2, 0]));
 * softmaxVjp(s, tf.tensor1d([1, 0, 0])).print();   // ∂s₀/∂logits: s₀ (e₀ − s)
 */
export function softmaxVjp(s: tf.Tensor, w: tf.Tensor): tf.Tensor {
  return tf.mul(s, tf.sub(w, tf.sum(tf.mul(s, w), -1, true)));
}

/** (∂s/∂a)ᵀ w for s = σ(a) elementwise, given s: s(1 − s) ⊙ w. */
export function sigmoidVjp(s: tf.Tensor, w: tf.Tensor): tf.Tensor {
  return tf.mul(tf.mul(s, tf.sub(1, s)), w);
}

/** The relaxation of a family's logits at temperature τ: softmax(a/τ) for categorical, σ(a/τ) for Bernoulli. */
export function relaxation(family: Family, a: tf.Tensor, temperature: number | tf.Scalar): tf.Tensor {
  const scaled = tf.div(a, temperature);
  return family === 'categorical' ? tf.softmax(scaled) : tf.sigmoid(scaled);
}

/**
 * (∂s/∂a)ᵀ w for s = relaxation(a, τ = 1), given s. At another τ the Jacobian carries
 * a factor 1/τ, which the caller applies.
 */
export function relaxationVjp(family: Family, s: tf.Tensor, w: tf.Tensor): tf.Tensor {
  return family === 'categorical' ? softmaxVjp(s, w) : sigmoidVjp(s, w);
}
