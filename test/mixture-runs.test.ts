import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend';
import { Random } from '../src/random';
import { FactorizedDiscreteFlowsMixture } from '../src/distributions/factorized-discrete-flows-mixture';
import { pathwiseGradient } from '../src/estimators/pathwise';
import { squaredErrorLoss } from '../src/studies/squared-error/problem';
import { mixtureHistoryRows, optimizeMixtureRuns } from '../src';

before(async () => { await initBackend(); });

const TARGET = [0.2, 0.7, 0.1];
// c_k = ‖e_k − t‖², written out: the exact objective of q is Σ_k q_k c_k.
const C = [0.8 ** 2 + 0.7 ** 2 + 0.1 ** 2, 0.2 ** 2 + 0.3 ** 2 + 0.1 ** 2, 0.2 ** 2 + 0.7 ** 2 + 0.9 ** 2];

/** The MDNF loop for one N = 1 mixture, written out with pathwiseGradient. */
function singleRun(seed: number, steps: number, numSamples: number): { logits: number[][]; probs: number[][] } {
  const q = new FactorizedDiscreteFlowsMixture({ N: 1, K: 3, B: 10, temperature: 5, seed });
  const loss = (y: tf.Tensor) => tf.sum(tf.squaredDifference(y, tf.tensor1d(TARGET)), [1, 2]);
  const rng = new Random(99);
  const probs: number[][] = [];
  for (let step = 0; step < steps; step++) {
    tf.tidy(() => {
      probs.push((q.probsParameter().arraySync() as number[][])[0]);
      const { grad } = pathwiseGradient({ variable: q.logits, sample: (n, seed) => q.sample(n, seed), loss }, { numSamples, seed: rng });
      q.logits.assign(tf.sub(q.logits, tf.mul(grad, 0.01)));
    });
  }
  const logits = (q.logits.arraySync() as number[][][])[0];
  q.dispose();
  return { logits, probs };
}

test('each batched run follows its own N = 1 loop (B divides numSamples, so the steps are deterministic)', () => {
  const seeds = [3, 11];
  const steps = 40;
  const { history, logits } = optimizeMixtureRuns({
    seeds, K: 3, B: 10, temperature: 5, loss: squaredErrorLoss(TARGET),
    steps, learningRate: 0.01, numSamples: 20, recordEvery: 1, sampleSeed: 5,
  });
  assert.deepEqual(history.step, Array.from({ length: steps }, (_, i) => i));
  seeds.forEach((seed, r) => {
    const alone = singleRun(seed, steps, 20);
    alone.logits.forEach((row, b) => row.forEach((l, k) => assert.ok(Math.abs(logits[r][b][k] - l) < 1e-5, `seed ${seed}, b ${b}, k ${k}: ${logits[r][b][k]} vs ${l}`)));
    alone.probs.forEach((p, i) => p.forEach((pk, k) => assert.ok(Math.abs(history.probs[i][r][k] - pk) < 1e-6)));
  });
});

test('the exact loss of each run is Σ_k q_k ‖e_k − t‖², and probs are multiples of 1/B', () => {
  const { history } = optimizeMixtureRuns({
    seeds: [0, 1, 2], K: 3, B: 10, temperature: 5, loss: squaredErrorLoss(TARGET),
    steps: 30, learningRate: 0.01, numSamples: 100, recordEvery: 10,
  });
  assert.deepEqual(history.step, [0, 10, 20, 29]);
  history.probs.forEach((runs, i) => runs.forEach((p, r) => {
    p.forEach((pk) => assert.ok(Math.abs(pk * 10 - Math.round(pk * 10)) < 1e-5));
    assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-5);
    const expected = p.reduce((a, pk, k) => a + pk * C[k], 0);
    assert.ok(Math.abs(history.exactLoss[i][r] - expected) < 1e-5, `${history.exactLoss[i][r]} vs ${expected}`);
  }));
  const rows = mixtureHistoryRows(history);
  assert.equal(rows.length, 4 * 3);
  assert.deepEqual(Object.keys(rows[0]).sort(), ['exactLoss', 'p0', 'p1', 'p2', 'seed', 'step']);
});

test('optimizeMixtureRuns holds tf.memory().numTensors flat and calls onRecord', () => {
  const before = tf.memory().numTensors;
  let calls = 0;
  optimizeMixtureRuns({
    seeds: [0, 1], K: 3, B: 10, temperature: 5, loss: squaredErrorLoss(TARGET),
    steps: 25, learningRate: 0.01, numSamples: 10, recordEvery: 10, onRecord: () => { calls++; },
  });
  assert.equal(tf.memory().numTensors, before);
  assert.equal(calls, 4); // steps 0, 10, 20 and the last, 24
});

test('optimizeMixtureRuns refuses bad arguments, naming them', () => {
  const base = { seeds: [0], K: 3, B: 10, temperature: 5, loss: squaredErrorLoss(TARGET), steps: 2, learningRate: 0.01, numSamples: 10 };
  assert.throws(() => optimizeMixtureRuns({ ...base, seeds: [] }), /optimizeMixtureRuns: seeds must be a non-empty array of whole numbers ≥ 0, but got \[\]/);
  assert.throws(() => optimizeMixtureRuns({ ...base, temperature: 0 }), /optimizeMixtureRuns: temperature must be a finite number > 0, but got 0/);
  assert.throws(() => optimizeMixtureRuns({ ...base, steps: 1.5 }), /steps must be a whole number ≥ 1, but got 1.5/);
  const before = tf.memory().numTensors;
  assert.throws(() => optimizeMixtureRuns({ ...base, loss: (y: tf.Tensor) => tf.sum(y, 1).reshape([-1, 1]) }), /loss\(y\) must be a tensor of shape \[3\]/);
  assert.equal(tf.memory().numTensors, before);
});
