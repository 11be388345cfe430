/**
 * Straight-through: a discrete value on the forward pass, the identity on the backward pass.
 */
import * as tf from '@tensorflow/tfjs';
import { Received } from '../distributions/checks';
import { straightThroughRound } from '../kernels/straight-through';
import { fail } from '../validate';

/**
 * Rounds a relaxed sample to the discrete value nearest to it, passing gradients
 * through unchanged (the straight-through estimator, as in [2] §2.2).
 *
 * Forward: along the last axis, size K > 1 gives the one-hot vector of the argmax (the
 * first one on ties); size 1 gives round(y), with ties to even (0.5 → 0). A row that
 * holds NaN or ±∞ gives a row of NaN, never a one-hot vector: the error then surfaces
 * in the loss (which every estimator checks) instead of passing as a valid sample,
 * and no download is needed to find it. Backward:
 * the gradient with respect to `y` is the incoming gradient itself (one fused kernel
 * each way on cpu and wasm, src/kernels/straight-through.ts).
 *
 * Shapes: `y` [..., K] → the same shape, float32. A `RelaxedBernoulli` sample of shape
 * [n, ...batchShape] has no event axis: add one with `y.expandDims(-1)` first, or
 * the last batch axis will be read as categories.
 *
 * References:
 * [1] Bengio, Léonard and Courville (2013), "Estimating or Propagating Gradients Through
 *     Stochastic Neurons for Conditional Computation", arXiv:1308.3432.
 * [2] Jang, Gu and Poole (2017), "Categorical Reparameterization with Gumbel-Softmax", ICLR.
 *
 * @example
 * const d = new RelaxedOneHotCategorical({ logits: [1, 2, 0], temperature: 0.5 });
 * const y = straightThrough(d.sample(1000, 0));      // one-hot rows, soft gradients
 * const b = straightThrough(new RelaxedBernoulli({ logits: [0.3], temperature: 1 }).sample(10, 0)); // [10, 1] of 0/1
 * tf.dispose([y, b]);
 * d.dispose();
 */
export function straightThrough(y: tf.Tensor): tf.Tensor {
  const fn = 'straightThrough';
  if (!(y instanceof tf.Tensor)) fail(fn, 'y', 'a tf.Tensor', y);
  if (y.isDisposed) fail(fn, 'y', 'a live tensor', new Received('a disposed tensor'));
  if (y.rank < 1 || y.size === 0) fail(fn, 'y', 'a non-empty tensor of rank ≥ 1 (the last axis holds the event)', y);
  if (y.dtype !== 'float32') fail(fn, 'y', 'a float32 tensor', new Received(`a tensor of dtype ${y.dtype} and shape [${y.shape.join(', ')}]`));
  // One kernel each way on cpu and wasm; its op-by-op reference is straightThroughRoundReference.
  return straightThroughRound(y);
}

/**
 * x on the forward pass and a zero gradient on the backward pass, like TensorFlow's
 * tf.stop_gradient (TensorFlow.js has none): for a value that enters a surrogate
 * objective as a constant, such as the loss weighting a score.
 *
 * @example
 * // The score-function surrogate mean(f · log q(y)), where f is a constant weight:
 * const logits = tf.tensor1d([0.5, -0.5]);
 * const y = tf.tensor2d([[1, 0], [0, 1]]);
 * const g = tf.grad((l: tf.Tensor) => {
 *   const f = tf.sum(tf.mul(y, l), 1);                      // depends on l, but is held fixed
 *   const logProb = tf.sum(tf.mul(y, tf.logSoftmax(l)), 1);
 *   return tf.mean(tf.mul(stopGradient(f), logProb));
 * })(logits);
 * g.print();
 * tf.dispose([logits, y, g]);
 */
export const stopGradient: (x: tf.Tensor) => tf.Tensor = tf.customGrad((...args) => {
  const x = args[0] as tf.Tensor;
  // clone: customGrad's value must be a tensor of its own (the engine keeps it).
  return { value: tf.clone(x), gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) };
});
