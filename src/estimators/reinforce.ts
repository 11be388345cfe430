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
import { Baseline, centredLosses, MovingAverageBaseline, resolveBaseline } from './baselines';
import { EstimatorBody, publicEstimator } from './estimator';
import { SamplingOptions, checkSampling } from './options';
import { perSampleLoss, probabilities } from './problem';
import { readLoss } from './result';

/** Options of `reinforce`. */
export interface ReinforceOptions extends SamplingOptions {
  /** Default 'none'. */
  baseline?: Baseline;
}

/** The body of `reinforce`, shared with the registry. */
export const reinforceBody: EstimatorBody<ReinforceOptions> = (problem, options, read) => {
  const { fn, family, logits } = problem;
  const n = checkSampling(fn, options);
  const baseline = resolveBaseline(fn, options.baseline, n);
  const rng = toRandom(options.seed, fn);
  // A moving-average baseline learns from every step's loss, so it always needs the number.
  const wantLoss = read || baseline instanceof MovingAverageBaseline;
  let loss = NaN;
  const grad = tf.tidy(() => {
    const y = discreteSample(family, logits, n, rng);
    const losses = perSampleLoss(problem, y);
    const weights = centredLosses(losses, baseline);
    const weightedSamples = tf.matMul(tf.reshape(weights, [1, n]), tf.reshape(y, [n, -1]));
    const g = tf.div(tf.sub(tf.reshape(weightedSamples, logits.shape), tf.mul(tf.sum(weights), probabilities(family, logits))), n);
    if (wantLoss) loss = readLoss(fn, tf.mean(losses), logits, g);
    return g;
  });
  if (baseline instanceof MovingAverageBaseline) baseline.update(loss);
  return { grad, loss, lossEvaluations: n };
};

/**
 * The REINFORCE (score function) gradient estimate with an optional baseline.
 *
 * Draws n exact samples y_i ~ q, evaluates f(y_i) once each (those values are
 * constants: no gradient flows through the loss) and weights the score of each sample
 * by w_i = f(y_i) − b_i:
 * - 'none' (the default): b_i = 0;
 * - 'leave-one-out': b_i = mean of the other n − 1 losses (RLOO, Kool et al. 2019),
 *   i.e. w_i = n/(n − 1)·(f_i − f̄); needs n ≥ 2;
 * - a `MovingAverageBaseline` instance: b = the running average of earlier calls' mean
 *   losses, updated after this call (the instance carries the state).
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
 * the logits' shape. `loss` is the mean of f over the n draws; `lossEvaluations` is n.
 *
 * @example
 * const problem = { logits: [1, 1, 1], family: 'categorical' as const, loss: squaredErrorLoss([0.2, 0.7, 0.1]) };
 * const { grad, loss } = reinforce(problem, { numSamples: 1000, seed: 0, baseline: 'leave-one-out' });
 * grad.print();
 * grad.dispose();
 */
export const reinforce = publicEstimator('reinforce', reinforceBody);
