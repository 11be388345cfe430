import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend';
import { Random } from '../src/random';
import {
  portedPyTorchSampler, portedPyTorchGumbel, correctGumbelSoftmaxSampler, compareGaussianGradients, estimateGaussianGradient,
} from '../src';

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
  const square = (z: tf.Tensor1D) => tf.square(z);
  const both = compareGaussianGradients({ mu: 1, sigma: 0.5, loss: square }, { numSamples: 50_000, seed: new Random(3) });
  const [p, s] = [both.pathwise.perDraw, both['score-function'].perDraw];
  const stats = (v: Float32Array) => { const m = v.reduce((a, b) => a + b, 0) / v.length; const s2 = v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1); return { m, s2, se: Math.sqrt(s2 / v.length) }; };
  for (const [est, exact] of [[p.mu, 2], [p.sigma, 1], [s.mu, 2], [s.sigma, 1]] as const) {
    const st = stats(est);
    assert.ok(Math.abs(st.m - exact) < 5 * st.se, `${st.m} vs ${exact}`);
  }
  assert.ok(stats(p.mu).s2 < stats(s.mu).s2);
  // Pathwise ∂/∂μ of z² is 2z, whose variance is 4σ² = 1.
  assert.ok(Math.abs(stats(p.mu).s2 - 1) < 0.05);
  // grads are the means of the per-draw terms; loss is the mean of z², whose expectation is μ² + σ² = 1.25.
  assert.ok(Math.abs(both.pathwise.grads.mu[0] - stats(p.mu).m) < 1e-5);
  assert.ok(Math.abs(both['score-function'].grads.sigma[0] - stats(s.sigma).m) < 1e-5);
  assert.equal(both.pathwise.loss, both['score-function'].loss);
  assert.ok(Math.abs(both.pathwise.loss - 1.25) < 0.02, `${both.pathwise.loss}`);
  assert.equal(both.pathwise.lossEvaluations, 50_000);
  // One method by name, from a numeric seed, gives that method's numbers on the same draws.
  const seeded = compareGaussianGradients({ mu: 1, sigma: 0.5, loss: square }, { numSamples: 100, seed: 9 });
  for (const method of ['pathwise', 'score-function'] as const) {
    assert.deepEqual(estimateGaussianGradient(method, { mu: 1, sigma: 0.5, loss: square }, { numSamples: 100, seed: 9 }), seeded[method]);
  }
  const before = tf.memory().numTensors;
  const base = { mu: 0, sigma: 1, loss: square };
  const bad: Array<[() => unknown, RegExp]> = [
    [() => compareGaussianGradients({ ...base, mu: NaN }, { numSamples: 10, seed: 0 }), /compareGaussianGradients: problem\.mu must be a finite number, but got NaN/],
    [() => estimateGaussianGradient('pathwise', { ...base, sigma: -1 }, { numSamples: 10, seed: 0 }), /estimateGaussianGradient\('pathwise'\): problem\.sigma must be a finite number > 0, but got -1/],
    [() => estimateGaussianGradient('reparameterised' as never, base, { numSamples: 10, seed: 0 }), /estimateGaussianGradient: method must be one of pathwise, score-function, but got "reparameterised"/],
    [() => compareGaussianGradients(base, { numSamples: 0, seed: 0 }), /compareGaussianGradients: numSamples must be a whole number ≥ 1, but got 0/],
    [() => compareGaussianGradients({ ...base, loss: (z) => tf.sum(z) as tf.Tensor1D }, { numSamples: 10, seed: 0 }), /compareGaussianGradients: problem\.loss\(z\) must be a tensor of shape \[10\] \(one value per draw\), but got a tensor of shape \[\]/],
    [() => compareGaussianGradients({ ...base, loss: (z) => tf.concat([z, z]) }, { numSamples: 10, seed: 0 }), /problem\.loss\(z\) must be a tensor of shape \[10\].*but got a tensor of shape \[20\]/],
    [() => compareGaussianGradients({ ...base, loss: (z) => tf.div(z, 0) }, { numSamples: 10, seed: 0 }), /compareGaussianGradients: problem\.loss\(z\) must be finite at every draw, but got "-?Infinity at draw \d+"/],
    [() => compareGaussianGradients({ ...base, loss: (z) => tf.sqrt(z) }, { numSamples: 10, seed: 0 }), /problem\.loss\(z\) must be finite at every draw, but got "NaN at draw \d+"/],
  ];
  for (const [call, message] of bad) assert.throws(call, message);
  assert.equal(tf.memory().numTensors, before, 'a refused call must not leak tensors');
});
