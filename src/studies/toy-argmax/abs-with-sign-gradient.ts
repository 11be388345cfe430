/**
 * |x| whose gradient is sign(x), so that it is 0 at the kink x = 0.
 */
import * as tf from '@tensorflow/tfjs';
import { Received } from '../../distributions/checks';
import { fail } from '../../validate';

/**
 * The absolute value |x|, elementwise, differentiated as sign(x): +1 above 0, −1
 * below 0 and **0 at exactly 0**.
 *
 * Why it exists: TensorFlow.js differentiates `tf.abs` as dy·step(x, −1), which is −1
 * at x = 0; Python TensorFlow and PyTorch use sign(x), which is 0 there. Any number in
 * [−1, 1] is a subgradient of |x| at 0; 0 is the one that says "this is the minimum,
 * do not move". For a smooth input, x = 0 exactly almost never happens and the choice
 * does not matter. A straight-through value is exactly discrete, so an error of
 * exactly 0 is common there, and the TensorFlow.js choice pushes a right answer away.
 *
 * Shapes: `x` any float32 shape → the same shape.
 *
 * @example
 * tf.grad((x) => tf.sum(absWithSignGradient(x)))(tf.tensor1d([0, 1, -1]));  // [0, 1, -1]
 * tf.grad((x) => tf.sum(tf.abs(x)))(tf.tensor1d([0, 1, -1]));               // [-1, 1, -1] in TensorFlow.js
 */
export function absWithSignGradient(x: tf.Tensor): tf.Tensor {
  const fn = 'absWithSignGradient';
  if (!(x instanceof tf.Tensor)) fail(fn, 'x', 'a tf.Tensor', x);
  if (x.isDisposed) fail(fn, 'x', 'a live tensor', new Received('a disposed tensor'));
  if (x.dtype !== 'float32') fail(fn, 'x', 'a float32 tensor', new Received(`a tensor of dtype ${x.dtype}`));
  return absSign(x);
}

const absSign = tf.customGrad((...args) => {
  const x = args[0] as tf.Tensor;
  const save = args[args.length - 1] as tf.GradSaveFunc;
  save([x]);
  return { value: tf.abs(x), gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, tf.sign(saved[0])) };
});
