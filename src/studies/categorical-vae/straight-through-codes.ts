/**
 * Exact one-hot codes with a stand-in backward pass: the straight-through family of
 * estimators as ops inside the VAE's graph.
 *
 * Forward, each op returns the exact samples z ~ q(z | x) it is given, so the decoder
 * sees true discrete codes and gets its ordinary gradient. Backward, the gradient
 * g = ∂L/∂z [S, b, N, K] reaches the encoder's logits ℓ [b, N, K] through a Jacobian that
 * stands in for the sampler's, which is zero. With J(π)ᵀg = π ⊙ (g − ⟨π, g⟩), the
 * transposed Jacobian of a softmax at its output π:
 *
 * - straight-through (Bengio, Léonard & Courville 2013):  Σ_s J(softmax(ℓ/τ))ᵀ g_s / τ;
 * - ReinMax (Liu et al. 2023, Algorithm 2):  Σ_s [2 J(π₁ₛ)ᵀ − ½ J(π₀)ᵀ] g_s, with
 *   π₀ = softmax(ℓ) and the midpoint π₁ₛ = (z_s + softmax(ℓ/τ))/2, τ ≥ 1;
 * - Gumbel-Rao (Paulus, Maddison & Krause 2021):  Σ_s (1/m) Σ_j J(softmax(ℓ̃_js/τ))ᵀ g_s / τ,
 *   where ℓ̃_js = ℓ + G_js are m Gumbel perturbations drawn given that argmax ℓ̃_js = z_s.
 *
 * These are the library's `straightThroughEstimator`, `reinmax` and `gumbelRao` written
 * as ops: those take a loss of the sample, here the loss is the rest of the VAE's graph,
 * which also trains the decoder. They share the Jacobian-vector products and the
 * conditional Gumbel draws, and a test checks that each agrees with its estimator at the
 * same draws.
 */
import * as tf from '@tensorflow/tfjs';
import { conditionalPerturbation } from '../../estimators/conditional-noise';
import { softmaxVjp } from '../../estimators/softmax-jacobian';

/** The backward pass of a code op: ∂L/∂z [S, b, N, K] → ∂L/∂logits [b, N, K], given the saved inputs. */
type Backward = (dy: tf.Tensor, logits: tf.Tensor, z: tf.Tensor, extra: tf.Tensor[]) => tf.Tensor;

/** z on the forward pass; `backward` to the logits and nothing to z or the extra inputs. */
function codesWithBackward(logits: tf.Tensor, z: tf.Tensor, extra: tf.Tensor[], backward: Backward): tf.Tensor {
  const op = tf.customGrad((...args: unknown[]) => {
    const inputs = args.slice(0, 2 + extra.length) as tf.Tensor[];
    (args[args.length - 1] as (tensors: tf.Tensor[]) => void)(inputs);
    return {
      // clone: customGrad's value must be a tensor of its own.
      value: tf.clone(inputs[1]),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [
        backward(dy, saved[0], saved[1], saved.slice(2)), ...saved.slice(1).map((t) => tf.zerosLike(t)),
      ],
    };
  });
  return op(logits, z, ...extra);
}

/**
 * Straight-through codes: z forward, the Jacobian of softmax(logits/τ) backward.
 *
 * Shapes: logits [b, N, K], z [S, b, N, K] one-hot → [S, b, N, K] (equal to z).
 *
 * @example
 * const logits = tf.tensor3d([[[1, 0, -1]]]);            // b = 1, N = 1, K = 3
 * const z = tf.tensor4d([[[[0, 1, 0]]]]);                  // one exact sample of it, [S = 1, b, N, K]
 * const dLdz = tf.tensor4d([[[[0, 1, 2]]]]);
 * const g = tf.grad((l: tf.Tensor) => tf.sum(tf.mul(straightThroughCodes(l, z, 1), dLdz)))(logits);
 * g.print();   // softmax(logits) ⊙ (dLdz − ⟨softmax(logits), dLdz⟩)
 */
export function straightThroughCodes(logits: tf.Tensor, z: tf.Tensor, temperature: number): tf.Tensor {
  return codesWithBackward(logits, z, [], (dy, l) => tf.div(softmaxVjp(tf.softmax(tf.div(l, temperature)), tf.sum(dy, 0)), temperature));
}

/**
 * ReinMax codes: z forward, 2 J(π₁)ᵀ − ½ J(π₀)ᵀ backward (second order, Heun's method,
 * where straight-through is forward Euler). The caller checks τ ≥ 1.
 *
 * Shapes: logits [b, N, K], z [S, b, N, K] one-hot → [S, b, N, K] (equal to z).
 *
 * @example
 * const logits = tf.tensor3d([[[1, 0, -1]]]);
 * const z = tf.tensor4d([[[[0, 1, 0]]]]);
 * const g = tf.grad((l: tf.Tensor) => tf.sum(tf.mul(reinmaxCodes(l, z, 1), tf.tensor1d([0, 1, 2]))))(logits);
 * g.print();   // 2 J(π₁)ᵀ w − ½ J(π₀)ᵀ w with w = [0, 1, 2]
 */
export function reinmaxCodes(logits: tf.Tensor, z: tf.Tensor, temperature: number): tf.Tensor {
  return codesWithBackward(logits, z, [], (dy, l, sample) => {
    const pi0 = tf.softmax(l);
    const pi1 = tf.div(tf.add(sample, tf.softmax(tf.div(l, temperature))), 2); // one midpoint per sample
    return tf.sub(tf.mul(tf.sum(softmaxVjp(pi1, dy), 0), 2), tf.mul(softmaxVjp(pi0, tf.sum(dy, 0)), 0.5));
  });
}

/**
 * Gumbel-Rao codes: z forward; backward, the straight-through Gumbel-Softmax Jacobian
 * averaged over m perturbations of the logits drawn given z (the truncated-Gumbel
 * construction of `conditionalPerturbation`), from uniforms v [m, S, b, N, K].
 *
 * Shapes: logits [b, N, K], z [S, b, N, K] one-hot, v [m, S, b, N, K] in (0, 1) →
 * [S, b, N, K] (equal to z).
 *
 * @example
 * const logits = tf.tensor3d([[[1, 0, -1]]]);
 * const z = tf.tensor4d([[[[0, 1, 0]]]]);
 * const v = new Random(0).uniform([10, 1, 1, 1, 3]);      // m = 10 conditional draws
 * const g = tf.grad((l: tf.Tensor) => tf.sum(tf.mul(gumbelRaoCodes(l, z, 0.5, v), tf.tensor1d([0, 1, 2]))))(logits);
 * g.print();
 */
export function gumbelRaoCodes(logits: tf.Tensor, z: tf.Tensor, temperature: number, v: tf.Tensor): tf.Tensor {
  const m = v.shape[0];
  return codesWithBackward(logits, z, [v], (dy, l, sample, [uniforms]) => {
    // The perturbed logits are constants here: the Jacobian is that of softmax(ℓ̃/τ)
    // with the noise ℓ̃ − ℓ held fixed, as in straight-through Gumbel-Softmax.
    const perturbed = conditionalPerturbation('categorical', l, sample, uniforms).value;
    return tf.div(tf.sum(softmaxVjp(tf.softmax(tf.div(perturbed, temperature)), dy), [0, 1]), m * temperature);
  });
}
