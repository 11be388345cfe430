/**
 * REINFORCE, the score-function estimator (Williams 1992):
 *
 *     ∇ E_q[f(y)] = E_q[f(y) ∇ log q(y)] ≈ (1/n) Σ_i (f(y_i) − b_i) ∇ log q(y_i),
 *
 * unbiased for any discrete q and any loss f, differentiable or not; the price is
 * variance, which a baseline b reduces (see ./baselines).
 */
import * as tf from '@tensorflow/tfjs';
import { logisticArray } from '../distributions/noise';
import { Random, toRandom } from '../random';
import { centredLosses, checkBaseline, MovingAverageBaseline } from './baselines';
import {
  checkNumSamples, checkProblem, EstimateOptions, Family, GradientEstimate, GradientProblem, perSampleLoss, readLoss, wantsLoss,
} from './types';

/**
 * The REINFORCE (score function) gradient estimate with an optional baseline.
 *
 * Draws n exact samples y_i ~ q, evaluates f(y_i) once (those values are constants:
 * no gradient flows through the loss) and weights the score of each sample by
 * w_i = f(y_i) − b_i:
 * - 'none':          b_i = 0;
 * - 'leave-one-out': b_i = mean of the other n − 1 losses (RLOO, Kool et al. 2019),
 *                    i.e. w_i = n/(n − 1)·(f_i − f̄); needs n ≥ 2;
 * - a `MovingAverageBaseline` instance: b = the running average of earlier steps'
 *   mean losses, updated after this step (the instance carries the state).
 *
 * The score is written in closed form, ∇_logits log q(y) = y − π with π = softmax(logits)
 * (categorical) or σ(logits) (Bernoulli), one term per variable, so the estimate is
 *
 *     ĝ = (1/n) (Σ_i w_i y_i − (Σ_i w_i) π),
 *
 * a handful of ops with no backward pass (a test checks it against autodiff of
 * (1/n) Σ_i w_i log q(y_i)).
 *
 * Shapes: logits [...batch, K] (categorical) or [...batch] (Bernoulli); the loss gets
 * y [n, ...batch, K] one-hot or [n, ...batch] in {0, 1} and returns [n]; `grad` has
 * the logits' shape. `loss` is the mean of f over the n draws.
 *
 * @example
 * const problem = { logits: tf.tensor1d([1, 1, 1]), family: 'categorical' as const,
 *                   loss: squaredErrorLoss([0.2, 0.7, 0.1]) };
 * const { grad, loss } = reinforce(problem, { numSamples: 1000, seed: 0, baseline: 'leave-one-out' });
 */
export function reinforce(problem: GradientProblem, options: EstimateOptions): GradientEstimate {
  const fn = 'reinforce';
  checkProblem(fn, problem);
  const n = checkNumSamples(fn, options);
  const baseline = checkBaseline(fn, options.baseline, n);
  const rng = toRandom(options.seed, fn);
  const { family, logits } = problem;
  // A moving-average baseline learns from every step's loss, so it always needs the number.
  const read = wantsLoss(options) || baseline instanceof MovingAverageBaseline;
  let loss = NaN;
  const grad = tf.tidy(() => {
    const y = discreteSample(family, logits, n, rng);
    const losses = perSampleLoss(fn, problem, y);
    const weights = centredLosses(losses, baseline);
    const probs = family === 'categorical' ? tf.softmax(logits) : tf.sigmoid(logits);
    const weightedSamples = tf.matMul(tf.reshape(weights, [1, n]), tf.reshape(y, [n, -1]));
    const g = tf.div(tf.sub(tf.reshape(weightedSamples, logits.shape), tf.mul(tf.sum(weights), probs)), n);
    if (read) loss = readLoss(fn, tf.mean(losses), logits);
    return g;
  });
  if (baseline instanceof MovingAverageBaseline) baseline.update(loss);
  return { grad, loss };
}

/**
 * n exact samples of q, with no gradient: one-hot [n, ...batch, K] by the Gumbel-max
 * trick, onehot(argmax(logits + G)), or {0, 1} [n, ...batch] as 1[L < logits] with L
 * logistic. These are the draws of `OneHotCategorical` / `Bernoulli`.sample(n, rng)
 * (same noise, same generator; a test checks it), without constructing a
 * distribution, whose parameter check runs kernels and a download at every step.
 *
 * The draws are made on the host, where the noise is made anyway: reading back the
 * logits (a handful of numbers) costs less than uploading the noise and running the
 * comparison on the device (for seed 000, four kernels on [1000, 3] a step).
 */
export function discreteSample(family: Family, logits: tf.Tensor, n: number, rng: Random): tf.Tensor {
  const shape = [n, ...logits.shape];
  const values = logits.dataSync() as Float32Array;
  if (family === 'bernoulli') return tf.tensor(bernoulliDraws(values, n, rng), shape);
  return tf.tensor(gumbelMaxDraws(values, logits.shape[logits.rank - 1], n, rng), shape);
}

/**
 * onehot(argmax_k(l_k + G_k)) for n draws of every row of K logits. Rounding the double
 * sum of two float32 numbers to float32 gives their correctly rounded float32 sum
 * (53 ≥ 2·24 + 2 bits), which is what every backend computes, and ties go to the first
 * index as in tf.argMax: the draws are those of the device, bit for bit.
 */
function gumbelMaxDraws(logits: Float32Array, K: number, n: number, rng: Random): Float32Array {
  const noise = rng.gumbelArray(n * logits.length);
  const oneHot = new Float32Array(noise.length);
  const rows = noise.length / K;
  for (let row = 0; row < rows; row++) {
    const start = row * K, logitStart = start % logits.length;
    let best = 0, bestScore = Math.fround(logits[logitStart] + noise[start]);
    for (let k = 1; k < K; k++) {
      const score = Math.fround(logits[logitStart + k] + noise[start + k]);
      if (score > bestScore) {
        best = k;
        bestScore = score;
      }
    }
    oneHot[start + best] = 1;
  }
  return oneHot;
}

/** 1[L < l] for n draws of every logit l, with L standard logistic (float32, as on the device). */
function bernoulliDraws(logits: Float32Array, n: number, rng: Random): Float32Array {
  const noise = logisticArray(rng, n * logits.length);
  return noise.map((L, i) => (L < logits[i % logits.length] ? 1 : 0));
}
