/**
 * The quadrature of expectedStGumbelSoftmaxGradient against independent answers: Monte
 * Carlo averages of the 'st-gumbel-softmax' estimator, the large-τ linearisation, and
 * the τ → 0 limit (the trapezoid rule along each edge), each written out here.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend';
import { gradientStatistics, repeatEstimates, expectedStGumbelSoftmaxGradient } from '../src';
import { squaredErrorLoss } from '../src/studies/squared-error/problem';

before(async () => { await initBackend(); });

const TARGET = [0.2, 0.7, 0.1];
const LOGITS = [0.4, 1.3, -0.5];
const softmax = (l: number[]) => {
  const e = l.map((x) => Math.exp(x - Math.max(...l)));
  return e.map((x) => x / e.reduce((a, b) => a + b, 0));
};
const quartic = (y: tf.Tensor) => tf.sum(tf.pow(tf.sub(y, tf.tensor1d(TARGET)), 4), -1);
const norm = (v: number[]) => Math.hypot(...v);

/** Mean of 20 × 10⁴ ST-GS draws against the quadrature: every |z| below 4 (fixed seed). */
function assertMatchesMonteCarlo(label: string, problem: { logits: number[]; family: 'categorical' | 'bernoulli'; loss: (y: tf.Tensor) => tf.Tensor }, temperature: number) {
  const mean = expectedStGumbelSoftmaxGradient(problem, { temperature });
  const { estimates } = repeatEstimates('st-gumbel-softmax', problem, { numSamples: 10_000, seed: 11, temperature }, 20);
  const stats = gradientStatistics(estimates, mean);
  assert.ok(stats.maxAbsZ < 4, `${label}, τ = ${temperature}: Monte Carlo mean ${stats.mean} is ${stats.maxAbsZ} standard errors from ${mean}`);
  // The check must be sharp enough to matter: the standard error is small next to the gradient.
  assert.ok(Math.max(...stats.sd) / Math.sqrt(20) < 0.05 * norm(mean), `${label}: the Monte Carlo check is too loose`);
}

test('the quadrature agrees with Monte Carlo averages of the estimator (K = 3, K = 2, Bernoulli)', () => {
  for (const temperature of [2, 0.3]) {
    assertMatchesMonteCarlo('squared error, K = 3', { logits: LOGITS, family: 'categorical', loss: squaredErrorLoss(TARGET) }, temperature);
    assertMatchesMonteCarlo('quartic error, K = 3', { logits: LOGITS, family: 'categorical', loss: quartic }, temperature);
  }
  assertMatchesMonteCarlo('squared error, K = 2', { logits: [0.3, -0.6], family: 'categorical', loss: squaredErrorLoss([0.8, 0.2]) }, 0.5);
  assertMatchesMonteCarlo('squared error, Bernoulli', { logits: [1.2], family: 'bernoulli', loss: squaredErrorLoss([0.9]) }, 0.5);
});

test('at large τ the mean is (1/(Kτ)) P E[∇f(y)], to first order in 1/τ', () => {
  const pi = softmax(LOGITS);
  // ∇f(e_k) = 2(e_k − t); its mean over y ~ π is 2(π − t), and P removes the mean component.
  const meanW = pi.map((p, k) => 2 * (p - TARGET[k]));
  const centred = meanW.map((w) => w - meanW.reduce((a, b) => a + b, 0) / 3);
  for (const temperature of [20, 80]) {
    const predicted = centred.map((w) => w / (3 * temperature));
    const mean = expectedStGumbelSoftmaxGradient({ logits: LOGITS, family: 'categorical', loss: squaredErrorLoss(TARGET) }, { temperature });
    const error = norm(mean.map((g, k) => g - predicted[k])) / norm(predicted);
    assert.ok(error < 3 / temperature, `τ = ${temperature}: relative error ${error}`);
  }
});

test('as τ → 0 the mean tends to the trapezoid rule along each edge: exact for the squared error, not for the quartic', () => {
  const pi = softmax(LOGITS);
  // Exact gradient π_m (a_m − Σ π a) with a_k = f(e_k); the limit uses b_m − b_j = ½(∇f(e_m) + ∇f(e_j))·(e_m − e_j).
  const squared = (k: number) => TARGET.reduce((s, t, j) => s + ((j === k ? 1 : 0) - t) ** 2, 0);
  const fourth = (k: number) => TARGET.reduce((s, t, j) => s + ((j === k ? 1 : 0) - t) ** 4, 0);
  const gradientOf = (values: number[]) => {
    const mean = values.reduce((s, v, k) => s + pi[k] * v, 0);
    return pi.map((p, m) => p * (values[m] - mean));
  };
  const exactSquared = gradientOf([0, 1, 2].map(squared));
  const exactQuartic = gradientOf([0, 1, 2].map(fourth));
  // For f(y) = Σ_k h(y_k − t_k) the trapezoid values are b_k = ½(h′(1 − t_k) + h′(−t_k)), up to a constant.
  const limitQuartic = gradientOf(TARGET.map((t) => 2 * ((1 - t) ** 3 - t ** 3)));
  const temperature = 1e-3;
  const squaredMean = expectedStGumbelSoftmaxGradient({ logits: LOGITS, family: 'categorical', loss: squaredErrorLoss(TARGET) }, { temperature });
  const quarticMean = expectedStGumbelSoftmaxGradient({ logits: LOGITS, family: 'categorical', loss: quartic }, { temperature });
  const gap = (a: number[], b: number[]) => norm(a.map((x, k) => x - b[k])) / norm(b);
  assert.ok(gap(squaredMean, exactSquared) < 5e-3, `squared error: ${squaredMean} vs exact ${exactSquared}`);
  assert.ok(gap(quarticMean, limitQuartic) < 5e-3, `quartic: ${quarticMean} vs trapezoid limit ${limitQuartic}`);
  assert.ok(gap(quarticMean, exactQuartic) > 0.3, `quartic: the limit ${quarticMean} is close to the exact ${exactQuartic}`);
});

test('the grid is fine enough: doubling it moves the result by less than 10⁻⁵ of its norm', () => {
  for (const temperature of [0.01, 1, 10]) {
    const problem = { logits: LOGITS, family: 'categorical' as const, loss: quartic };
    const coarse = expectedStGumbelSoftmaxGradient(problem, { temperature });
    const fine = expectedStGumbelSoftmaxGradient(problem, { temperature, cellsPerUnit: 100 });
    assert.ok(norm(coarse.map((g, k) => g - fine[k])) < 1e-5 * norm(fine), `τ = ${temperature}: ${coarse} vs ${fine}`);
  }
});

test('bad problems and options are refused, naming the argument, and leak nothing', () => {
  const loss = squaredErrorLoss(TARGET);
  const base = { logits: LOGITS, family: 'categorical' as const, loss };
  const count = tf.memory().numTensors;
  const fn = /^Error: expectedStGumbelSoftmaxGradient: /;
  assert.throws(() => expectedStGumbelSoftmaxGradient({ ...base, logits: [1, 2, 3, 4] }, { temperature: 1 }), /problem\.logits must be an array of 2 or 3 numbers for the categorical family, but got \[1, 2, 3, 4\]/);
  assert.throws(() => expectedStGumbelSoftmaxGradient({ ...base, family: 'bernoulli' }, { temperature: 1 }), /problem\.logits must be an array of 1 number for the Bernoulli family/);
  assert.throws(() => expectedStGumbelSoftmaxGradient({ ...base, logits: [1, NaN, 0] }, { temperature: 1 }), fn);
  assert.throws(() => expectedStGumbelSoftmaxGradient({ ...base, family: 'poisson' as never }, { temperature: 1 }), /problem\.family must be one of categorical, bernoulli, but got "poisson"/);
  assert.throws(() => expectedStGumbelSoftmaxGradient(base, { temperature: 0 }), /options\.temperature must be a finite number > 0, but got 0/);
  assert.throws(() => expectedStGumbelSoftmaxGradient(base, { temperature: 1, cellsPerUnit: 2.5 }), /options\.cellsPerUnit must be a whole number ≥ 1, but got 2\.5/);
  assert.throws(() => expectedStGumbelSoftmaxGradient(base, { temperature: 1e-7 }), /options\.temperature must be at least 0\.000001, but got 1e-7/);
  assert.throws(() => expectedStGumbelSoftmaxGradient(base, { temperature: 1, cellsPerUnit: 1000 }), /options\.cellsPerUnit must be at most 200, but got 1000/);
  assert.throws(() => expectedStGumbelSoftmaxGradient({ ...base, loss: (y: tf.Tensor) => tf.sum(y) }, { temperature: 1 }), /problem\.loss\(y\) must be a tensor of shape \[3\] \(one value per sample\)/);
  assert.throws(() => expectedStGumbelSoftmaxGradient({ ...base, loss: () => { throw new Error('loss broke'); } }, { temperature: 1 }), /loss broke/);
  assert.throws(() => expectedStGumbelSoftmaxGradient({ ...base, loss: (y: tf.Tensor) => tf.sum(tf.sqrt(tf.sub(y, 1)), -1) }, { temperature: 1 }), /the gradient of problem\.loss at an outcome must be/);
  assert.equal(tf.memory().numTensors, count);
});
