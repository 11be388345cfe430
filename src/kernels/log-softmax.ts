/**
 * tf.logSoftmax over the last axis as one fused op on the `tensorflow` backend, forward
 * and backward one kernel each (src/kernels/tensorflow-kernels.ts), where TensorFlow.js
 * composes seven ops forward and four backward inside a tf.customGrad. The values are
 * tf.logSoftmax's on every backend, bit for bit: elsewhere it is tf.logSoftmax itself.
 */
import * as tf from '@tensorflow/tfjs';
import { fusedKernelName, hasFusedKernel, registerFusedKernel, runFusedKernel } from './registry';
import { logSoftmaxBackwardTensorflow, logSoftmaxForwardTensorflow } from './tensorflow-kernels';

const FORWARD = fusedKernelName('LogSoftmax');
const BACKWARD = fusedKernelName('LogSoftmaxGrad');

/**
 * log softmax(logits) along the last axis, differentiable; float32 logits of rank ≥ 1
 * (others go to tf.logSoftmax, which checks them).
 *
 * @example
 * const l = logSoftmax(tf.tensor1d([1, 2, 0]));   // [−1.4076, −0.4076, −2.4076]
 * l.dispose();
 */
export function logSoftmax<T extends tf.Tensor>(logits: T): T {
  if (!hasFusedKernel(FORWARD) || logits.dtype !== 'float32' || logits.rank < 1 || logits.size === 0) return tf.logSoftmax(logits);
  return runFusedKernel<T>(FORWARD, { logits }, {});
}

/** tf.logSoftmax's gradient, dy − (Σ dy) · exp(value), op by op, for a backend without the backward kernel. */
function backwardReference(dy: tf.Tensor, value: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.sub(dy, tf.mul(tf.sum(dy, -1, true), tf.exp(value))));
}

registerFusedKernel(FORWARD, { tensorflow: logSoftmaxForwardTensorflow }, {
  outputsToSave: [true],
  gradFunc: (dy, [value]) => ({
    logits: () => (hasFusedKernel(BACKWARD)
      ? runFusedKernel<tf.Tensor>(BACKWARD, { dy: dy as tf.Tensor, value }, {})
      : backwardReference(dy as tf.Tensor, value)),
  }),
});
registerFusedKernel(BACKWARD, { tensorflow: logSoftmaxBackwardTensorflow });
