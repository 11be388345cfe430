/**
 * What the faster mixture gradients keep with the model (src/studies/gaussian-mixture/model.ts):
 * the rows of every bucket and the scalar 1, made with the model and freed with it, and
 * X's values on the host, from which the rows [X, s] are assembled; a disposed model is
 * refused by name.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend';
import {
  elementaryMean, elementaryMixtureGradient, estimateMixtureGradient, exactMixtureGradient, GaussianMixtureModel,
  gumbelSoftmaxMixtureGradient, scoreFunctionMixtureGradient,
} from '../src';
import { inputsFrom } from '../src/studies/gaussian-mixture/model';

before(async () => { await initBackend(); });

test('a model frees every tensor it made, and its gradients leave the count where it was', () => {
  const start = tf.memory().numTensors;
  const model = new GaussianMixtureModel({ seed: 3, buckets: 4, dim: 6 });
  const made = tf.memory().numTensors;
  elementaryMixtureGradient(model, { numNoise: 50, seed: 1 });
  gumbelSoftmaxMixtureGradient(model, { numSamples: 20, numNoise: 50, seed: 1, temperature: 0.5 });
  scoreFunctionMixtureGradient(model, { numSamples: 20, numNoise: 50, seed: 1 });
  assert.equal(tf.memory().numTensors, made);
  model.dispose();
  assert.equal(tf.memory().numTensors, start);
});

test('the rows [X, s] assembled on the host are the tensor concat of X and s, bit for bit', () => {
  const model = new GaussianMixtureModel({ seed: 36, buckets: 3, dim: 4 });
  const buckets = Float32Array.from([0.25, 0.5, 0.25, 1, 0, 0, 1e-30, 0.7, 0.3]);
  tf.tidy(() => {
    const host = inputsFrom(model, buckets);
    const device = tf.concat([tf.tile(model.X, [3, 1]), tf.tensor2d(buckets, [3, 3])], 1);
    assert.deepEqual(host.shape, [3, 7]);
    assert.deepEqual(Array.from(host.dataSync()), Array.from(device.dataSync()));
  });
  model.dispose();
});

test('a disposed model is refused by the function called, with no tensor left behind', () => {
  const model = new GaussianMixtureModel({ seed: 1 });
  model.dispose();
  const start = tf.memory().numTensors;
  const calls: [string, () => unknown][] = [
    ['elementaryMixtureGradient', () => elementaryMixtureGradient(model, { numNoise: 3, seed: 1 })],
    ['gumbelSoftmaxMixtureGradient', () => gumbelSoftmaxMixtureGradient(model, { numSamples: 3, numNoise: 3, seed: 1, temperature: 1 })],
    ['scoreFunctionMixtureGradient', () => scoreFunctionMixtureGradient(model, { numSamples: 3, numNoise: 3, seed: 1 })],
    ['exactMixtureGradient', () => exactMixtureGradient(model)],
    ["estimateMixtureGradient\\('elementary'\\)", () => estimateMixtureGradient('elementary', model, { numNoise: 3, seed: 1 })],
    ['elementaryMean', () => elementaryMean(model)],
  ];
  for (const [fn, call] of calls) {
    assert.throws(call, new RegExp(`^Error: ${fn}: model must be a GaussianMixtureModel that has not been disposed, but got a disposed one$`));
  }
  assert.equal(tf.memory().numTensors, start);
});
