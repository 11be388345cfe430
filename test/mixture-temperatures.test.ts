/**
 * optimizeMixtureRuns with a temperature per run or a temperature schedule, checked
 * against MDNF loops written out here with the distribution and pathwiseGradient.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend';
import { Random } from '../src/random';
import { FactorizedDiscreteFlowsMixture } from '../src/distributions/factorized-discrete-flows-mixture';
import { pathwiseGradient } from '../src/estimators/pathwise';
import { squaredErrorLoss } from '../src/studies/squared-error/problem';
import { MixtureRunRecord, optimizeMixtureRuns } from '../src';

before(async () => { await initBackend(); });

const TARGET = [0.2, 0.7, 0.1];
// A large learning rate, so that the shifts change within a few dozen steps and a wrong
// temperature would show in the probabilities, not only in the logits.
const LR = 0.5;

/** One N = 1 MDNF run, τ given per step: the loop the batched function must reproduce. */
function singleRun(seed: number, steps: number, temperature: (step: number) => number) {
  const q = new FactorizedDiscreteFlowsMixture({ N: 1, K: 3, B: 10, temperature: temperature(0), seed });
  const loss = (y: tf.Tensor) => tf.sum(tf.squaredDifference(y, tf.tensor1d(TARGET)), [1, 2]);
  const rng = new Random(0);
  const probs: number[][] = [];
  const logits: number[][][] = [];
  for (let step = 0; step < steps; step++) {
    q.temperature = temperature(step);
    tf.tidy(() => {
      probs.push((q.probsParameter().arraySync() as number[][])[0]);
      logits.push((q.logits.arraySync() as number[][][])[0]);
      const { grad } = pathwiseGradient({ variable: q.logits, sample: (n, s) => q.sample(n, s), loss }, { numSamples: 10, seed: rng });
      q.logits.assign(tf.sub(q.logits, tf.mul(grad, LR)));
    });
  }
  q.dispose();
  return { logits, probs };
}

/** The records of run r, one per step. */
const runRecords = (history: MixtureRunRecord[], r: number) => history.filter((x) => x.run === r);

function assertSameRun(label: string, batched: MixtureRunRecord[], alone: { logits: number[][][]; probs: number[][] }) {
  assert.equal(batched.length, alone.probs.length);
  alone.probs.forEach((p, i) => p.forEach((pk, k) => assert.ok(Math.abs(batched[i].probs[k] - pk) < 1e-6, `${label}, step ${i}: π_${k} ${batched[i].probs[k]} vs ${pk}`)));
  // float32: the per-run path holds l/τ instead of l, so the logits agree to rounding only.
  alone.logits.forEach((rows, i) => rows.forEach((row, b) => row.forEach((l, k) => assert.ok(
    Math.abs(batched[i].logits[b][k] - l) <= 1e-4 * (1 + Math.abs(l)), `${label}, step ${i}, b ${b}, k ${k}: ${batched[i].logits[b][k]} vs ${l}`))));
  const changes = alone.probs.filter((p, i) => i > 0 && p.some((pk, k) => pk !== alone.probs[i - 1][k])).length;
  assert.ok(changes > 0, `${label}: q never changed, so the comparison tests nothing`);
}

test('per-run temperatures: each run follows its own loop at its own τ', () => {
  const steps = 60;
  const temperatures = [0.5, 2, 3];
  const seeds = [4, 4, 9];
  const history = optimizeMixtureRuns({ seeds, K: 3, B: 10, temperature: temperatures }, { loss: squaredErrorLoss(TARGET) },
    { steps, learningRate: LR, numSamples: 10, recordEvery: 1, seed: 0 });
  seeds.forEach((seed, r) => {
    const alone = singleRun(seed, steps, () => temperatures[r]);
    assertSameRun(`seed ${seed} at τ = ${temperatures[r]}`, runRecords(history, r), alone);
    assert.ok(runRecords(history, r).every((x) => x.temperature === temperatures[r] && x.seed === seed));
  });
  // The same seed at two temperatures must end differently, or τ was ignored.
  assert.notDeepEqual(runRecords(history, 0).map((x) => x.probs), runRecords(history, 1).map((x) => x.probs));
});

test('a temperature schedule is applied before every step', () => {
  const steps = 60;
  const schedule = (step: number) => 40 / (step + 1);
  const history = optimizeMixtureRuns({ seeds: [2], K: 3, B: 10, temperature: schedule }, { loss: squaredErrorLoss(TARGET) },
    { steps, learningRate: LR, numSamples: 10, recordEvery: 1, seed: 0 });
  const alone = singleRun(2, steps, schedule);
  assertSameRun('schedule', history, alone);
  assert.deepEqual(history.map((x) => x.temperature), Array.from({ length: steps }, (_, step) => schedule(step)));
  const constant = singleRun(2, steps, () => schedule(0));
  const last = history[steps - 1].logits.flat();
  assert.ok(constant.logits[steps - 1].flat().some((l, i) => Math.abs(l - last[i]) > 1e-3), 'the schedule made no difference');
});

test('bad temperatures are refused, naming the argument, and leak nothing', () => {
  const problem = { loss: squaredErrorLoss(TARGET) };
  const options = { steps: 5, learningRate: 0.01, numSamples: 10, seed: 0 };
  const base = { seeds: [0, 1], K: 3, B: 10 };
  const count = tf.memory().numTensors;
  assert.throws(() => optimizeMixtureRuns({ ...base, temperature: [1] }, problem, options), /optimizeMixtureRuns: runs.temperature must be one τ per seed \(2\), but got \[1\]/);
  assert.throws(() => optimizeMixtureRuns({ ...base, temperature: [1, 0] }, problem, options), /optimizeMixtureRuns: runs.temperature\[1\] must be a finite number > 0, but got 0/);
  assert.throws(() => optimizeMixtureRuns({ ...base, temperature: [1, NaN] }, problem, options), /runs.temperature\[1\] must be a finite number > 0, but got NaN/);
  assert.throws(() => optimizeMixtureRuns({ ...base, temperature: () => -1 }, problem, options), /optimizeMixtureRuns: runs.temperature\(0\) must be a finite number > 0, but got -1/);
  assert.throws(() => optimizeMixtureRuns({ ...base, temperature: (step: number) => (step < 3 ? 1 : Infinity) }, problem, options), /optimizeMixtureRuns: runs.temperature\(3\) must be a finite number > 0, but got Infinity/);
  assert.equal(tf.memory().numTensors, count);
});
