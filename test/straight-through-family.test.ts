import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend';
import { estimateGradient, gumbelRao, reinmax, straightThroughEstimator, Random, GradientProblem } from '../src';
import { discreteSample } from '../src/distributions/exact-draws';
import {
  coupledBits, coupledCategories, exactGradient, Fixture, outcomes, problemOf, rowsOf, summarise, toyBernoulli, withinStandardErrors,
} from './estimator-fixtures';

// Statistical checks: the mean of M estimates must lie within K_SIGMA standard errors
// (sd/√M, measured from the same estimates) of the value computed here by
// enumeration. With K_SIGMA = 5 a correct estimator fails one coordinate with
// probability below 1e-6.
const K_SIGMA = 5;
const M = 250;

before(async () => { await initBackend(); });

const softmax = (row: number[]) => {
  const m = Math.max(...row), e = row.map((x) => Math.exp(x - m)), z = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / z);
};
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
/** (∂softmax/∂a)ᵀ w at output s: s ⊙ (w − ⟨s, w⟩). */
const softmaxBack = (s: number[], w: number[]) => {
  const dot = s.reduce((a, x, i) => a + x * w[i], 0);
  return s.map((x, i) => x * (w[i] - dot));
};

/**
 * Σ_y q(y) back(y, ∇f(y)), where back maps one variable's slice of the outcome and of
 * ∇f to its slice of the gradient: the expectation of a backward pass that is a
 * deterministic function of the sampled outcome.
 */
function expectedBackward(fixture: Fixture, back: (row: number[], y: number[], w: number[]) => number[]): number[] {
  const rows = rowsOf(fixture), K = rows[0].length;
  const total = rows.flat().map(() => 0);
  for (const { y, q } of outcomes(fixture)) {
    const w = fixture.gradient(y);
    rows.forEach((row, j) => back(row, y.slice(j * K, (j + 1) * K), w.slice(j * K, (j + 1) * K))
      .forEach((g, k) => { total[j * K + k] += q * g; }));
  }
  return total;
}

/** Straight-through's backward pass: the Jacobian of softmax(logits/τ) (σ(l/τ)), whatever the sample. */
function straightThroughMean(fixture: Fixture, tau: number): number[] {
  return expectedBackward(fixture, (row, _y, w) => {
    if (fixture.family === 'bernoulli') {
      const s = sigmoid(row[0] / tau);
      return [(s * (1 - s) * w[0]) / tau];
    }
    return softmaxBack(softmax(row.map((x) => x / tau)), w).map((g) => g / tau);
  });
}

/** ReinMax's backward pass: 2 J(π₁)ᵀ − ½ J(π₀)ᵀ with π₁ = (y + softmax(l/τ))/2 (Bernoulli as categories (0, l)). */
function reinmaxMean(fixture: Fixture, tau: number): number[] {
  return expectedBackward(fixture, (row, y, w) => {
    if (fixture.family === 'bernoulli') {
      const p = sigmoid(row[0]), r = (y[0] + sigmoid(row[0] / tau)) / 2;
      return [(2 * r * (1 - r) - 0.5 * p * (1 - p)) * w[0]];
    }
    const soft = softmax(row.map((x) => x / tau));
    const first = softmaxBack(softmax(row), w), second = softmaxBack(y.map((yi, k) => (yi + soft[k]) / 2), w);
    return second.map((g, k) => 2 * g - 0.5 * first[k]);
  });
}

const FIXTURES = [toyBernoulli(0.45), toyBernoulli(0.499, 0), coupledBits(), coupledCategories()];

test('straight-through: the mean of the estimates is Σ_y q(y) J(softmax(l/τ))ᵀ ∇f(y), by enumeration', () => {
  for (const [i, fixture] of FIXTURES.entries()) {
    for (const temperature of i % 2 === 0 ? [0.5, 2] : [1]) {
      const summary = summarise('straight-through', problemOf(fixture), { numSamples: 20, seed: 1, temperature }, M);
      withinStandardErrors(summary, straightThroughMean(fixture, temperature), K_SIGMA, `${fixture.name}, τ = ${temperature}`);
      assert.equal(summary.lossEvaluations, 20);
    }
  }
});

test('straight-through: on the same draws the closed form equals autodiff of y + s − stop(s)', () => {
  for (const fixture of [coupledBits(), coupledCategories()]) {
    const logits = tf.tensor(fixture.logits);
    const { grad } = straightThroughEstimator({ logits, family: fixture.family, loss: fixture.loss }, { numSamples: 30, seed: 4, temperature: 0.7 });
    const y = discreteSample(fixture.family, logits, 30, new Random(4));
    const relaxed = (l: tf.Tensor) => (fixture.family === 'categorical' ? tf.softmax(tf.div(l, 0.7)) : tf.sigmoid(tf.div(l, 0.7)));
    const constant = relaxed(logits);
    const reference = tf.grad((l: tf.Tensor) => tf.mean(fixture.loss(tf.add(y, tf.sub(relaxed(l), constant)))) as tf.Scalar)(logits);
    assert.ok(tf.max(tf.abs(tf.sub(grad, reference))).dataSync()[0] < 1e-5, fixture.name);
    tf.dispose([logits, grad, y, constant, reference]);
  }
});

test('ReinMax: the mean of the estimates is Σ_y q(y) [2 J(π₁)ᵀ − ½ J(π₀)ᵀ] ∇f(y), by enumeration', () => {
  for (const [i, fixture] of FIXTURES.entries()) {
    for (const temperature of i % 2 === 0 ? [1, 3] : [1.5]) {
      const summary = summarise('reinmax', problemOf(fixture), { numSamples: 20, seed: 2, temperature }, M);
      withinStandardErrors(summary, reinmaxMean(fixture, temperature), K_SIGMA, `${fixture.name}, τ = ${temperature}`);
    }
  }
});

test('ReinMax at τ = 1 is unbiased for a loss quadratic in one categorical (its second-order claim); straight-through is not', () => {
  const W = [1, -0.5, 0.3];
  const fixture: Fixture = {
    name: 'one categorical, quadratic', family: 'categorical', logits: [[1, 0, -1]],
    loss: (y) => tf.square(tf.sub(tf.sum(tf.mul(y, tf.tensor1d(W)), [1, 2]), 0.4)),
    value: (y) => (y.reduce((a, x, i) => a + x * W[i], 0) - 0.4) ** 2,
    gradient: (y) => W.map((x) => 2 * (y.reduce((a, v, i) => a + v * W[i], 0) - 0.4) * x),
  };
  const truth = exactGradient(fixture);
  // The enumerated expectation is the exact gradient to rounding: Heun's rule is exact for quadratics.
  reinmaxMean(fixture, 1).forEach((g, k) => assert.ok(Math.abs(g - truth[k]) < 1e-12));
  withinStandardErrors(summarise('reinmax', problemOf(fixture), { numSamples: 20, seed: 3, temperature: 1 }, M), truth, K_SIGMA, 'ReinMax');
  // Straight-through's expectation misses it by 0.06 in norm here, far beyond its standard errors (≈ 1e-3).
  const st = summarise('straight-through', problemOf(fixture), { numSamples: 20, seed: 3, temperature: 1 }, M);
  const gap = Math.hypot(...st.mean.map((m, k) => m - truth[k]));
  assert.ok(gap > 10 * Math.hypot(...st.se), `straight-through gap ${gap}`);
});

test('Gumbel-Rao has the mean of straight-through Gumbel-Softmax and no more variance', () => {
  // Same τ and n; both means are Monte Carlo, so they must agree within K_SIGMA combined
  // standard errors. The variance claim is the paper's (Rao-Blackwellisation over the
  // noise given the sample); m = 10 conditional draws.
  const cases: [Fixture, number][] = [[toyBernoulli(0.45), 0.5], [coupledBits(), 1], [coupledCategories(), 0.5], [coupledCategories(), 1]];
  for (const [fixture, temperature] of cases) {
    const options = { numSamples: 10, seed: 5, temperature };
    const stgs = summarise('st-gumbel-softmax', problemOf(fixture), options, M);
    const rao = summarise('gumbel-rao', problemOf(fixture), { ...options, conditionalSamples: 10 }, M);
    rao.mean.forEach((m, k) => {
      const combined = Math.hypot(rao.se[k], stgs.se[k]);
      assert.ok(Math.abs(m - stgs.mean[k]) <= K_SIGMA * combined + 1e-6, `${fixture.name}, τ = ${temperature}, k = ${k}: ${m} vs ${stgs.mean[k]}`);
    });
    assert.ok(rao.variance <= stgs.variance, `${fixture.name}, τ = ${temperature}: variance ${rao.variance} > ${stgs.variance}`);
    assert.equal(rao.lossEvaluations, 10);
  }
});

test('Gumbel-Rao with m = 1 is one straight-through Gumbel-Softmax draw: the same variance within sampling error', () => {
  const problem = problemOf(coupledCategories());
  const stgs = summarise('st-gumbel-softmax', problem, { numSamples: 10, seed: 6, temperature: 0.5 }, M);
  const rao1 = summarise('gumbel-rao', problem, { numSamples: 10, seed: 6, temperature: 0.5, conditionalSamples: 1 }, M);
  const rao100 = summarise('gumbel-rao', problem, { numSamples: 10, seed: 6, temperature: 0.5, conditionalSamples: 100 }, M);
  // A sample variance of M = 250 has a relative spread of about √(2/M) ≈ 9% (more for heavy tails).
  assert.ok(Math.abs(rao1.variance / stgs.variance - 1) < 0.3, `${rao1.variance} vs ${stgs.variance}`);
  assert.ok(rao100.variance < rao1.variance, `m = 100: ${rao100.variance}, m = 1: ${rao1.variance}`);
});

test('shapes: both families, any batch shape, the gradient shaped like the logits', () => {
  const cases: GradientProblem[] = [
    { logits: tf.zeros([2, 3, 4]), family: 'categorical', loss: (y) => tf.sum(tf.square(y), [1, 2, 3]) },
    { logits: tf.zeros([2, 5]), family: 'bernoulli', loss: (b) => tf.sum(tf.square(tf.sub(b, 0.3)), [1, 2]) },
  ];
  for (const problem of cases) {
    for (const name of ['straight-through', 'reinmax', 'gumbel-rao'] as const) {
      const { grad, loss, lossEvaluations } = estimateGradient(name, problem, { numSamples: 7, seed: 0, temperature: 1.5 });
      assert.deepEqual(grad.shape, (problem.logits as tf.Tensor).shape, name);
      assert.ok(Number.isFinite(loss), name);
      assert.equal(lossEvaluations, 7);
      grad.dispose();
    }
    (problem.logits as tf.Tensor).dispose();
  }
});

test('bad options are refused with the function, the argument and the value', () => {
  const problem = problemOf(coupledCategories());
  const ok = { numSamples: 10, seed: 0, temperature: 1 };
  assert.throws(() => reinmax(problem, { ...ok, temperature: 0.5 }), /^Error: reinmax: temperature must be at least 1 for ReinMax .*, but got 0.5$/);
  assert.throws(() => estimateGradient('reinmax', problem, { ...ok, temperature: 0 }), /estimateGradient\('reinmax'\): temperature must be a finite number > 0, but got 0/);
  assert.throws(() => straightThroughEstimator(problem, { numSamples: 10, seed: 0 } as typeof ok), /straightThroughEstimator: temperature must be given .*but got undefined/);
  assert.throws(() => straightThroughEstimator(problem, { ...ok, numSamples: 0 }), /straightThroughEstimator: numSamples must be a whole number ≥ 1, but got 0/);
  assert.throws(() => gumbelRao(problem, { ...ok, conditionalSamples: 0 }), /gumbelRao: conditionalSamples must be a whole number ≥ 1, but got 0/);
  assert.throws(() => gumbelRao(problem, { ...ok, conditionalSamples: 2.5 }), /conditionalSamples must be a whole number ≥ 1, but got 2.5/);
  assert.throws(() => gumbelRao(problem, { ...ok, numSamples: 1e4, conditionalSamples: 1e3 }),
    /gumbelRao: conditionalSamples × numSamples × logits.size must be at most 16777216, but got 60000000/);
  assert.throws(() => gumbelRao(problem, { ...ok, seed: -1 }), /gumbelRao: seed must be a whole number/);
});

test('no tensor leaks: one new tensor (the gradient) on success, none when the loss throws or is not finite', () => {
  const fixture = coupledCategories();
  const throwing: GradientProblem = { ...problemOf(fixture), loss: () => { throw new Error('loss failed'); } };
  const badShape: GradientProblem = { ...problemOf(fixture), loss: (y) => tf.sum(y) };
  const notFinite: GradientProblem = { ...problemOf(fixture), loss: (y) => tf.div(tf.sum(y, [1, 2]), 0) };
  for (const name of ['straight-through', 'reinmax', 'gumbel-rao'] as const) {
    const before = tf.memory().numTensors;
    const { grad } = estimateGradient(name, problemOf(fixture), { numSamples: 5, seed: 0, temperature: 1 });
    assert.equal(tf.memory().numTensors, before + 1, name);
    grad.dispose();
    assert.throws(() => estimateGradient(name, throwing, { numSamples: 5, seed: 0, temperature: 1 }), /loss failed/);
    assert.throws(() => estimateGradient(name, badShape, { numSamples: 5, seed: 0, temperature: 1 }), /problem.loss\(y\) must be a tensor of shape \[5\]/);
    assert.throws(() => estimateGradient(name, notFinite, { numSamples: 5, seed: 0, temperature: 1 }), /problem.loss\(y\) must be finite at every sample/);
    assert.equal(tf.memory().numTensors, before, `${name} after errors`);
  }
});

test('determinism: the same seed gives the same estimate', () => {
  const problem = problemOf(coupledBits());
  for (const name of ['straight-through', 'reinmax', 'gumbel-rao'] as const) {
    const run = (seed: number) => {
      const { grad } = estimateGradient(name, problem, { numSamples: 10, seed, temperature: 1 });
      const values = Array.from(grad.dataSync());
      grad.dispose();
      return values;
    };
    assert.deepEqual(run(3), run(3), name);
    assert.notDeepEqual(run(3), run(4), name);
  }
});
