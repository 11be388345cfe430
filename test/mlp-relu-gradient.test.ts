import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend';
import { Random } from '../src/random';
import { Mlp } from '../src/studies/categorical-vae';

before(async () => {
  await initBackend();
});

/** The op-by-op forward pass with TensorFlow.js' own relu, written out here as the reference. */
function reference(mlp: Mlp, x: tf.Tensor2D): tf.Tensor2D {
  let h: tf.Tensor2D = x;
  mlp.weights.forEach((w, i) => {
    h = tf.add(tf.matMul(h, w as tf.Tensor2D), mlp.biases[i]);
    if (i + 1 < mlp.weights.length) h = tf.relu(h);
  });
  return h;
}

/** Gradients of Σ c ⊙ f(x) with respect to x and every variable, as plain arrays. */
function gradients(mlp: Mlp, x: tf.Tensor2D, c: tf.Tensor2D, f: (x: tf.Tensor2D) => tf.Tensor2D): number[][] {
  return tf.tidy(() => {
    const loss = (input: tf.Tensor) => tf.sum(tf.mul(c, f(input as tf.Tensor2D))) as tf.Scalar;
    const dx = tf.grad(loss)(x);
    const { grads } = tf.variableGrads(() => loss(x), mlp.variables());
    return [dx, ...mlp.variables().map((v) => grads[v.name])].map((g) => Array.from(g.dataSync()));
  });
}

test('Mlp.apply gives the values and gradients of matMul, add and tf.relu exactly, also where a pre-activation is exactly 0', () => {
  const mlp = new Mlp([5, 7, 6, 3], new Random(3));
  const rng = new Random(4);
  // Row 0 is all zeros: with zero biases every first-layer pre-activation is exactly 0,
  // where relu's gradient is 0 (TensorFlow.js' step(0)); a gradient of 1 there would differ.
  const values = rng.normalArray(4 * 5).map((v, i) => (i < 5 ? 0 : v));
  const x = tf.tensor2d(values, [4, 5]);
  const c = tf.tidy(() => rng.normal([4, 3])) as tf.Tensor2D;
  const before = tf.memory().numTensors;
  const ours = gradients(mlp, x, c, (input) => mlp.apply(input));
  const theirs = gradients(mlp, x, c, (input) => reference(mlp, input));
  assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
  assert.deepEqual(ours, theirs);
  tf.tidy(() => assert.deepEqual(Array.from(mlp.apply(x).dataSync()), Array.from(reference(mlp, x).dataSync())));
  // Both halves of relu's domain occur, so the comparison covers both branches.
  const preActivation = tf.tidy(() => Array.from(tf.add(tf.matMul(x, mlp.weights[0] as tf.Tensor2D), mlp.biases[0]).dataSync()));
  assert.ok(preActivation.some((v) => v > 0) && preActivation.some((v) => v < 0) && preActivation.filter((v) => v === 0).length === 7);
  tf.dispose([x, c]);
  mlp.dispose();
});
