import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend';
import {
  categoricalFrequencies, entropyEstimate, exactEntropy, relaxedProportions, repeatedEntropyEstimates, surprisalStd,
} from '../src/studies/relaxed-entropy/study';

// Seed 001's distribution; log π = −(1, 2, 3, 3)·ln 2, so H = 1.75 ln 2 and
// E[(log π)²] = 3.75 ln²2, written here separately from the library.
const PROBS = [0.5, 0.25, 0.125, 0.125];
const H = 1.75 * Math.LN2;
const SD = Math.sqrt(3.75 - 1.75 ** 2) * Math.LN2;
// Statistical checks use K_SIGMA·σ/√N; with 5 a correct implementation fails below 1e-6 of the time.
const K_SIGMA = 5;

before(async () => { await initBackend(); });

const logits = () => tf.log(tf.tensor1d(PROBS));

test('exactEntropy: H = 1.75 ln 2 and ∂H/∂l_j = −π_j (log π_j + H), within 1e-6', () => {
  const { entropy, gradient } = exactEntropy(logits());
  assert.ok(Math.abs(entropy - H) < 1e-6, `H = ${entropy}`);
  PROBS.forEach((p, j) => assert.ok(Math.abs(gradient[j] - -p * (Math.log(p) + H)) < 1e-6, `component ${j}: ${gradient[j]}`));
});

test('surprisalStd: √(Σ π (log π)² − H²) for the seed distribution, and 0 for a uniform q', () => {
  assert.ok(Math.abs(surprisalStd(logits()) - SD) < 1e-6);
  assert.ok(surprisalStd(tf.zeros([5])) < 1e-3);
});

test('relaxedProportions: discretised frequencies follow π at every τ; relaxed means are flatter at high τ', () => {
  const N = 20_000;
  for (const tau of [0.1, 1, 10]) {
    const r = relaxedProportions(logits(), tau, N, 7);
    PROBS.forEach((p, k) => {
      const tol = K_SIGMA * Math.sqrt(p * (1 - p) / N);
      assert.ok(Math.abs(r.discretised[k] - p) < tol, `τ = ${tau}, k = ${k}: ${r.discretised[k]} vs ${p} ± ${tol}`);
    });
    assert.ok(Math.abs(r.relaxed.reduce((a, b) => a + b, 0) - 1) < 1e-4, 'relaxed means sum to 1');
  }
  const hot = relaxedProportions(logits(), 10, N, 7);
  // E[z_1] at τ = 10 is about 0.27 (seed 001), far below π_1 = 0.5.
  assert.ok(hot.relaxed[0] < 0.3 && hot.relaxed[3] > 0.2, `relaxed means at τ = 10: ${hot.relaxed}`);
  assert.equal(hot.underflowed, 0);
});

test('relaxedProportions: the argmax of a sample does not depend on τ (same seed, same noise)', () => {
  const cold = relaxedProportions(logits(), 0.5, 2000, 3).argmax;
  const hot = relaxedProportions(logits(), 5, 2000, 3).argmax;
  let same = 0;
  for (let i = 0; i < cold.length; i++) if (cold[i] === hot[i]) same++;
  assert.equal(same, cold.length);
});

test('categoricalFrequencies: within K_SIGMA·σ/√N of π', () => {
  const N = 20_000;
  const f = categoricalFrequencies(logits(), N, 11);
  PROBS.forEach((p, k) => assert.ok(Math.abs(f[k] - p) < K_SIGMA * Math.sqrt(p * (1 - p) / N)));
});

test('entropyEstimate: dispatches to the four estimators', () => {
  const value = (name: Parameters<typeof entropyEstimate>[0]) => {
    const t = entropyEstimate(name, logits(), { temperature: 1, numSamples: 5000, seed: 1 });
    const x = t.dataSync()[0];
    t.dispose();
    return x;
  };
  assert.ok(Math.abs(value('maddison-22') - H) < 1e-5);
  assert.ok(Math.abs(value('discrete-mc') - H) < K_SIGMA * SD / Math.sqrt(5000));
  assert.ok(value('maddison-21') > H + 0.05, 'eq. 21 overestimates H at τ = 1');
  assert.ok(value('concrete-mc') < 0, 'the differential entropy is negative at τ = 1');
});

test('repeatedEntropyEstimates: eq. 22 gives the exact gradient every time; discrete MC is unbiased in value', () => {
  const exact = exactEntropy(logits());
  const r22 = repeatedEntropyEstimates('maddison-22', logits(), { temperature: 1, numSamples: 10, repeats: 3, seed: 0 });
  for (const g of r22.gradients) g.forEach((v, j) => assert.ok(Math.abs(v - exact.gradient[j]) < 1e-6));
  assert.equal(r22.sd, 0);
  const M = 20, n = 1000;
  const rmc = repeatedEntropyEstimates('discrete-mc', logits(), { temperature: 1, numSamples: n, repeats: M, seed: 4 });
  assert.equal(rmc.values.length, M);
  assert.equal(rmc.gradients[0].length, 4);
  assert.ok(Math.abs(rmc.mean - H) < K_SIGMA * SD / Math.sqrt(M * n), `mean ${rmc.mean}`);
});

test('repeatedEntropyEstimates: the same seed gives the same numbers, and tensors are freed', () => {
  const l = logits();
  const before = tf.memory().numTensors;
  const a = repeatedEntropyEstimates('concrete-mc', l, { temperature: 2, numSamples: 200, repeats: 3, seed: 9 });
  const b = repeatedEntropyEstimates('concrete-mc', l, { temperature: 2, numSamples: 200, repeats: 3, seed: 9 });
  assert.deepEqual(a.values, b.values);
  assert.deepEqual(a.gradients, b.gradients);
  assert.equal(tf.memory().numTensors, before);
});

test('error messages name the function, the argument and the value', () => {
  assert.throws(() => repeatedEntropyEstimates('eq-23' as never, logits(), { temperature: 1, numSamples: 10, repeats: 2, seed: 0 }),
    /repeatedEntropyEstimates: estimator must be one of discrete-mc, .*but got "eq-23"/);
  assert.throws(() => relaxedProportions(logits(), 0, 10, 0), /relaxedProportions: temperature must be a finite number > 0, but got 0/);
  assert.throws(() => exactEntropy(tf.zeros([2, 3])), /exactEntropy: logits must be a tensor of shape \[K\]/);
  assert.throws(() => repeatedEntropyEstimates('maddison-21', logits(), { temperature: 1, numSamples: 10, repeats: 0, seed: 0 }),
    /repeats must be a whole number ≥ 1, but got 0/);
});
