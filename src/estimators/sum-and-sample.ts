/**
 * Rao-Blackwellised sum-and-sample (Liu, Regier, Tripuraneni, Jordan & McAuliffe 2019,
 * "Rao-Blackwellized Stochastic Gradients for Discrete Distributions", ICML): the score
 * function estimator with the k most probable outcomes summed exactly and only the
 * rest sampled.
 */
import * as tf from '@tensorflow/tfjs';
import { maxOf, sigmoid } from '../host-math';
import { Random, toRandom } from '../random';
import { fail, orDefault } from '../validate';
import { hostLogits } from './host-logits';
import { EstimatorBody, publicEstimator } from './estimator';
import { eventSpaceSize, MAX_EXACT_EVENTS } from './exact';
import { checkSampling, SamplingOptions } from './options';
import { CheckedProblem, perSampleLoss, probabilities } from './problem';
import { readLoss } from './result';

/** Options of `sumAndSample`. */
export interface SumAndSampleOptions extends SamplingOptions {
  /** k, how many of the most probable outcomes are summed exactly: a whole number ≥ 0, below the number of outcomes; default 1. */
  numSummed?: number;
}

/** log q of every joint outcome, numbered as `enumerateOutcomes` numbers them (first variable most significant). */
function outcomeLogProbs(problem: CheckedProblem, logits: Float32Array, size: number): Float64Array {
  const K = problem.family === 'categorical' ? problem.numCategories : 2;
  const perVariable = logits.length / (problem.family === 'categorical' ? K : 1);
  // Per variable, log q of each of its K values, in float64.
  const table = new Float64Array(perVariable * K);
  for (let j = 0; j < perVariable; j++) {
    if (problem.family === 'bernoulli') {
      table[2 * j] = Math.log(sigmoid(-logits[j]));
      table[2 * j + 1] = Math.log(sigmoid(logits[j]));
    } else {
      const row = Array.from(logits.subarray(j * K, (j + 1) * K));
      const max = maxOf(row);
      const logZ = max + Math.log(row.reduce((a, x) => a + Math.exp(x - max), 0));
      row.forEach((x, k) => { table[j * K + k] = x - logZ; });
    }
  }
  const logq = new Float64Array(size);
  for (let m = 0; m < size; m++) {
    let rest = m, total = 0;
    for (let j = perVariable - 1; j >= 0; j--) {
      total += table[j * K + (rest % K)];
      rest = Math.floor(rest / K);
    }
    logq[m] = total;
  }
  return logq;
}

/** The k most probable outcomes, most probable first (ties to the lower number). */
function topOutcomes(logq: Float64Array, k: number): number[] {
  const better = (a: number, b: number) => logq[a] > logq[b] || (logq[a] === logq[b] && a < b);
  if (k > 32) return Array.from(logq, (_, m) => m).sort((a, b) => (better(a, b) ? -1 : 1)).slice(0, k);
  // A few: one pass keeping a sorted list of the best k so far.
  const top: number[] = [];
  for (let m = 0; m < logq.length && k > 0; m++) {
    if (top.length === k && !better(m, top[k - 1])) continue;
    if (top.length === k) top.pop();
    let at = top.length;
    while (at > 0 && better(m, top[at - 1])) at--;
    top.splice(at, 0, m);
  }
  return top;
}

/** n draws from q restricted to the outcomes not in `summed`, by inverse CDF on 32-bit uniforms; returns the outcomes and their total mass. */
function sampleRest(logq: Float64Array, summed: Set<number>, n: number, rng: Random): { draws: number[]; mass: number } {
  const rest: number[] = [], cumulative: number[] = [];
  let mass = 0;
  for (let m = 0; m < logq.length; m++) {
    if (summed.has(m)) continue;
    mass += Math.exp(logq[m]);
    rest.push(m);
    cumulative.push(mass);
  }
  const bits = rng.bitsArray(n);
  const draws = Array.from(bits, (b) => {
    // (bits + ½)/2^32 is strictly inside (0, 1); a rest of mass 0 (underflow) is drawn
    // from uniformly instead: its weight is then 0, so the choice does not matter.
    const target = ((b + 0.5) / 2 ** 32) * (mass > 0 ? mass : rest.length);
    let lo = 0, hi = rest.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((mass > 0 ? cumulative[mid] : mid + 1) > target) hi = mid; else lo = mid + 1;
    }
    return rest[lo];
  });
  return { draws, mass };
}

/** Writes outcome m as a sample the loss accepts (one-hot rows, or bits). */
function writeOutcome(out: Float32Array, offset: number, m: number, family: CheckedProblem['family'], K: number, variables: number): void {
  let rest = m;
  for (let j = variables - 1; j >= 0; j--) {
    const digit = rest % K;
    rest = Math.floor(rest / K);
    if (family === 'bernoulli') out[offset + j] = digit;
    else out[offset + j * K + digit] = 1;
  }
}

/** The body of `sumAndSample`, shared with the registry. */
export const sumAndSampleBody: EstimatorBody<SumAndSampleOptions> = (problem, options, read) => {
  const { fn, family, logits } = problem;
  const n = checkSampling(fn, options);
  const size = eventSpaceSize(family, logits.shape);
  if (!(size <= MAX_EXACT_EVENTS)) {
    fail(fn, `the event space of ${family} logits of shape [${logits.shape.join(', ')}]`,
      `at most ${MAX_EXACT_EVENTS} outcomes (sum-and-sample ranks every joint outcome)`, size);
  }
  const k = orDefault(options.numSummed, 1);
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 0 || k >= size) {
    fail(fn, 'numSummed', `a whole number in [0, ${size}) (fewer than the ${size} outcomes)`, k);
  }
  const rng = toRandom(options.seed, fn);
  const values = hostLogits(problem);
  const K = family === 'categorical' ? problem.numCategories : 2;
  const variables = family === 'categorical' ? values.length / K : values.length;
  const logq = outcomeLogProbs(problem, values, size);
  const summed = topOutcomes(logq, k);
  const { draws, mass } = sampleRest(logq, new Set(summed), n, rng);
  const outcomes = [...summed, ...draws];
  const samples = new Float32Array(outcomes.length * values.length);
  outcomes.forEach((m, r) => writeOutcome(samples, r * values.length, m, family, K, variables));
  // Summed outcomes weigh q(y); each sampled one weighs q(rest)/n.
  const weights = Float32Array.from(outcomes, (m, r) => (r < k ? Math.exp(logq[m]) : mass / n));
  let loss = NaN;
  const grad = tf.tidy(() => {
    const rows = outcomes.length;
    const y = tf.tensor(samples, [rows, ...logits.shape]);
    const weighted = tf.mul(tf.tensor1d(weights), perSampleLoss(problem, y));
    // Σ_r w_r f_r ∇log q(y_r), with ∇log q(y) = y − π (categorical) or y − σ(l) (Bernoulli).
    const score = tf.reshape(tf.matMul(tf.reshape(weighted, [1, rows]), tf.reshape(y, [rows, -1])), logits.shape);
    const g = tf.sub(score, tf.mul(tf.sum(weighted), probabilities(family, logits)));
    if (read) loss = readLoss(fn, tf.sum(weighted), logits, g);
    return g;
  });
  return { grad, loss, lossEvaluations: k + n };
};

/**
 * The sum-and-sample gradient estimate: with C the k most probable joint outcomes of q,
 *
 *     ĝ = Σ_{y ∈ C} q(y) f(y) ∇log q(y) + q(not C) · (1/n) Σ_i f(y_i) ∇log q(y_i),
 *     y_i ~ q restricted to the outcomes outside C,
 *
 * unbiased (the paper's Rao-Blackwellisation of REINFORCE over the event "y ∈ C"),
 * and exact as k reaches the number of outcomes; k = 0 is REINFORCE without a
 * baseline. The paper treats one categorical variable over a finite set of outcomes;
 * here that set is the joint outcomes of all the problem's variables (categorical or
 * Bernoulli), which are ranked by enumeration, so the event space is limited to
 * MAX_EXACT_EVENTS outcomes as for `exact`, and larger problems are refused.
 *
 * Options: `numSamples` n counts the draws outside C; `numSummed` k (default 1).
 * Shapes: as `reinforce`; `loss` is the matching unbiased estimate of E_q[f],
 * Σ_C q f + q(not C)·mean f; `lossEvaluations` is k + n.
 *
 * @example
 * const problem = { logits: [1, 1, 1], family: 'categorical' as const, loss: squaredErrorLoss([0.2, 0.7, 0.1]) };
 * const { grad } = sumAndSample(problem, { numSamples: 10, seed: 0, numSummed: 1 });
 * grad.print();
 * grad.dispose();
 */
export const sumAndSample = publicEstimator('sumAndSample', sumAndSampleBody);
