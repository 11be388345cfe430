import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend';
import { Random } from '../src/random';
import { portedPyTorchSampler, portedPyTorchGumbel, correctGumbelSoftmaxSampler, gaussianGradientTerms } from '../src';

before(async () => { await initBackend(); });
const maxAbs = (a: tf.Tensor, b: tf.Tensor) => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0];

test('ported PyTorch sampler: temperature is ignored (up to float32 rounding), tau is not', () => {
  const x = tf.tensor2d([[1, 2, 0], [0.5, -1, 3]]);
  const base = portedPyTorchSampler(x, 0.5, 0, 1);
  assert.ok(maxAbs(portedPyTorchSampler(x, 0.5, 37, 1), base) < 1e-5);
  assert.ok(maxAbs(portedPyTorchSampler(x, 1, 0, 1), base) > 1e-2);
  assert.ok(maxAbs(correctGumbelSoftmaxSampler(x, 0.5, 1), base) < 1e-5);
  Array.from(tf.sum(base, 1).dataSync()).forEach((s) => assert.ok(Math.abs(s - 1) < 1e-6));
});

test('ported PyTorch sampler: the view flattens [B, N, K] into one softmax per example', () => {
  const out = portedPyTorchSampler(tf.zeros([2, 3, 4]), 1, 0, 2);
  assert.deepEqual(out.shape, [2, 3, 4]);
  Array.from(tf.sum(out, [1, 2]).dataSync()).forEach((s) => assert.ok(Math.abs(s - 1) < 1e-5));
  assert.ok(Array.from(tf.sum(out, 2).dataSync()).some((s) => Math.abs(s - 1) > 0.05));
});

test('ported PyTorch noise: −log(−log(u + 1e-9) + 1e-9), a small downward shift near u = 1', () => {
  const u = tf.tensor1d([0.5, 1 - 2 ** -24, 2 ** -24]);
  const g = portedPyTorchGumbel(u).dataSync();
  const exact = Array.from(u.dataSync(), (v) => -Math.log(-Math.log(v + 1e-9) + 1e-9));
  g.forEach((v, i) => assert.ok(Math.abs(v - exact[i]) < 2e-3 * Math.max(1, Math.abs(exact[i])), `${v} vs ${exact[i]}`)); // float32, as in PyTorch: its log near 1 is off by ~1e-3 relative
  assert.ok(g[1] < -Math.log(-Math.log(1 - 2 ** -24)));
  assert.throws(() => portedPyTorchSampler(tf.zeros([1, 2]), 0, 0, 1), /portedPyTorchSampler: tau must be a finite number > 0, but got 0/);
});

test('Gaussian pathwise and score terms: unbiased for E[z²] (5 se), pathwise with the smaller variance', () => {
  const t = gaussianGradientTerms({ mu: 1, sigma: 0.5, f: (z) => tf.square(z), numSamples: 50_000, seed: new Random(3) });
  const stats = (v: Float32Array) => { const m = v.reduce((a, b) => a + b, 0) / v.length; const s2 = v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1); return { m, s2, se: Math.sqrt(s2 / v.length) }; };
  for (const [est, exact] of [[t.pathwise.mu, 2], [t.pathwise.sigma, 1], [t.score.mu, 2], [t.score.sigma, 1]] as const) {
    const s = stats(est);
    assert.ok(Math.abs(s.m - exact) < 5 * s.se, `${s.m} vs ${exact}`);
  }
  assert.ok(stats(t.pathwise.mu).s2 < stats(t.score.mu).s2);
  // Pathwise ∂/∂μ of z² is 2z, whose variance is 4σ² = 1.
  assert.ok(Math.abs(stats(t.pathwise.mu).s2 - 1) < 0.05);
  const square = (z: tf.Tensor1D) => tf.square(z);
  assert.throws(() => gaussianGradientTerms({ mu: NaN, sigma: 1, f: square, numSamples: 10, seed: 0 }), /gaussianGradientTerms: mu must be a finite number, but got NaN/);
  assert.throws(() => gaussianGradientTerms({ mu: 0, sigma: -1, f: square, numSamples: 10, seed: 0 }), /gaussianGradientTerms: sigma must be a finite number > 0, but got -1/);
});
