/**
 * Problems for the estimator tests, each with its loss written twice: as TensorFlow.js
 * ops for the estimators, and as plain numbers (value and gradient in y) for the
 * independent expectations the tests compute by enumeration.
 */
import * as tf from '@tensorflow/tfjs';
import { EstimatorName, EstimatorOptions, Family, GradientProblem, repeatEstimates } from '../src';

/** A test problem: logits as nested numbers, the loss as ops, and the same loss on the host. */
export interface Fixture {
  name: string;
  family: Family;
  logits: number[] | number[][];
  loss: (y: tf.Tensor) => tf.Tensor;
  /** f(y) for one flat outcome y (one-hot rows or bits, row-major). */
  value: (y: number[]) => number;
  /** ∇_y f(y), flat like y. */
  gradient: (y: number[]) => number[];
}

/** One Bernoulli variable and f(b) = (b − t)², the toy of the REBAR and RELAX papers. */
export function toyBernoulli(target: number, logit = 0.3): Fixture {
  return {
    name: `(b − ${target})²`, family: 'bernoulli', logits: [logit],
    loss: (b) => tf.reshape(tf.square(tf.sub(b, target)), [-1]),
    value: ([b]) => (b - target) ** 2,
    gradient: ([b]) => [2 * (b - target)],
  };
}

/** Three Bernoulli variables and f(b) = (w·b − c)², which does not separate across them. */
export function coupledBits(): Fixture {
  const w = [1, 2, -1], c = 0.7;
  const dot = (b: number[]) => b.reduce((a, x, j) => a + x * w[j], 0);
  return {
    name: 'three coupled bits', family: 'bernoulli', logits: [0.3, -0.5, 1],
    loss: (b) => tf.square(tf.sub(tf.sum(tf.mul(b, tf.tensor1d(w)), -1), c)),
    value: (b) => (dot(b) - c) ** 2,
    gradient: (b) => w.map((x) => 2 * (dot(b) - c) * x),
  };
}

/** Two categorical variables of 3 categories and f(y) = (⟨W, y⟩ − c)², which does not separate. */
export function coupledCategories(): Fixture {
  const W = [1, -0.5, 0.3, 0.2, 1.5, -1], c = 0.4;
  const dot = (y: number[]) => y.reduce((a, x, i) => a + x * W[i], 0);
  return {
    name: 'two coupled categoricals', family: 'categorical', logits: [[1, 0, -1], [0.2, 0.5, 0]],
    loss: (y) => tf.square(tf.sub(tf.sum(tf.mul(y, tf.tensor2d([W.slice(0, 3), W.slice(3)])), [1, 2]), c)),
    value: (y) => (dot(y) - c) ** 2,
    gradient: (y) => W.map((x) => 2 * (dot(y) - c) * x),
  };
}

/** The problem the estimators take. */
export function problemOf(fixture: Fixture): GradientProblem {
  return { logits: fixture.logits, family: fixture.family, loss: fixture.loss };
}

/** Rows of K logits (K = 1 for Bernoulli), flat logits, and the number of variables. */
export function rowsOf(fixture: Fixture): number[][] {
  return fixture.family === 'categorical' ? (fixture.logits as number[][]) : (fixture.logits as number[]).map((l) => [l]);
}

/** Every joint outcome with its probability, enumerated here independently of the library. */
export function outcomes(fixture: Fixture): { y: number[]; q: number }[] {
  const rows = rowsOf(fixture);
  let all: { y: number[]; q: number }[] = [{ y: [], q: 1 }];
  for (const row of rows) {
    const next: { y: number[]; q: number }[] = [];
    if (fixture.family === 'bernoulli') {
      const p = 1 / (1 + Math.exp(-row[0]));
      for (const o of all) next.push({ y: [...o.y, 0], q: o.q * (1 - p) }, { y: [...o.y, 1], q: o.q * p });
    } else {
      const e = row.map(Math.exp), z = e.reduce((a, b) => a + b, 0);
      for (const o of all) row.forEach((_, k) => next.push({ y: [...o.y, ...row.map((__, i) => (i === k ? 1 : 0))], q: (o.q * e[k]) / z }));
    }
    all = next;
  }
  return all;
}

/** The exact gradient of E_q[f] with respect to the flat logits: Σ_y q(y) f(y) (y − π). */
export function exactGradient(fixture: Fixture): number[] {
  const pi = rowsOf(fixture).flatMap((row) => {
    if (fixture.family === 'bernoulli') return [1 / (1 + Math.exp(-row[0]))];
    const e = row.map(Math.exp), z = e.reduce((a, b) => a + b, 0);
    return e.map((x) => x / z);
  });
  const g = pi.map(() => 0);
  for (const { y, q } of outcomes(fixture)) y.forEach((yi, i) => { g[i] += q * fixture.value(y) * (yi - pi[i]); });
  return g;
}

/** Per-coordinate mean, standard deviation and standard error of M repeated estimates. */
export interface Summary {
  mean: number[];
  sd: number[];
  se: number[];
  /** Σ_j sd_j², the total variance of one estimate. */
  variance: number;
  lossEvaluations: number;
}

/** M estimates on one stream from `seed`. */
export function summarise<N extends EstimatorName>(name: N, problem: GradientProblem, options: EstimatorOptions[N], M: number): Summary {
  const { estimates, lossEvaluations } = repeatEstimates(name, problem, options, M);
  const d = estimates[0].length;
  const mean = Array.from({ length: d }, (_, k) => estimates.reduce((a, r) => a + r[k], 0) / M);
  const sd = mean.map((m, k) => Math.sqrt(estimates.reduce((a, r) => a + (r[k] - m) ** 2, 0) / (M - 1)));
  return { mean, sd, se: sd.map((s) => s / Math.sqrt(M)), variance: sd.reduce((a, s) => a + s * s, 0), lossEvaluations };
}

/**
 * Asserts that every coordinate of the mean is within k standard errors of `expected`
 * (plus `floor`, for estimators whose spread is 0 or float32 rounding).
 */
export function withinStandardErrors(summary: Summary, expected: number[], k: number, label: string, floor = 1e-6): void {
  summary.mean.forEach((m, i) => {
    const tolerance = k * summary.se[i] + floor;
    if (!(Math.abs(m - expected[i]) <= tolerance)) {
      throw new Error(`${label}, coordinate ${i}: mean ${m} vs expected ${expected[i]} (tolerance ${tolerance}, se ${summary.se[i]})`);
    }
  });
}
