import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend';
import { ENTROPY_VARIANTS } from '../src/estimators/entropy';
import {
  categoricalFrequencies, ENTROPY_VARIANT_LABELS, exactEntropy, relaxedProportions, repeatEntropyEstimates, surprisalStd,
} from '../src/studies/relaxed-entropy';

// π = (1/2, 1/4, 1/8, 1/8); log π = −(1, 2, 3, 3)·ln 2, so H = 1.75 ln 2 and
// E[(log π)²] = 3.75 ln²2, written here separately from the library.
const PROBS = [0.5, 0.25, 0.125, 0.125];
const H = 1.75 * Math.LN2;
const SD = Math.sqrt(3.75 - 1.75 ** 2) * Math.LN2;
// Statistical checks use K_SIGMA·σ/√N; with 5 a correct implementation fails below 1e-6 of the time.
const K_SIGMA = 5;

before(async () => { await initBackend(); });

const LOG_PROBS = PROBS.map(Math.log);
const logits = () => tf.tensor1d(LOG_PROBS);

test('exactEntropy: {value, grad} with H = 1.75 ln 2 and ∂H/∂l_j = −π_j (log π_j + H), within 1e-6', () => {
  for (const input of [logits(), LOG_PROBS]) {
    const { value, grad } = exactEntropy(input);
    assert.ok(Math.abs(value - H) < 1e-6, `H = ${value}`);
    PROBS.forEach((p, j) => assert.ok(Math.abs(grad[j] - -p * (Math.log(p) + H)) < 1e-6, `component ${j}: ${grad[j]}`));
  }
});

test('surprisalStd: √(Σ π (log π)² − H²) for π, and 0 for a uniform q', () => {
  assert.ok(Math.abs(surprisalStd(LOG_PROBS) - SD) < 1e-6);
  assert.ok(surprisalStd([0, 0, 0, 0, 0]) < 1e-3);
});

test('relaxedProportions: discretised frequencies follow π at every τ; relaxed means are flatter at high τ', () => {
  const N = 20_000;
  for (const tau of [0.1, 1, 10]) {
    const r = relaxedProportions({ logits: logits() }, { temperature: tau, numSamples: N, seed: 7 });
    PROBS.forEach((p, k) => {
      const tol = K_SIGMA * Math.sqrt(p * (1 - p) / N);
      assert.ok(Math.abs(r.discretised[k] - p) < tol, `τ = ${tau}, k = ${k}: ${r.discretised[k]} vs ${p} ± ${tol}`);
    });
    assert.ok(Math.abs(r.relaxed.reduce((a, b) => a + b, 0) - 1) < 1e-4, 'relaxed means sum to 1');
  }
  const hot = relaxedProportions({ logits: LOG_PROBS }, { temperature: 10, numSamples: N, seed: 7 });
  // E[z_1] at τ = 10 is about 0.27, far below π_1 = 0.5.
  assert.ok(hot.relaxed[0] < 0.3 && hot.relaxed[3] > 0.2, `relaxed means at τ = 10: ${hot.relaxed}`);
  assert.equal(hot.underflowed, 0);
});

test('relaxedProportions: the argmax of a sample does not depend on τ (same seed, same noise)', () => {
  const cold = relaxedProportions({ logits: LOG_PROBS }, { temperature: 0.5, numSamples: 2000, seed: 3 }).argmax;
  const hot = relaxedProportions({ logits: LOG_PROBS }, { temperature: 5, numSamples: 2000, seed: 3 }).argmax;
  let same = 0;
  for (let i = 0; i < cold.length; i++) if (cold[i] === hot[i]) same++;
  assert.equal(same, cold.length);
});

test('categoricalFrequencies: within K_SIGMA·σ/√N of π', () => {
  const N = 20_000;
  const f = categoricalFrequencies({ logits: LOG_PROBS }, { numSamples: N, seed: 11 });
  PROBS.forEach((p, k) => assert.ok(Math.abs(f[k] - p) < K_SIGMA * Math.sqrt(p * (1 - p) / N), `k = ${k}: ${f[k]}`));
});

test('repeatEntropyEstimates: every variant, one label each; the four behave as the notebook says at τ = 1', () => {
  const mean = (variant: (typeof ENTROPY_VARIANTS)[number]) =>
    repeatEntropyEstimates(variant, { logits: LOG_PROBS }, { temperature: 1, numSamples: 5000, seed: 1 }, 1).mean;
  assert.deepEqual(Object.keys(ENTROPY_VARIANT_LABELS).sort(), [...ENTROPY_VARIANTS].sort());
  assert.ok(Math.abs(mean('analytic') - H) < 1e-5);
  assert.ok(Math.abs(mean('discrete-monte-carlo') - H) < K_SIGMA * SD / Math.sqrt(5000));
  assert.ok(mean('relaxed-log-mass') > H + 0.05, 'eq. 21 overestimates H at τ = 1');
  assert.ok(mean('concrete-monte-carlo') < 0, 'the differential entropy is negative at τ = 1');
});

test('repeatEntropyEstimates: the analytic variant gives the exact gradient every time; discrete MC is unbiased in value', () => {
  const exact = exactEntropy(LOG_PROBS);
  const analytic = repeatEntropyEstimates('analytic', { logits: logits() }, undefined, 3);
  for (const g of analytic.grads) g.forEach((v, j) => assert.ok(Math.abs(v - exact.grad[j]) < 1e-6));
  assert.equal(analytic.sd, 0);
  assert.equal(analytic.temperature, undefined);
  const M = 20, n = 1000;
  const mc = repeatEntropyEstimates('discrete-monte-carlo', { logits: LOG_PROBS }, { temperature: 1, numSamples: n, seed: 4 }, M);
  assert.equal(mc.values.length, M);
  assert.equal(mc.grads[0].length, 4);
  assert.equal(mc.temperature, 1);
  assert.ok(Math.abs(mc.mean - H) < K_SIGMA * SD / Math.sqrt(M * n), `mean ${mc.mean}`);
});

test('repeatEntropyEstimates: the same seed gives the same numbers, shared across variants, and tensors are freed', () => {
  const l = logits();
  const before = tf.memory().numTensors;
  const options = { temperature: 2, numSamples: 200, seed: 9 };
  const a = repeatEntropyEstimates('concrete-monte-carlo', { logits: l }, options, 3);
  const b = repeatEntropyEstimates('concrete-monte-carlo', { logits: LOG_PROBS }, options, 3);
  assert.deepEqual(a.values, b.values);
  assert.deepEqual(a.grads, b.grads);
  assert.equal(new Set(a.values).size, 3, 'the repeats are independent');
  // Common random numbers: discrete MC sees the same draws at every temperature (section 3 of notebook 02).
  const cold = repeatEntropyEstimates('discrete-monte-carlo', { logits: l }, { ...options, temperature: 0.2 }, 3);
  const hot = repeatEntropyEstimates('discrete-monte-carlo', { logits: l }, { ...options, temperature: 20 }, 3);
  assert.deepEqual(cold.values, hot.values);
  assert.equal(tf.memory().numTensors, before);
  l.dispose();
});

test('error messages name the function, the argument and the value; refused calls leave no tensor', () => {
  const before = tf.memory().numTensors;
  assert.throws(() => repeatEntropyEstimates('eq-23' as never, { logits: LOG_PROBS }, { temperature: 1, numSamples: 10, seed: 0 } as never, 2),
    /^Error: repeatEntropyEstimates: variant must be one of discrete-monte-carlo, .*but got "eq-23"$/);
  assert.throws(() => repeatEntropyEstimates('relaxed-log-mass', { logits: LOG_PROBS }, { temperature: 1, numSamples: 10, seed: 0 }, 0),
    /repeatEntropyEstimates: repeats must be a whole number ≥ 1, but got 0/);
  assert.throws(() => repeatEntropyEstimates('relaxed-log-mass', { logits: LOG_PROBS }, { temperature: -2, numSamples: 10, seed: 0 }, 2),
    /repeatEntropyEstimates: temperature must be a finite number > 0, but got -2/);
  assert.throws(() => repeatEntropyEstimates('concrete-monte-carlo', { logits: LOG_PROBS }, { temperature: 1, numSamples: 10 } as never, 2),
    /repeatEntropyEstimates: seed must be given/);
  assert.throws(() => relaxedProportions({ logits: LOG_PROBS }, { temperature: 0, numSamples: 10, seed: 0 }),
    /relaxedProportions: temperature must be a finite number > 0, but got 0/);
  assert.throws(() => categoricalFrequencies({ logits: LOG_PROBS }, { numSamples: 0, seed: 0 }),
    /categoricalFrequencies: numSamples must be a whole number ≥ 1, but got 0/);
  assert.throws(() => exactEntropy([[0, 1, 2], [0, 1, 2]]), /exactEntropy: logits must be of shape \[K\] with K ≥ 2 \(one categorical\)/);
  assert.throws(() => surprisalStd([0, NaN]), /surprisalStd: logits must be finite everywhere, but got \[0, NaN\]/);
  assert.throws(() => relaxedProportions(LOG_PROBS as never, { temperature: 1, numSamples: 10, seed: 0 }),
    /relaxedProportions: problem must be an object \{logits\}/);
  assert.equal(tf.memory().numTensors, before);
});
