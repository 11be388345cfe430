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
import { EstimatorBody, publicEstimator } from './estimator';
import { CheckedProblem, Family, FAMILIES, GradientProblem, jointLogProb, perSampleLoss, withCheckedProblem } from './problem';
import { GradientEstimate, readLoss } from './result';

/**
 * The largest event space `exact` enumerates. 65 536 outcomes is e.g. 16 Bernoulli
 * variables, or 8 categorical variables with K = 4; the loss is evaluated on all of
 * them in one batch, so the cap also bounds memory.
 */
export const MAX_EXACT_EVENTS = 65_536;

/** The number of joint outcomes of q: K^N for N categorical variables, 2^D for D Bernoulli ones. */
export function eventSpaceSize(family: Family, logitsShape: number[], fn = 'eventSpaceSize'): number {
  checkShapeArgs(fn, family, logitsShape);
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
export function enumerateOutcomes(family: Family, logitsShape: number[], fn = 'enumerateOutcomes'): tf.Tensor {
  const size = eventSpaceSize(family, logitsShape, fn);
  if (!(size <= MAX_EXACT_EVENTS)) {
    fail(fn, `the event space of ${family} logits of shape [${logitsShape.join(', ')}]`,
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
 * exactObjective({ logits: [0, 0, 0], family: 'categorical', loss: squaredErrorLoss([0.2, 0.7, 0.1]) });  // 0.873…
 */
export function exactObjective(problem: GradientProblem): number {
  return withCheckedProblem('exactObjective', problem, (p) => checkedExactObjective(p));
}

/** `exactObjective` on a problem already checked (the training loop's per-record call). */
export function checkedExactObjective(p: CheckedProblem): number {
  return tf.tidy(() => {
    const outcomes = enumerateOutcomes(p.family, p.logits.shape, p.fn);
    const values = perSampleLoss(p, outcomes);
    const probs = tf.exp(jointLogProb(p.family, p.logits, outcomes));
    return tf.sum(tf.mul(probs, values)).dataSync()[0];
  });
}

/** `exact` takes no options; the type exists so that every estimator has one. */
export type ExactOptions = Record<string, never>;

/** The body of `exact`, shared with the registry. Its loss is always read: it is the point. */
export const exactBody: EstimatorBody<ExactOptions | undefined> = (problem) => {
  const { fn, family, logits } = problem;
  let loss = NaN;
  let lossEvaluations = 0;
  const grad = tf.tidy(() => {
    const outcomes = enumerateOutcomes(family, logits.shape, fn);
    lossEvaluations = outcomes.shape[0];
    const values = perSampleLoss(problem, outcomes);
    const objective = (l: tf.Tensor) => tf.sum(tf.mul(tf.exp(jointLogProb(family, l, outcomes)), values)) as tf.Scalar;
    const { value, grad } = tf.valueAndGrad(objective)(logits);
    loss = readLoss(fn, value, logits, grad);
    return grad;
  });
  return { grad, loss, lossEvaluations };
};

/**
 * The exact gradient ∇_logits E_q[f(y)], by enumerating every outcome: the ground
 * truth the Monte Carlo estimators are measured against. It takes no options.
 *
 * Shapes: `grad` is shaped like the logits; `loss` is the exact objective;
 * `lossEvaluations` is the number of outcomes, K^N (or 2^D), all in one loss call.
 * Refused above MAX_EXACT_EVENTS outcomes.
 *
 * @example
 * const { grad, loss } = exact({ logits: [1, 1, 1], family: 'categorical', loss: squaredErrorLoss([0.2, 0.7, 0.1]) });
 * grad.print();  // [0.0889, -0.2444, 0.1556]
 * grad.dispose();
 */
export const exact: (problem: GradientProblem, options?: ExactOptions) => GradientEstimate = publicEstimator('exact', exactBody);

/** Checks a family name and a shape (whole numbers ≥ 1), naming the function the user called. */
function checkShapeArgs(fn: string, family: Family, shape: number[]): void {
  if (!FAMILIES.includes(family)) fail(fn, 'family', `one of ${FAMILIES.join(', ')}`, family);
  if (!Array.isArray(shape) || shape.some((d) => typeof d !== 'number' || !Number.isInteger(d) || d < 1) || (family === 'categorical' && shape.length === 0)) {
    fail(fn, 'logitsShape', 'an array of whole numbers ≥ 1 (with a last axis K for the categorical family)', shape);
  }
}
