/**
 * Exact enumeration: the ground truth that every Monte Carlo estimator is measured
 * against. For a small event space the objective is a finite sum,
 *
 *     E_q[f(y)] = Σ_y q(y) f(y),
 *
 * and its gradient is that sum differentiated by autodiff, with the values f(y) held
 * fixed (they do not depend on the logits).
 */
import * as tf from '@tensorflow/tfjs';
import { fail } from '../validate';
import {
  checkProblem, EstimateOptions, Family, GradientEstimate, GradientProblem, jointLogProb, perSampleLoss, readLoss,
} from './types';

/**
 * The largest event space `exact` enumerates. 65 536 outcomes is e.g. 16 Bernoulli
 * variables, or 8 categorical variables with K = 4; the loss is evaluated on all of
 * them in one batch, so the cap also bounds memory.
 */
export const MAX_EXACT_EVENTS = 65_536;

/** The number of joint outcomes of q: K^N for N categorical variables, 2^D for D Bernoulli ones. */
export function eventSpaceSize(family: Family, logitsShape: number[]): number {
  return Math.pow(outcomesPerVariable(family, logitsShape), numVariables(family, logitsShape));
}

function numVariables(family: Family, logitsShape: number[]): number {
  const batch = family === 'categorical' ? logitsShape.slice(0, -1) : logitsShape;
  return batch.reduce((a, b) => a * b, 1);
}

function outcomesPerVariable(family: Family, logitsShape: number[]): number {
  return family === 'categorical' ? logitsShape[logitsShape.length - 1] : 2;
}

/**
 * Every joint outcome of q, as samples the loss accepts.
 *
 * Shapes: categorical logits [...batch, K] → [K^N, ...batch, K] one-hot; bernoulli
 * logits [...batch] → [2^D, ...batch] in {0, 1}. Outcome m writes m in base K (or 2),
 * the first variable being the most significant digit.
 *
 * @example
 * enumerateOutcomes('categorical', [3]).print();  // [[1,0,0],[0,1,0],[0,0,1]]
 */
export function enumerateOutcomes(family: Family, logitsShape: number[]): tf.Tensor {
  const size = eventSpaceSize(family, logitsShape);
  if (!(size <= MAX_EXACT_EVENTS)) {
    fail('exact', `the event space of ${family} logits of shape [${logitsShape.join(', ')}]`,
      `at most ${MAX_EXACT_EVENTS} outcomes (use a Monte Carlo estimator for larger problems)`, size);
  }
  const base = outcomesPerVariable(family, logitsShape);
  const n = numVariables(family, logitsShape);
  const digits = new Int32Array(size * n);
  for (let m = 0; m < size; m++) {
    let rest = m;
    for (let j = n - 1; j >= 0; j--) {
      digits[m * n + j] = rest % base;
      rest = Math.floor(rest / base);
    }
  }
  if (family === 'bernoulli') return tf.tensor(Float32Array.from(digits), [size, ...logitsShape]);
  return tf.tidy(() => tf.reshape(tf.oneHot(tf.tensor1d(digits, 'int32'), base), [size, ...logitsShape]));
}

/**
 * The exact objective E_q[f(y)] as a number, without its gradient.
 *
 * @example
 * exactObjective({ logits: tf.zeros([3]), family: 'categorical', loss: squaredErrorLoss([0.2, 0.7, 0.1]) });
 */
export function exactObjective(problem: GradientProblem): number {
  checkProblem('exactObjective', problem);
  return tf.tidy(() => {
    const outcomes = enumerateOutcomes(problem.family, problem.logits.shape);
    const values = perSampleLoss('exactObjective', problem, outcomes);
    const probs = tf.exp(jointLogProb(problem.family, problem.logits, outcomes));
    return tf.sum(tf.mul(probs, values)).dataSync()[0];
  });
}

/**
 * The exact gradient ∇_logits E_q[f(y)] by enumerating every outcome; the options
 * (numSamples, seed, temperature) are accepted for the common call shape and ignored.
 *
 * Shapes: `grad` is shaped like the logits; `loss` is the exact objective.
 * Cost: one loss call on K^N (or 2^D) outcomes; refused above MAX_EXACT_EVENTS.
 *
 * @example
 * const { grad, loss } = exact(
 *   { logits: tf.tensor1d([1, 1, 1]), family: 'categorical', loss: squaredErrorLoss([0.2, 0.7, 0.1]) },
 *   { numSamples: 1, seed: 0 });
 */
export function exact(problem: GradientProblem, _options?: EstimateOptions): GradientEstimate {
  checkProblem('exact', problem);
  const { family, logits } = problem;
  let loss = NaN;
  const grad = tf.tidy(() => {
    const outcomes = enumerateOutcomes(family, logits.shape);
    const values = perSampleLoss('exact', problem, outcomes);
    const objective = (l: tf.Tensor) => tf.sum(tf.mul(tf.exp(jointLogProb(family, l, outcomes)), values)) as tf.Scalar;
    const { value, grad } = tf.valueAndGrad(objective)(logits);
    loss = readLoss('exact', value, logits);
    return grad;
  });
  return { grad, loss };
}
