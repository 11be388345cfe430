/**
 * The pathwise (reparameterisation) gradient: autodiff straight through the sampler.
 *
 * This is how seed 000 trains MDNF (Kusmierczyk & Klami, "Reliable Categorical
 * Variational Inference with Mixture of Discrete Normalizing Flows"): the samples of
 * `FactorizedDiscreteFlowsMixture.sample` are one-hot, but carry a straight-through
 * gradient to the logits, so the mean loss is simply differentiated by the tape.
 * It works equally for any sampler whose output is differentiable in the variable
 * (Gumbel-Softmax, straight-through Gumbel-Softmax).
 */
import * as tf from '@tensorflow/tfjs';
import { fail } from '../validate';

/**
 * The mean loss over drawn samples and its autodiff gradient w.r.t. `variable`.
 *
 * @param variable the parameters, any shape
 * @param lossOfSample per-sample loss: samples [n, ...] → [n]
 * @param sampleFn draws the samples [n, ...]; must depend on `variable` through differentiable ops
 * @returns `grad` with the variable's shape (the caller disposes it) and `loss`, the mean as a number
 *
 * @example
 * const q = new FactorizedDiscreteFlowsMixture({ N: 1, K: 3, B: 10, temperature: 5 });
 * const target = tf.tensor([0.2, 0.7, 0.1]);
 * const rng = new Random(0);
 * const { grad, loss } = pathwiseGradient(
 *   q.logits,
 *   (y) => tf.sum(tf.square(tf.sub(y, target)), [1, 2]),
 *   () => q.sample(100, rng),
 * );
 * q.logits.assign(tf.sub(q.logits, tf.mul(0.01, grad)));
 */
export function pathwiseGradient(
  variable: tf.Variable,
  lossOfSample: (y: tf.Tensor) => tf.Tensor,
  sampleFn: () => tf.Tensor,
): { grad: tf.Tensor; loss: number } {
  if (!(variable instanceof tf.Variable)) fail('pathwiseGradient', 'variable', 'a tf.Variable', variable);
  // variableGrads runs f in a tidy scope: only the value and the gradient survive.
  let lossShape: number[] = [];
  const { value, grads } = tf.variableGrads(() => {
    const losses = lossOfSample(sampleFn());
    lossShape = losses.shape;
    return tf.mean(losses) as tf.Scalar;
  }, [variable]);
  // Checked only after the backward pass: an error thrown while the tape records
  // would strand the tensors it saved.
  if (lossShape.length !== 1) {
    tf.dispose([value, grads[variable.name]]);
    fail('pathwiseGradient', 'lossOfSample(y)', 'of shape [n], one loss per sample', `shape [${lossShape.join(', ')}]`);
  }
  const loss = value.dataSync()[0];
  value.dispose();
  return { grad: grads[variable.name], loss };
}
