import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend';
import { Random } from '../src/random';
import { FactorizedDiscreteFlowsMixture } from '../src/distributions/factorized-discrete-flows-mixture';
import { pathwiseGradient } from '../src/estimators/pathwise';
import { squaredErrorLoss } from '../src/studies/squared-error/problem';
import { historyRows, optimizeMixtureRuns } from '../src';

before(async () => { await initBackend(); });

const TARGET = [0.2, 0.7, 0.1];
// c_k = ‖e_k − t‖², written out: the exact objective of q is Σ_k q_k c_k.
const C = [0.8 ** 2 + 0.7 ** 2 + 0.1 ** 2, 0.2 ** 2 + 0.3 ** 2 + 0.1 ** 2, 0.2 ** 2 + 0.7 ** 2 + 0.9 ** 2];

/** The MDNF loop for one N = 1 mixture, written out with pathwiseGradient. */
function singleRun(seed: number, steps: number, numSamples: number): { logits: number[][][]; probs: number[][] } {
  const q = new FactorizedDiscreteFlowsMixture({ N: 1, K: 3, B: 10, temperature: 5, seed });
  const loss = (y: tf.Tensor) => tf.sum(tf.squaredDifference(y, tf.tensor1d(TARGET)), [1, 2]);
  const rng = new Random(99);
  const probs: number[][] = [];
  const logits: number[][][] = [];
  for (let step = 0; step < steps; step++) {
    tf.tidy(() => {
      probs.push((q.probsParameter().arraySync() as number[][])[0]);
      logits.push((q.logits.arraySync() as number[][][])[0]);
      const { grad } = pathwiseGradient({ variable: q.logits, sample: (n, seed) => q.sample(n, seed), loss }, { numSamples, seed: rng });
      q.logits.assign(tf.sub(q.logits, tf.mul(grad, 0.01)));
    });
  }
  q.dispose();
  return { logits, probs };
}

const PROBLEM = { loss: squaredErrorLoss(TARGET) };

test('each batched run follows its own N = 1 loop (B divides numSamples, so the steps are deterministic)', () => {
  const seeds = [3, 11];
  const steps = 40;
  const history = optimizeMixtureRuns({ seeds, K: 3, B: 10, temperature: 5 }, PROBLEM, { steps, learningRate: 0.01, numSamples: 20, recordEvery: 1, seed: 5 });
  // At each step, one record per run, in the order of the seeds.
  assert.equal(history.length, steps * seeds.length);
  assert.deepEqual(history.slice(0, 4).map((x) => [x.step, x.run, x.seed]), [[0, 0, 3], [0, 1, 11], [1, 0, 3], [1, 1, 11]]);
  seeds.forEach((seed, r) => {
    const alone = singleRun(seed, steps, 20);
    const mine = history.filter((x) => x.run === r);
    alone.logits.forEach((rows, i) => rows.forEach((row, b) => row.forEach((l, k) => assert.ok(
      Math.abs(mine[i].logits[b][k] - l) < 1e-5, `seed ${seed}, step ${i}, b ${b}, k ${k}: ${mine[i].logits[b][k]} vs ${l}`))));
    alone.probs.forEach((p, i) => p.forEach((pk, k) => assert.ok(Math.abs(mine[i].probs[k] - pk) < 1e-6)));
  });
});

test('the exact loss of each run is Σ_k q_k ‖e_k − t‖², and probs are multiples of 1/B', () => {
  const history = optimizeMixtureRuns({ seeds: [0, 1, 2], K: 3, B: 10, temperature: 5 }, PROBLEM, { steps: 30, learningRate: 0.01, numSamples: 100, recordEvery: 10, seed: 0 });
  assert.deepEqual([...new Set(history.map((x) => x.step))], [0, 10, 20, 29]);
  history.forEach(({ probs: p, exactLoss }) => {
    p.forEach((pk) => assert.ok(Math.abs(pk * 10 - Math.round(pk * 10)) < 1e-5));
    assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-5);
    const expected = p.reduce((a, pk, k) => a + pk * C[k], 0);
    assert.ok(Math.abs(exactLoss - expected) < 1e-5, `${exactLoss} vs ${expected}`);
  });
  const rows = historyRows(history);
  assert.equal(rows.length, 4 * 3);
  assert.deepEqual(Object.keys(rows[0]).sort(), ['exactLoss', 'probs0', 'probs1', 'probs2', 'run', 'seed', 'step', 'temperature']);
});

test('optimizeMixtureRuns holds tf.memory().numTensors flat and calls onRecord once per run and record', () => {
  const before = tf.memory().numTensors;
  const seen: number[][] = [];
  const history = optimizeMixtureRuns({ seeds: [0, 1], K: 3, B: 10, temperature: 5 }, PROBLEM, {
    steps: 25, learningRate: 0.01, numSamples: 10, recordEvery: 10, seed: 0, onRecord: (r, h) => { seen.push([r.step, r.run, h.length]); },
  });
  assert.equal(tf.memory().numTensors, before);
  // Steps 0, 10, 20 and the last, 24, for each of the two runs.
  assert.deepEqual(seen, [[0, 0, 1], [0, 1, 2], [10, 0, 3], [10, 1, 4], [20, 0, 5], [20, 1, 6], [24, 0, 7], [24, 1, 8]]);
  assert.equal(history.length, 8);
});

test('optimizeMixtureRuns refuses bad arguments, naming them', () => {
  const runs = { seeds: [0], K: 3, B: 10, temperature: 5 };
  const options = { steps: 2, learningRate: 0.01, numSamples: 10, seed: 0 };
  const before = tf.memory().numTensors;
  assert.throws(() => optimizeMixtureRuns({ ...runs, seeds: [] }, PROBLEM, options), /optimizeMixtureRuns: runs.seeds must be a non-empty array of whole numbers ≥ 0, but got \[\]/);
  assert.throws(() => optimizeMixtureRuns({ ...runs, temperature: 0 }, PROBLEM, options), /optimizeMixtureRuns: runs.temperature must be a finite number > 0, but got 0/);
  assert.throws(() => optimizeMixtureRuns({ ...runs, K: 0 }, PROBLEM, options), /optimizeMixtureRuns: runs.K must be a whole number ≥ 1, but got 0/);
  assert.throws(() => optimizeMixtureRuns(runs, { loss: 3 } as never, options), /optimizeMixtureRuns: problem.loss must be a function/);
  assert.throws(() => optimizeMixtureRuns(runs, PROBLEM, { ...options, steps: 1.5 }), /optimizeMixtureRuns: steps must be a whole number ≥ 1, but got 1.5/);
  assert.throws(() => optimizeMixtureRuns(runs, PROBLEM, { ...options, seed: -1 }), /optimizeMixtureRuns: seed must be/);
  assert.throws(() => optimizeMixtureRuns(runs, PROBLEM, { ...options, onRecord: 1 as never }), /optimizeMixtureRuns: onRecord must be a function/);
  assert.throws(() => optimizeMixtureRuns(runs, { loss: (y: tf.Tensor) => tf.sum(y, 1).reshape([-1, 1]) }, options), /loss\(y\) must be a tensor of shape \[3\]/);
  assert.equal(tf.memory().numTensors, before);
});
