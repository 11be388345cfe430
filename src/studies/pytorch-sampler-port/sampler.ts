/**
 * A PyTorch Gumbel-Softmax sampler from a tutorial on the subject, ported line by line so that a notebook
 * can study it. It is a reproduction of a buggy function, kept as the object of study:
 * use `RelaxedOneHotCategorical` for real work.
 *
 *     def sampler(input, tau, temperature):
 *         noise = torch.rand(input.size())
 *         noise.add_(1e-9).log_().neg_()
 *         noise.add_(1e-9).log_().neg_()
 *         x = (input + noise) / tau + temperature
 *         x = F.softmax(x.view(input.size(0), -1))
 *         return x.view_as(input)
 *
 * What is wrong with it: `temperature` is added inside the softmax, where a constant
 * cancels, so it has no effect (beyond float32 rounding when it is large); the 1e-9
 * inside both logs shifts the Gumbel noise slightly; and `view(input.size(0), -1)`
 * flattens every axis after the first, so for input [B, N, K] the softmax runs over
 * all N·K entries together instead of over each categorical's K.
 */
import * as tf from '@tensorflow/tfjs';
import { Seed, toRandom } from '../../random';
import { checkPositive, fail } from '../../validate';

/** The ported sampler's ε, added inside both logarithms. */
export const PORTED_SAMPLER_EPSILON = 1e-9;

/**
 * The ported sampler on uniforms drawn from `seed` (torch.rand → Random.uniform), in
 * float32 like PyTorch's default tensors. F.softmax without `dim` on a 2-D tensor
 * takes dim = 1, which is what the port does after the flattening view.
 *
 * Shapes: input [B, ...] → [B, ...] (same shape).
 *
 * @example
 * const x = portedPyTorchSampler(tf.tensor2d([[1, 2, 0]]), 0.5, 10, 42);  // `10` is ignored
 */
export function portedPyTorchSampler(input: tf.Tensor, tau: number, temperature: number, seed: Seed): tf.Tensor {
  const fn = 'portedPyTorchSampler';
  checkPositive(fn, 'tau', tau);
  if (typeof temperature !== 'number' || !Number.isFinite(temperature)) fail(fn, 'temperature', 'a finite number', temperature);
  if (input.rank < 1) fail(fn, 'input', 'a tensor of rank ≥ 1', input);
  const u = toRandom(seed, fn).uniform(input.shape);
  return tf.tidy(() => {
    const noise = portedPyTorchGumbel(u);
    const x = tf.add(tf.div(tf.add(input, noise), tau), temperature);
    u.dispose();
    return tf.reshape(tf.softmax(tf.reshape(x, [input.shape[0], -1]), 1), input.shape);
  });
}

/**
 * The correct sampler on the same uniforms: softmax((input + G)/τ) over the last axis,
 * with G = −log(−log u) and no ε (Random's uniforms never reach 0 or 1).
 */
export function correctGumbelSoftmaxSampler(input: tf.Tensor, tau: number, seed: Seed): tf.Tensor {
  const fn = 'correctGumbelSoftmaxSampler';
  checkPositive(fn, 'tau', tau);
  const g = toRandom(seed, fn).gumbel(input.shape);
  return tf.tidy(() => {
    const out = tf.softmax(tf.div(tf.add(input, g), tau), -1);
    g.dispose();
    return out;
  });
}

/**
 * The ported sampler's Gumbel noise from uniforms u, in float32: −log(−log(u + ε) + ε) with
 * ε = 1e-9 (the two in-place `add_(1e-9).log_().neg_()` lines).
 */
export function portedPyTorchGumbel(u: tf.Tensor): tf.Tensor {
  if (!(u instanceof tf.Tensor) || u.isDisposed) fail('portedPyTorchGumbel', 'u', 'a live tf.Tensor of uniforms', u);
  return tf.tidy(() => {
    const first = tf.neg(tf.log(tf.add(u, PORTED_SAMPLER_EPSILON)));
    return tf.neg(tf.log(tf.add(first, PORTED_SAMPLER_EPSILON)));
  });
}
