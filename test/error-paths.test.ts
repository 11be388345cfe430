/**
 * A call that throws leaves tf.memory().numTensors where it was, for every estimator
 * and every way a user's loss can go wrong, and the engine is usable afterwards.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ESTIMATOR_FAMILIES, ESTIMATOR_NAMES, EstimatorName, EstimatorOptions, estimateGradient, initBackend, SampleLoss } from '../src';

before(async () => { await initBackend(); });

/** One value per sample: the sum over every axis after the first. */
const perSample = (y: tf.Tensor) => tf.sum(tf.reshape(y, [y.shape[0], -1]), 1);

const BAD_LOSSES: [string, SampleLoss, RegExp][] = [
  ['throws', () => { throw new Error('the loss failed'); }, /the loss failed/],
  ['has the wrong shape', (y) => tf.sum(y), /problem\.loss\(y\) must be a tensor of shape \[\d+\] \(one value per sample\), but got a tensor of shape \[\]/],
  ['returns a number', () => 3 as unknown as tf.Tensor, /problem\.loss\(y\) must be a tensor of shape \[\d+\] \(one value per sample\), but got 3/],
  ['is NaN', (y) => tf.mul(perSample(y), NaN), /problem\.loss\(y\) must be finite at every sample, but got NaN/],
  ['is infinite', (y) => tf.div(tf.add(perSample(y), 1), 0), /problem\.loss\(y\) must be finite at every sample, but got Infinity/],
];

const options = { numSamples: 4, seed: 0, temperature: 1 } as EstimatorOptions[EstimatorName];

for (const name of ESTIMATOR_NAMES) {
  test(`${name}: a loss that fails gives a named error and leaks nothing`, () => {
    for (const family of ESTIMATOR_FAMILIES[name]) {
      const logits = family === 'categorical' ? [[0.5, -1, 2], [0, 0, 0]] : [0.3, -0.2];
      for (const [what, loss, message] of BAD_LOSSES) {
        const before = tf.memory().numTensors;
        assert.throws(() => estimateGradient(name, { logits, family, loss }, options), message, `${name}, ${family}: a loss that ${what}`);
        assert.equal(tf.memory().numTensors, before, `${name}, ${family}: a loss that ${what} leaked tensors`);
      }
      // The engine still works: a good call after the failures.
      const { grad } = estimateGradient(name, { logits, family, loss: perSample }, options);
      assert.ok(Array.from(grad.dataSync()).every(Number.isFinite));
      grad.dispose();
    }
  });
}

test('optimize: a loss that turns non-finite between records leaves the logits at their last finite values', async () => {
  const { optimize } = await import('../src');
  for (const estimator of ['reinforce', 'st-gumbel-softmax'] as const) {
    const logits = tf.variable(tf.tensor1d([0.1, 0.2, 0.3]));
    let calls = 0;
    // Finite for the first 5 calls (step 0 is recorded), then NaN from the 6th on.
    const loss: SampleLoss = (y) => { calls++; return tf.mul(perSample(y), calls > 5 ? NaN : 1); };
    const before = tf.memory().numTensors;
    assert.throws(
      () => optimize(logits, { family: 'categorical', loss }, { estimator, steps: 20, learningRate: 0.1, numSamples: 4, seed: 0, temperature: 1, recordEvery: 10 }),
      /optimize: the gradient estimate was not finite at 6 of the steps 1–9, so those steps were not applied and the logits keep their last finite values/,
    );
    assert.equal(tf.memory().numTensors, before, `${estimator}: the failed run leaked tensors`);
    assert.ok(Array.from(logits.dataSync()).every(Number.isFinite), `${estimator}: the logits were corrupted`);
    logits.dispose();
  }
});
