/**
 * The exact answers the entropy estimates are measured against: H(q) with its gradient,
 * and the spread of the surprisal −log q(y), which sets the Monte Carlo standard error.
 */
import * as tf from '@tensorflow/tfjs';
import { logSoftmax } from '../../kernels/log-softmax';
import { TensorInput } from '../../distributions/checks';
import { categoricalEntropy } from '../../estimators/entropy';
import { withCategoryVector } from './category-vector';

/** A value and its gradient with respect to the logits, read back as plain numbers. */
export interface EntropyValueAndGrad {
  value: number;
  /** ∂value/∂logits, [K]. */
  grad: number[];
}

/**
 * The exact entropy H of a categorical and its gradient with respect to the logits, by
 * autodiff of the closed form (`categoricalEntropy`); analytically ∂H/∂l_j = −π_j (log π_j + H).
 *
 * Shapes: logits [K], a tensor or plain numbers.
 *
 * @example
 * const { value, grad } = exactEntropy([Math.log(0.5), Math.log(0.25), Math.log(0.125), Math.log(0.125)]);
 * // value 1.2130 = 1.75 ln 2; grad [−0.2599, 0.0433, 0.1083, 0.1083]
 */
export function exactEntropy(logits: TensorInput): EntropyValueAndGrad {
  return withCategoryVector('exactEntropy', 'logits', logits, (l) => tf.tidy(() => {
    const { value, grad } = tf.valueAndGrad((x: tf.Tensor) => categoricalEntropy(x) as tf.Scalar)(l);
    return { value: value.dataSync()[0], grad: Array.from(grad.dataSync()) };
  }));
}

/**
 * The standard deviation of the surprisal −log q(y) for y ~ q, exactly:
 * √(Σ_k π_k (log π_k)² − H²). A Monte Carlo mean of n surprisals has standard error σ/√n.
 *
 * Shapes: logits [K], a tensor or plain numbers.
 *
 * @example
 * surprisalStd([Math.log(0.5), Math.log(0.25), Math.log(0.125), Math.log(0.125)]);  // 0.5747 = √(3.75 − 1.75²) ln 2
 */
export function surprisalStd(logits: TensorInput): number {
  return withCategoryVector('surprisalStd', 'logits', logits, (l) => tf.tidy(() => {
    const logPi = logSoftmax(l);
    const pi = tf.exp(logPi);
    const h = tf.neg(tf.sum(tf.mul(pi, logPi)));
    const second = tf.sum(tf.mul(pi, tf.square(logPi)));
    return Math.sqrt(Math.max(0, tf.sub(second, tf.square(h)).dataSync()[0]));
  }));
}
