import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend';
import { arm, disarm, estimateGradient, exact, GradientProblem, MAX_EXACT_EVENTS, sumAndSample } from '../src';
import {
  coupledBits, coupledCategories, exactGradient, Fixture, problemOf, summarise, toyBernoulli, withinStandardErrors,
} from './estimator-fixtures';

// The mean of M estimates must lie within K_SIGMA standard errors of the exact gradient,
// which the fixtures compute by their own enumeration. With K_SIGMA = 5 a correct
// estimator fails one coordinate with probability below 1e-6.
const K_SIGMA = 5;
const M = 300;

before(async () => { await initBackend(); });

const BERNOULLI: Fixture[] = [toyBernoulli(0.45), toyBernoulli(0.499, 0), coupledBits()];
const CATEGORICAL: Fixture[] = [coupledCategories()];

test('the fixtures’ enumeration agrees with the library’s exact gradient to 1e-6', () => {
  for (const fixture of [...BERNOULLI, ...CATEGORICAL]) {
    const { grad } = exact(problemOf(fixture));
    const g = grad.dataSync();
    exactGradient(fixture).forEach((e, k) => assert.ok(Math.abs(g[k] - e) < 1e-6, `${fixture.name} ${k}`));
    grad.dispose();
  }
});

test('ARM and DisARM are unbiased on one and on three coupled Bernoulli variables', () => {
  for (const fixture of BERNOULLI) {
    for (const name of ['arm', 'disarm'] as const) {
      const summary = summarise(name, problemOf(fixture), { numSamples: 10, seed: 1 }, M);
      withinStandardErrors(summary, exactGradient(fixture), K_SIGMA, `${name}, ${fixture.name}`);
      assert.equal(summary.lossEvaluations, 20);
    }
  }
});

test('DisARM’s variance is at most ARM’s, coordinate by coordinate, on the same pairs', () => {
  // Same seed, so the same uniforms: DisARM is ARM averaged over u given the pair, which
  // cannot raise the variance of any coordinate (Dong, Mnih & Tucker 2020).
  for (const fixture of BERNOULLI) {
    const a = summarise('arm', problemOf(fixture), { numSamples: 4, seed: 2 }, M);
    const d = summarise('disarm', problemOf(fixture), { numSamples: 4, seed: 2 }, M);
    d.sd.forEach((s, k) => assert.ok(s <= a.sd[k], `${fixture.name} ${k}: DisARM sd ${s} > ARM sd ${a.sd[k]}`));
  }
});

test('REBAR and RELAX (fresh, untuned control variates) are unbiased on both families', () => {
  for (const fixture of [...BERNOULLI, ...CATEGORICAL]) {
    for (const name of ['rebar', 'relax'] as const) {
      const summary = summarise(name, problemOf(fixture), { numSamples: 10, seed: 3 }, 200);
      withinStandardErrors(summary, exactGradient(fixture), K_SIGMA, `${name}, ${fixture.name}`);
      assert.equal(summary.lossEvaluations, 30);
    }
  }
});

test('sum-and-sample is unbiased for every k, and exact once k + 1 covers every outcome', () => {
  for (const fixture of [...BERNOULLI, ...CATEGORICAL]) {
    const outcomes = fixture.family === 'bernoulli' ? 2 ** (fixture.logits as number[]).length : 9;
    for (const numSummed of [0, 1, 3].filter((k) => k < outcomes)) {
      const summary = summarise('sum-and-sample', problemOf(fixture), { numSamples: 5, seed: 4, numSummed }, M);
      withinStandardErrors(summary, exactGradient(fixture), K_SIGMA, `k = ${numSummed}, ${fixture.name}`);
      assert.equal(summary.lossEvaluations, numSummed + 5);
    }
    // With all but one outcome summed, the one left is drawn with certainty: no noise.
    const { grad, loss } = sumAndSample(problemOf(fixture), { numSamples: 1, seed: 0, numSummed: outcomes - 1 });
    exactGradient(fixture).forEach((e, k) => assert.ok(Math.abs(grad.dataSync()[k] - e) < 1e-6, `${fixture.name} ${k}`));
    const truth = exact(problemOf(fixture));
    assert.ok(Math.abs(loss - truth.loss) < 1e-6);
    tf.dispose([grad, truth.grad]);
  }
});

test('sum-and-sample: summing the most probable outcomes lowers the variance on the coupled categoricals', () => {
  const problem = problemOf(coupledCategories());
  const variance = (numSummed: number) => summarise('sum-and-sample', problem, { numSamples: 5, seed: 5, numSummed }, M).variance;
  const [v0, v1, v3] = [variance(0), variance(1), variance(3)];
  // Measured: 1.08, 0.23, 0.088 (q of the top outcome is 0.28, of the top three 0.67).
  assert.ok(v1 < v0 && v3 < v1, `variances ${v0}, ${v1}, ${v3}`);
});

test('shapes and loss evaluations: ARM/DisARM pairs, sum-and-sample k + n, the gradient shaped like the logits', () => {
  const bits: GradientProblem = { logits: tf.zeros([2, 3]), family: 'bernoulli', loss: (b) => tf.sum(tf.square(tf.sub(b, 0.3)), [1, 2]) };
  const grid: GradientProblem = { logits: tf.zeros([2, 2, 3]), family: 'categorical', loss: (y) => tf.sum(tf.square(y), [1, 2, 3]) };
  for (const name of ['arm', 'disarm', 'sum-and-sample'] as const) {
    const { grad, lossEvaluations, loss } = estimateGradient(name, bits, { numSamples: 6, seed: 0 });
    assert.deepEqual(grad.shape, [2, 3], name);
    assert.equal(lossEvaluations, name === 'sum-and-sample' ? 7 : 12, name);
    assert.ok(Number.isFinite(loss));
    grad.dispose();
  }
  const { grad } = sumAndSample(grid, { numSamples: 6, seed: 0, numSummed: 2 });
  assert.deepEqual(grad.shape, [2, 2, 3]);
  tf.dispose([grad, bits.logits as tf.Tensor, grid.logits as tf.Tensor]);
});

test('named errors: the categorical family for ARM and DisARM, bad k, too many outcomes', () => {
  const categorical = problemOf(coupledCategories());
  assert.throws(() => arm(categorical, { numSamples: 4, seed: 0 }),
    /^Error: arm: problem.family must be 'bernoulli' \(ARM is defined for binary variables only\), but got "categorical"$/);
  assert.throws(() => estimateGradient('disarm', categorical, { numSamples: 4, seed: 0 }),
    /estimateGradient\('disarm'\): problem.family must be 'bernoulli' \(DisARM is defined/);
  assert.throws(() => disarm(problemOf(coupledBits()), { numSamples: 0, seed: 0 }), /disarm: numSamples must be a whole number ≥ 1, but got 0/);
  assert.throws(() => sumAndSample(categorical, { numSamples: 4, seed: 0, numSummed: 9 }),
    /sumAndSample: numSummed must be a whole number in \[0, 9\) \(fewer than the 9 outcomes\), but got 9/);
  assert.throws(() => sumAndSample(categorical, { numSamples: 4, seed: 0, numSummed: -1 }), /numSummed must be a whole number in \[0, 9\).*but got -1/);
  assert.throws(() => sumAndSample(categorical, { numSamples: 4, seed: 0, numSummed: 1.5 }), /but got 1.5/);
  const wide: GradientProblem = { logits: tf.zeros([17]), family: 'bernoulli', loss: (b) => tf.sum(b, 1) };
  assert.throws(() => sumAndSample(wide, { numSamples: 4, seed: 0 }),
    new RegExp(`sumAndSample: the event space of bernoulli logits of shape \\[17\\] must be at most ${MAX_EXACT_EVENTS} outcomes .*but got 131072`));
  (wide.logits as tf.Tensor).dispose();
  for (const name of ['arm', 'disarm', 'sum-and-sample'] as const) {
    assert.throws(() => estimateGradient(name, { ...problemOf(coupledBits()), logits: [0, NaN, 1] }, { numSamples: 4, seed: 0 }),
      new RegExp(`${name}'\\): problem.logits must be finite everywhere, but got a tensor of shape \\[3\\]`));
  }
});

test('no tensor leaks: one new tensor on success, none when the loss throws, has the wrong shape or is not finite', () => {
  const fixture = coupledBits();
  const bad: GradientProblem[] = [
    { ...problemOf(fixture), loss: () => { throw new Error('loss failed'); } },
    { ...problemOf(fixture), loss: (b) => tf.sum(b) },
    { ...problemOf(fixture), loss: (b) => tf.div(tf.sum(b, 1), 0) },
  ];
  for (const name of ['arm', 'disarm', 'sum-and-sample', 'rebar', 'relax'] as const) {
    const before = tf.memory().numTensors;
    const { grad } = estimateGradient(name, problemOf(fixture), { numSamples: 5, seed: 0 });
    assert.equal(tf.memory().numTensors, before + 1, name);
    grad.dispose();
    for (const problem of bad) assert.throws(() => estimateGradient(name, problem, { numSamples: 5, seed: 0 }), /loss failed|problem.loss\(y\) must be/);
    assert.equal(tf.memory().numTensors, before, `${name} after errors`);
  }
});

test('determinism: the same seed gives the same estimate, another seed another', () => {
  const problem = problemOf(coupledBits());
  for (const name of ['arm', 'disarm', 'sum-and-sample', 'rebar', 'relax'] as const) {
    const run = (seed: number) => {
      const { grad } = estimateGradient(name, problem, { numSamples: 6, seed });
      const values = Array.from(grad.dataSync());
      grad.dispose();
      return values;
    };
    assert.deepEqual(run(3), run(3), name);
    assert.notDeepEqual(run(3), run(4), name);
  }
});
