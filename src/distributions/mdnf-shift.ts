/**
 * The building blocks of the MDNF discrete flow (Kusmierczyk & Klami, "Reliable
 * Categorical Variational Inference with Mixture of Discrete Normalizing Flows").
 *
 * A discrete flow moves a point mass e_c on {0, …, K−1} to e_{(c − s) mod K}, where the
 * shift s = argmax(logits) is itself a one-hot vector. Both steps are written with
 * differentiable ops (a straight-through one-hot and a fixed circulant matmul) so that
 * a gradient can travel from a sample back to the logits.
 */
import * as tf from '@tensorflow/tfjs';
import { Random } from '../random';

/**
 * The straight-through one-hot shift.
 *
 * Forward: onehot(argmax(logits)) along the last axis. Backward: the Jacobian of
 * softmax(logits / τ). TensorFlow.js has no stopGradient, hence `customGrad`.
 * Large τ flattens the surrogate softmax (small, smooth gradients); small τ makes it
 * peaked, so the gradient concentrates where two logits nearly tie.
 *
 * @param logits [..., K]
 * @param temperature τ > 0, already validated by the caller
 * @returns [..., K], exactly one-hot
 */
export function straightThroughShift(logits: tf.Tensor, temperature: number): tf.Tensor {
  const K = logits.shape[logits.shape.length - 1];
  const shift = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [z, save] = args as [tf.Tensor, tf.GradSaveFunc];
    save([z]);
    // tf.oneHot refuses K = 1, a valid (if trivial) case, where the one-hot is all ones. (A broadcast
    // tf.equal against 0…K−1 would cover both, but costs wasm about 15 times as much as tf.oneHot.)
    const hard = K === 1 ? tf.onesLike(z) : tf.cast(tf.oneHot(tf.argMax(z, -1), K), 'float32');
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      // p = softmax(z/τ) has the vector-Jacobian product (1/τ) · p ⊙ (dy − ⟨dy, p⟩).
      const p = tf.softmax(tf.div(saved[0], temperature));
      const centred = tf.sub(dy, tf.sum(tf.mul(dy, p), -1, true));
      return tf.div(tf.mul(p, centred), temperature);
    };
    return { value: hard, gradFunc };
  });
  return shift(logits);
}

/**
 * The fixed circulant matrices that apply the flow to each base point mass.
 *
 * C[n·B + b, j, k] = 1 when (k + j) mod K = c[n][b], so that the row vector
 * shift · C has a one exactly at k = (c − j) mod K for shift = e_j.
 *
 * @param components [N][B] category indices, already validated
 * @returns [N·B, K, K]
 */
export function shiftCirculant(components: number[][], K: number): tf.Tensor3D {
  const rows = components.flat();
  const data = new Float32Array(rows.length * K * K);
  rows.forEach((c, r) => {
    for (let j = 0; j < K; j++) data[(r * K + j) * K + ((c - j + K) % K)] = 1;
  });
  return tf.tensor3d(data, [rows.length, K, K]);
}

/**
 * The shifted locations μ[n, b] = e_{(c[n,b] − s[n,b]) mod K}, as one-hot rows.
 * There is no roll op in TensorFlow.js, so the modular shift is a batched matmul.
 *
 * @param shift [N, B, K] one-hot shifts (straight-through)
 * @param circulant [N·B, K, K] from `shiftCirculant`
 * @returns [N, B, K]
 */
export function applyShift(shift: tf.Tensor, circulant: tf.Tensor3D): tf.Tensor3D {
  const [N, B, K] = shift.shape;
  const rows = tf.reshape(shift, [N * B, 1, K]) as tf.Tensor3D;
  return tf.reshape(tf.matMul(rows, circulant), [N, B, K]) as tf.Tensor3D;
}

/**
 * Which component each sample uses: round-robin from a random offset per variable.
 *
 * Sample i of variable n uses component (o_n + i) mod B. Every component gets
 * ⌊m/B⌋ or ⌈m/B⌉ of the m samples, exactly m/B when B divides m, which is what
 * makes MDNF's sample averages low-variance. One offset per variable keeps the
 * variables of a single sample independent of each other.
 *
 * @returns [N, m, B], one-hot along B
 */
export function roundRobinSelection(numSamples: number, N: number, B: number, rng: Random): tf.Tensor3D {
  const data = new Float32Array(N * numSamples * B);
  for (let n = 0; n < N; n++) {
    const offset = rng.integer(B);
    for (let i = 0; i < numSamples; i++) data[(n * numSamples + i) * B + ((offset + i) % B)] = 1;
  }
  return tf.tensor3d(data, [N, numSamples, B]);
}
