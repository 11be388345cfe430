import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend';
import { estimateGradient } from '../src/estimators';
import { SQUARED_ERROR_CATEGORICAL_TARGET, squaredErrorExactGradient, squaredErrorLoss } from '../src/studies/squared-error/problem';
import { findStationaryLogits, meanGradient } from '../src';

before(async () => { await initBackend(); });

const TARGET = SQUARED_ERROR_CATEGORICAL_TARGET as number[];
const softmax = (l: number[]) => { const e = l.map(Math.exp); const z = e.reduce((a, b) => a + b, 0); return e.map((x) => x / z); };

test('findStationaryLogits solves softmax(l) = t (categorical: the last logit stays put)', () => {
  const t = [0.2, 0.7, 0.1];
  const point = findStationaryLogits({ gradient: (l) => softmax(l).map((p, k) => p - t[k]), initial: [0, 0, 0], family: 'categorical' });
  assert.ok(point.converged);
  assert.equal(point.logits[2], 0);
  point.probs.forEach((p, k) => assert.ok(Math.abs(p - t[k]) < 1e-7, `${p} vs ${t[k]}`));
  point.gradient.forEach((g) => assert.ok(Math.abs(g) < 1e-7));
});

test('findStationaryLogits solves σ(l) = 0.9 (Bernoulli: every logit is free)', () => {
  const point = findStationaryLogits({ gradient: ([l]) => [1 / (1 + Math.exp(-l)) - 0.9], initial: [-3], family: 'bernoulli' });
  assert.ok(point.converged);
  assert.ok(Math.abs(point.logits[0] - Math.log(9)) < 1e-6, `${point.logits[0]} vs ln 9`);
  assert.ok(Math.abs(point.probs[0] - 0.9) < 1e-7);
});

test('findStationaryLogits reports a field that has no zero as not converged', () => {
  const point = findStationaryLogits({ gradient: ([l]) => [1 + 0 * l], initial: [0], family: 'bernoulli', maxIterations: 5 });
  assert.equal(point.converged, false);
});

test('meanGradient of the exact estimator is the closed-form gradient; of a sampler, a repeatable mean', () => {
  const g = meanGradient({ estimator: 'exact', family: 'categorical', loss: squaredErrorLoss(TARGET), numSamples: 1, seed: 0 });
  const logits = [0.3, -1, 2];
  g(logits).forEach((x, k) => assert.ok(Math.abs(x - squaredErrorExactGradient(logits, TARGET)[k]) < 1e-6));
  const st = meanGradient({ estimator: 'st-gumbel-softmax', family: 'categorical', loss: squaredErrorLoss(TARGET), numSamples: 2000, seed: 4, temperature: 5 });
  assert.deepEqual(st([1, 1, 1]), st([1, 1, 1])); // the same seed redraws the same noise
  const direct = tf.tidy(() => Array.from(estimateGradient('st-gumbel-softmax',
    { logits: tf.tensor1d([1, 1, 1]), family: 'categorical', loss: squaredErrorLoss(TARGET) },
    { numSamples: 2000, seed: 4, temperature: 5 }).grad.dataSync()));
  assert.deepEqual(st([1, 1, 1]), direct);
});

test('the ST Gumbel-Softmax fixed point at τ = 5 lies near the target, as the large-τ limit (2/(Kτ))(π − t) says', () => {
  const g = meanGradient({ estimator: 'st-gumbel-softmax', family: 'categorical', loss: squaredErrorLoss(TARGET), numSamples: 20_000, seed: 1, temperature: 5 });
  // A Monte Carlo mean has a noise floor near 1e-6, so the tolerance is above it.
  const point = findStationaryLogits({ gradient: g, initial: [0, 0, 0], family: 'categorical', tolerance: 1e-5 });
  assert.ok(point.converged);
  // The limit is exact only as τ → ∞; at τ = 5 the measured fixed point is within 0.015 of t.
  point.probs.forEach((p, k) => assert.ok(Math.abs(p - TARGET[k]) < 0.02, `π* = ${point.probs} vs t = ${TARGET}`));
});

test('stationary-point helpers refuse bad arguments, naming them', () => {
  const loss = squaredErrorLoss(TARGET);
  assert.throws(() => meanGradient({ estimator: 'reinforce', family: 'categorical', loss, numSamples: 10, seed: 1.5 }), /meanGradient: seed must be a whole number ≥ 0/);
  assert.throws(() => findStationaryLogits({ gradient: (l) => l, initial: [1], family: 'categorical' }), /findStationaryLogits: initial must be an array of at least 2 numbers for the categorical family, but got \[1\]/);
  assert.throws(() => findStationaryLogits({ gradient: () => [0], initial: [1, 2], family: 'categorical' }), /gradient\(logits\) must be an array of length 2, but got \[0\]/);
  assert.throws(() => findStationaryLogits({ gradient: (l) => l, initial: [0, NaN], family: 'categorical' }), /initial must be finite everywhere, but got "NaN at flat index 1"/);
});
