/**
 * REINFORCE, the score-function estimator (Williams 1992):
 *
 *     ∇ E_q[f(y)] = E_q[f(y) ∇ log q(y)] ≈ (1/n) Σ_i (f(y_i) − b_i) ∇ log q(y_i),
 *
 * unbiased for any discrete q and any loss f, differentiable or not; the price is
 * variance, which a baseline b reduces (see ./baselines).
 */
import * as tf from '@tensorflow/tfjs';
import { discreteSample } from '../distributions/exact-draws';
import { toRandom } from '../random';
import { centredLosses, checkBaseline, MovingAverageBaseline } from './baselines';
import {
  checkNumSamples, checkProblem, EstimateOptions, GradientEstimate, GradientProblem, perSampleLoss, readLoss, wantsLoss,
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
