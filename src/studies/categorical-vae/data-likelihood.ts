/**
 * The decoder's Bernoulli log-likelihood of binary data, as the training objective takes
 * it: log p(x | z) = Σ_d [x_d l_d − softplus(l_d)] for pixels x [b, D] and pixel logits
 * l [b, D], with the gradient with respect to l written out. The data take no gradient.
 *
 * The values are `CategoricalVae.logLikelihood`'s, and so is the gradient, element for
 * element: the tape gives dy·x + (−dy)·σ(l) after broadcasting dy over the pixels with
 * a product by ones and two reshapes; here dy is broadcast inside the two products,
 * which gives the same float32 values in fewer kernels (test/vae-step.test.ts checks
 * both bit for bit). Arguments are the caller's to check (`logLikelihood` checks them).
 */
import * as tf from '@tensorflow/tfjs';

/** x·l − softplus(l) summed over the pixels: the forward pass both functions share. */
function perDatum(x: tf.Tensor, l: tf.Tensor): tf.Tensor {
  return tf.sum(tf.sub(tf.mul(x, l), tf.softplus(l)), -1);
}

/** dy·x + (−dy)·σ(l), the gradient with respect to l, for dy one value per datum [b, 1] or one scalar. */
function gradient(dy: tf.Tensor, x: tf.Tensor, l: tf.Tensor): tf.Tensor {
  return tf.add(tf.mul(dy, x), tf.mul(tf.neg(dy), tf.sigmoid(l)));
}

/**
 * log p(x | z) per datum for data x [b, D] and pixel logits [b, D] → [b]: six backward
 * kernels instead of ten.
 *
 * @example
 * const x = tf.tensor2d([[1, 0]]), l = tf.variable(tf.tensor2d([[2, -1]]));
 * const { value, grads } = tf.variableGrads(() => tf.sum(dataLogLikelihood(x, l)) as tf.Scalar, [l]);
 * value.print();           // 2 − softplus(2) − softplus(−1) = −0.4402
 * grads[l.name].print();   // x − σ(l) = [[0.1192, −0.2689]]
 * tf.dispose([x, l, value, ...Object.values(grads)]);
 */
export function dataLogLikelihood(x: tf.Tensor2D, pixelLogits: tf.Tensor2D): tf.Tensor1D {
  const [b] = x.shape;
  const f = tf.customGrad((...args) => {
    const [l, save] = args as unknown as [tf.Tensor, tf.GradSaveFunc];
    // x is saved too: it may be an intermediate that its scope frees before the backward pass.
    save([l, x]);
    return { value: perDatum(x, l), gradFunc: (dy: tf.Tensor, [logits, data]: tf.Tensor[]) => gradient(tf.reshape(dy, [b, 1]), data, logits) };
  });
  return f(pixelLogits) as tf.Tensor1D;
}

/**
 * −log p(x | z) averaged over the data, x [n, D] and pixel logits [n, D] → a scalar:
 * `tf.mean(tf.neg(…))` of `dataLogLikelihood`, whose gradient the tape would build from
 * a reshape, a product by ones, a division, a negation and two more reshapes; here it is
 * one scalar, −(dy / n), in two kernels.
 *
 * @example
 * const x = tf.tensor2d([[1, 0], [0, 0]]), l = tf.variable(tf.tensor2d([[2, -1], [0, 0]]));
 * const { value, grads } = tf.variableGrads(() => meanNegativeLogLikelihood(x, l), [l]);
 * value.print();           // (0.4402 + 2 log 2) / 2 = 0.9133
 * grads[l.name].print();   // (σ(l) − x) / 2 = [[−0.0596, 0.1345], [0.25, 0.25]]
 * tf.dispose([x, l, value, ...Object.values(grads)]);
 */
export function meanNegativeLogLikelihood(x: tf.Tensor2D, pixelLogits: tf.Tensor2D): tf.Scalar {
  const [n] = x.shape;
  const f = tf.customGrad((...args) => {
    const [l, save] = args as unknown as [tf.Tensor, tf.GradSaveFunc];
    save([l, x]);
    return {
      value: tf.mean(tf.neg(perDatum(x, l))),
      // The mean's dy / n, then the negation: the same two roundings as the tape's.
      gradFunc: (dy: tf.Tensor, [logits, data]: tf.Tensor[]) => gradient(tf.neg(tf.div(dy, n)), data, logits),
    };
  });
  return f(pixelLogits) as tf.Scalar;
}
