/**
 * Antithetic pairs of Bernoulli samples, the shared machinery of ARM and DisARM: from
 * one uniform vector u, the samples b = 1[u < σ(l)] and b̃ = 1[1 − u < σ(l)], each an
 * exact draw of q, evaluated together in one call of the loss.
 */
import * as tf from '@tensorflow/tfjs';
import { sigmoid } from '../host-math';
import { Random, toRandom } from '../random';
import { fail } from '../validate';
import { hostLogits } from './host-logits';
import { checkSampling, SamplingOptions } from './options';
import { CheckedProblem, perSampleLoss } from './problem';
import { GradientEstimate, readLoss } from './result';

/** One coordinate of one pair: its uniform, probability and the two samples. */
export interface PairDraw {
  /** The uniform u_j, strictly inside (0, 1). */
  u: number;
  /** p_j = σ(l_j), in float64. */
  p: number;
  /** b_j = 1[u_j < p_j]. */
  b: number;
  /** b̃_j = 1[1 − u_j < p_j]. */
  bTilde: number;
}

/**
 * The weight that multiplies a pair's loss difference Δ = f(b) − f(b̃) in one
 * coordinate: the estimate is the mean over pairs of Δ · weight.
 */
export type PairWeight = (draw: PairDraw) => number;

/** Refuses the categorical family for the binary-only estimators. */
export function checkBernoulli(problem: CheckedProblem, method: string): void {
  if (problem.family !== 'bernoulli') {
    fail(problem.fn, 'problem.family', `'bernoulli' (${method} is defined for binary variables only)`, problem.family);
  }
}

/**
 * Draws n antithetic pairs (one uniform per coordinate and pair), evaluates f at all 2n samples in one call, and returns
 * ĝ = (1/n) Σ_i (f(b_i) − f(b̃_i)) · weight(u_i, b_i, b̃_i), with the loss the mean of
 * f over the 2n samples and 2n loss evaluations.
 */
export function antitheticEstimate(
  problem: CheckedProblem, options: SamplingOptions, read: boolean, method: string, weight: PairWeight,
): GradientEstimate {
  checkBernoulli(problem, method);
  const { fn, logits } = problem;
  const n = checkSampling(fn, options);
  const rng: Random = toRandom(options.seed, fn);
  const l = hostLogits(problem);
  const d = l.length;
  const p = Float64Array.from(l, sigmoid);
  const u = rng.uniformArray(n * d);
  const samples = new Float32Array(2 * n * d);
  const weights = new Float32Array(n * d);
  for (let i = 0; i < n * d; i++) {
    const j = i % d;
    const b = u[i] < p[j] ? 1 : 0, bTilde = 1 - u[i] < p[j] ? 1 : 0;
    samples[i] = b;
    samples[n * d + i] = bTilde;
    weights[i] = weight({ u: u[i], p: p[j], b, bTilde });
  }
  let loss = NaN;
  const grad = tf.tidy(() => {
    const values = perSampleLoss(problem, tf.tensor(samples, [2 * n, ...logits.shape]));
    const difference = tf.sub(values.slice(0, n), values.slice(n, n));
    const g = tf.reshape(tf.div(tf.matMul(tf.reshape(difference, [1, n]), tf.tensor2d(weights, [n, d])), n), logits.shape);
    if (read) loss = readLoss(fn, tf.mean(values), logits, g);
    return g;
  });
  return { grad, loss, lossEvaluations: 2 * n };
}
