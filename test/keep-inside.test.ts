/**
 * The clamp of relaxed samples: its values and its gradient are those of tf.clipByValue,
 * entry for entry, also at the bounds, below them, at NaN and under an infinite incoming
 * gradient (which must give 0 where the clamp acts, not NaN).
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend';
import { BELOW_ONE, keepInside, TINY } from '../src/distributions/noise';

before(async () => { await initBackend(); });

const POINTS = [0, TINY / 2, TINY, 2 * TINY, 1e-3, 0.5, BELOW_ONE, 1, 1.5, NaN, -1];

for (const upper of [1, BELOW_ONE]) {
  test(`keepInside(y, ${upper}) equals clipByValue(y, 2^-126, ${upper}) in value and gradient`, () => {
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const y = tf.tensor1d(POINTS);
      // A different weight per entry, so that the gradient shows which entry passed it on.
      const weights = tf.tensor1d(POINTS.map((p) => (Number.isFinite(p) ? 1 + p : 2)));
      const objective = (clamp: (x: tf.Tensor) => tf.Tensor) => (x: tf.Tensor) => tf.sum(tf.mul(weights, clamp(x)));
      const ours = (x: tf.Tensor) => keepInside(x, upper);
      const reference = (x: tf.Tensor) => tf.clipByValue(x, TINY, upper);
      assert.deepEqual(Array.from(ours(y).dataSync()), Array.from(reference(y).dataSync()));
      const g = Array.from(tf.grad(objective(ours))(y).dataSync());
      assert.deepEqual(g, Array.from(tf.grad(objective(reference))(y).dataSync()));
      // Zero where the clamp acts or the input is NaN, the weight elsewhere.
      POINTS.forEach((p, i) => {
        const acts = !(p >= TINY && p <= upper);
        assert.equal(g[i], acts ? 0 : Math.fround(1 + p), `at ${p}`);
      });
      // An infinite upstream gradient at a clamped point gives 0, not NaN.
      const infinite = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.tensor1d([Infinity]), keepInside(x, upper))))(tf.tensor1d([0]));
      assert.deepEqual(Array.from(infinite.dataSync()), [0]);
    });
    assert.equal(tf.memory().numTensors, before);
  });
}
