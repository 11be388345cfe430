/**
 * The Gumbel-Softmax (Concrete) estimators, [1] Maddison et al. 2017, [2] Jang et al. 2017.
 *
 * A relaxed sample z = softmax((logits + G)/τ), G standard Gumbel (for a Bernoulli:
 * z = σ((logit + L)/τ), L logistic), is a differentiable function of the logits, so
 * the mean loss over such samples can be differentiated by autodiff
 * (reparameterisation). The gradient is that of the relaxed objective E[f(z)], not of
 * E_q[f(y)]: biased, with a bias that vanishes as τ → 0 while the variance grows.
 */
import * as tf from '@tensorflow/tfjs';
import { gumbelNoise, logisticNoise } from '../distributions/noise';
import { Random, toRandom } from '../random';
import { straightThrough } from './straight-through';
import {
  checkNumSamples, checkProblem, EstimateOptions, Family, GradientEstimate, GradientProblem,
  perSampleLoss, readLoss, requireTemperature, wantsLoss,
} from './types';

/**
 * n relaxed samples, differentiable in `logits`: [n, ...batch, K] on the simplex
 * (categorical) or [n, ...batch] in (0, 1) (Bernoulli).
 *
 * These are the draws of `RelaxedOneHotCategorical` / `RelaxedBernoulli`.sample(n, rng):
 * the same noise from the same generator, the same formula (a test checks it). They
 * are written out here, without constructing a distribution, because the
 * constructor checks its parameters with a download from the backend, and a
 * training step should make just one (seed 000 runs 10 000 steps per estimator).
 */
export function relaxedSample(family: Family, logits: tf.Tensor, n: number, temperature: number, rng: Random): tf.Tensor {
  const shape = [n, ...logits.shape];
  return tf.tidy(() => family === 'categorical'
    ? tf.softmax(tf.div(tf.add(logits, gumbelNoise(rng, shape)), temperature))
    : tf.sigmoid(tf.div(tf.add(logits, logisticNoise(rng, shape)), temperature)));
}

/** Rounds relaxed samples with a straight-through gradient; a Bernoulli sample gets a trailing axis of 1 so it is rounded. */
function hardened(problem: GradientProblem, z: tf.Tensor): tf.Tensor {
  if (problem.family === 'categorical') return straightThrough(z);
  return tf.squeeze(straightThrough(tf.expandDims(z, -1)), [-1]);
}

function pathwise(fn: string, hard: boolean, problem: GradientProblem, options: EstimateOptions): GradientEstimate {
  checkProblem(fn, problem);
  const n = checkNumSamples(fn, options);
  const temperature = requireTemperature(fn, options.temperature);
  const rng = toRandom(options.seed, fn);
  let loss = NaN;
  const grad = tf.tidy(() => {
    // tf.grad feeds the logits tensor itself to the function, so samples built from
    // problem.logits inside it are on the tape.
    const meanLoss = () => {
      const z = relaxedSample(problem.family, problem.logits, n, temperature, rng);
      return tf.mean(perSampleLoss(fn, problem, hard ? hardened(problem, z) : z)) as tf.Scalar;
    };
    const { value, grad: g } = tf.valueAndGrad(meanLoss)(problem.logits);
    if (wantsLoss(options)) loss = readLoss(fn, value, problem.logits);
    return g;
  });
  return { grad, loss };
}

/**
 * The Gumbel-Softmax estimator: the loss is evaluated at relaxed samples and
 * differentiated through them ([1], [2]).
 *
 * The loss must accept points of the simplex (or of (0, 1) for Bernoulli), not only
 * one-hot vectors. τ → 0 gives one-hot samples (low bias, high variance); τ → ∞
 * gives the uniform point 1/K (smooth, heavily biased).
 *
 * Shapes: as `reinforce`; `loss` is the mean loss at the relaxed samples.
 *
 * @example
 * const { grad, loss } = gumbelSoftmax(problem, { numSamples: 1000, seed: 0, temperature: 0.5 });
 */
export function gumbelSoftmax(problem: GradientProblem, options: EstimateOptions): GradientEstimate {
  return pathwise('gumbel-softmax', false, problem, options);
}

/**
 * The straight-through Gumbel-Softmax estimator ([2], section 2.2): the forward pass
 * uses the discrete sample onehot(argmax z) (or round(z) for Bernoulli), which is an
 * exact sample of q, and the backward pass the Jacobian of the relaxed z. This is
 * seed 000's Gumbel-Softmax loop.
 *
 * Shapes: as `reinforce`; `loss` is the mean loss at the discrete samples, so it is an
 * unbiased estimate of E_q[f] even though the gradient is biased.
 *
 * @example
 * const { grad } = stGumbelSoftmax(problem, { numSamples: 1000, seed: 0, temperature: 5 });
 */
export function stGumbelSoftmax(problem: GradientProblem, options: EstimateOptions): GradientEstimate {
  return pathwise('st-gumbel-softmax', true, problem, options);
}
