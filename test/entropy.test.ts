import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend';
import {
  categoricalKL, concreteMonteCarloEntropy, concreteMonteCarloKL, discreteMonteCarloEntropy, discreteMonteCarloKL,
  maddison21Entropy, maddison21KL, maddison22Entropy,
} from '../src/estimators';

// Seed 001's distribution. Exact entropy, written separately: with log π = −(1, 2, 3, 3)·ln 2,
// H = (0.5·1 + 0.25·2 + 0.125·3 + 0.125·3)·ln 2 = 1.75 ln 2 = 1.21301 nats.
const PROBS = [0.5, 0.25, 0.125, 0.125];
const H = 1.75 * Math.LN2;
// sd of −log q(y) under q: values (1, 2, 3, 3)·ln 2, E[X²] = 3.75 ln²2, so sd = √(3.75 − 1.75²)·ln 2.
const SD = Math.sqrt(3.75 - 1.75 ** 2) * Math.LN2;
const N = 10_000;
// Statistical checks use K_SIGMA·σ/√N; with 5, a correct estimator fails below 1e-6 of the time.
const K_SIGMA = 5;

before(async () => { await initBackend(); });

const logits = () => tf.log(tf.tensor1d(PROBS));
const scalar = (t: tf.Tensor) => { const x = t.dataSync()[0]; t.dispose(); return x; };

test('eq. 22: the analytic entropy is 1.75 ln 2 within 1e-5, and KL from uniform is ln 4 − H', () => {
  assert.ok(Math.abs(scalar(maddison22Entropy(logits())) - H) < 1e-5);
  assert.ok(Math.abs(scalar(categoricalKL(logits())) - (Math.log(4) - H)) < 1e-5);
  assert.ok(Math.abs(scalar(categoricalKL(logits(), logits()))) < 1e-6, 'KL(q‖q) = 0');
  // Logits are only defined up to a constant: shifting them changes nothing.
  assert.ok(Math.abs(scalar(maddison22Entropy(tf.add(logits(), 100))) - H) < 1e-5);
});

test('eq. 22: per-variable values for a batch of logits', () => {
  const batch = tf.stack([logits(), tf.zeros([4])]);
  assert.deepEqual(maddison22Entropy(batch).shape, [2]);
  const values = maddison22Entropy(batch).dataSync();
  assert.ok(Math.abs(values[0] - H) < 1e-5 && Math.abs(values[1] - Math.log(4)) < 1e-5);
});

test('eq. 22: its gradient is the exact entropy gradient −π_j (log π_j + H)', () => {
  const g = tf.grad((l: tf.Tensor) => maddison22Entropy(l) as tf.Scalar)(logits()).dataSync();
  PROBS.forEach((p, j) => assert.ok(Math.abs(g[j] - -p * (Math.log(p) + H)) < 1e-5, `j=${j}: ${g[j]}`));
});

test('discrete Monte Carlo entropy is unbiased at every temperature, within 5σ/√N', () => {
  for (const tau of [10, 1, 0.1]) {
    const value = scalar(discreteMonteCarloEntropy(logits(), N, 3, tau));
    assert.ok(Math.abs(value - H) < K_SIGMA * SD / Math.sqrt(N), `τ=${tau}: ${value}`);
  }
  // KL from uniform: the per-sample terms are log π − log(1/4), whose sd is the same SD.
  const kl = scalar(discreteMonteCarloKL(logits(), N, 4, 1));
  assert.ok(Math.abs(kl - (Math.log(4) - H)) < K_SIGMA * SD / Math.sqrt(N), `KL ${kl}`);
});

test('eq. 21 is above the exact entropy at τ = 10 and approaches it as τ → 0', () => {
  // Measured (N = 10 000, seed 1): 1.526 at τ = 10 (seed 001: 1.526), 1.312 at τ = 1
  // (seed 001: 1.317), 1.212 at τ = 0.1; H = 1.213.
  const at = (tau: number) => scalar(maddison21Entropy(logits(), N, 1, tau));
  const [hot, warm, cold] = [at(10), at(1), at(0.1)];
  assert.ok(hot - H > 0.25, `τ=10: ${hot}`);
  assert.ok(hot > warm && warm > cold, `${hot} > ${warm} > ${cold}`);
  assert.ok(Math.abs(cold - H) < K_SIGMA * SD / Math.sqrt(N), `τ=0.1: ${cold}`);
  const klCold = scalar(maddison21KL(logits(), N, 1, 0.1));
  assert.ok(Math.abs(klCold - (Math.log(4) - H)) < K_SIGMA * SD / Math.sqrt(N), `KL at τ=0.1: ${klCold}`);
});

test('eq. 21: at low temperature its gradient approaches the exact entropy gradient', () => {
  // Measured at τ = 0.1: [−0.247, 0.042, 0.102, 0.102] against exact [−0.260, 0.043, 0.108, 0.108].
  const g = tf.grad((l: tf.Tensor) => maddison21Entropy(l, N, 1, 0.1) as tf.Scalar)(logits()).dataSync();
  PROBS.forEach((p, j) => assert.ok(Math.abs(g[j] - -p * (Math.log(p) + H)) < 0.03, `j=${j}: ${g[j]}`));
});

test('the Concrete entropy is a differential entropy: negative here and far from H', () => {
  // Measured: −6.94 at τ = 10 and −2.78 at τ = 1 (seed 001, TFP: −6.97 and −2.74).
  const hot = scalar(concreteMonteCarloEntropy(logits(), N, 1, 10));
  const warm = scalar(concreteMonteCarloEntropy(logits(), N, 1, 1));
  assert.ok(Math.abs(hot - -6.97) < 0.15, `τ=10: ${hot}`);
  assert.ok(Math.abs(warm - -2.74) < 0.15, `τ=1: ${warm}`);
  // KL between two Concretes at the same τ does not depend on τ (the τ terms cancel
  // sample by sample), and is positive.
  const kl10 = scalar(concreteMonteCarloKL(logits(), N, 1, 10));
  const kl1 = scalar(concreteMonteCarloKL(logits(), N, 1, 1));
  assert.ok(kl1 > 0 && Math.abs(kl10 - kl1) < 1e-3, `${kl10} vs ${kl1}`);
});

test('every estimate is differentiable in the logits and gives finite gradients', () => {
  const fns = [
    (l: tf.Tensor) => discreteMonteCarloEntropy(l, 100, 0, 1),
    (l: tf.Tensor) => maddison21Entropy(l, 100, 0, 1),
    (l: tf.Tensor) => concreteMonteCarloEntropy(l, 100, 0, 1),
    (l: tf.Tensor) => maddison21KL(l, 100, 0, 1, tf.tensor1d([0, 1, 2, 3])),
    (l: tf.Tensor) => concreteMonteCarloKL(l, 100, 0, 1),
    (l: tf.Tensor) => categoricalKL(l),
  ];
  for (const f of fns) {
    const g = tf.grad((l: tf.Tensor) => f(l) as tf.Scalar)(logits()).dataSync();
    assert.ok(g.every(Number.isFinite) && g.some((x) => x !== 0), String(f));
  }
});

test('the same seed gives the same estimate', () => {
  for (const f of [discreteMonteCarloEntropy, maddison21Entropy, concreteMonteCarloEntropy]) {
    assert.equal(scalar(f(logits(), 500, 9, 0.7)), scalar(f(logits(), 500, 9, 0.7)));
    assert.notEqual(scalar(f(logits(), 500, 9, 0.7)), scalar(f(logits(), 500, 10, 0.7)));
  }
});

test('no estimate leaves tensors behind besides its result', () => {
  const l = logits();
  const before = tf.memory().numTensors;
  for (const t of [
    maddison22Entropy(l), categoricalKL(l), discreteMonteCarloEntropy(l, 10, 0, 1), discreteMonteCarloKL(l, 10, 0, 1),
    maddison21Entropy(l, 10, 0, 1), maddison21KL(l, 10, 0, 1), concreteMonteCarloEntropy(l, 10, 0, 1), concreteMonteCarloKL(l, 10, 0, 1),
  ]) t.dispose();
  assert.equal(tf.memory().numTensors, before);
});

test('bad input is refused with a clear message', () => {
  assert.throws(() => maddison21Entropy(logits(), 0, 0, 1), /maddison21Entropy: numSamples must be a whole number ≥ 1, but got 0/);
  assert.throws(() => discreteMonteCarloEntropy(logits(), 10, 0, -1), /discreteMonteCarloEntropy: temperature must be a finite number > 0, but got -1/);
  assert.throws(() => concreteMonteCarloEntropy(logits(), 10, 0, NaN), /temperature must be a finite number > 0, but got NaN/);
  assert.throws(() => maddison22Entropy(tf.tensor1d([1])), /maddison22Entropy: logits must be a tensor of shape \[...batch, K\] with K ≥ 2/);
  assert.throws(() => categoricalKL(logits(), tf.zeros([3])), /categoricalKL: priorLogits must be a tensor whose last axis has K = 4 entries/);
});
