/**
 * The fused logSoftmax (src/kernels/log-softmax.ts) against tf.logSoftmax on every
 * backend that loads: the same float32 values and gradients, bit for bit, on random
 * shapes with logits up to ±1e30, ±∞ and NaN; one kernel each way on tensorflow; no
 * tensor left behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { availableBackends, initBackend } from '../src/backend';
import { logSoftmax } from '../src/kernels/log-softmax';
import { fusedKernelName } from '../src/kernels/registry';
import { assertSame } from './same-bits';

const entry = fc.oneof(
  { weight: 8, arbitrary: fc.double({ min: -30, max: 30, noNaN: true }) },
  { weight: 2, arbitrary: fc.constantFrom(0, -0, 1e30, -1e30, 1e-40, -1e-40) },
  { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity) },
);
const cases = fc.record({ shape: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 3 }) }).chain(({ shape }) => {
  const n = shape.reduce((a, b) => a * b, 1);
  return fc.record({
    shape: fc.constant(shape),
    values: fc.array(entry, { minLength: n, maxLength: n }),
    upstream: fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: n, maxLength: n }),
  });
});

for (const backend of availableBackends()) {
  test(`${backend}: the fused logSoftmax equals tf.logSoftmax in value and gradient, bit for bit`, async () => {
    await initBackend(backend);
    fc.assert(fc.property(cases, ({ shape, values, upstream }) => {
      const start = tf.memory().numTensors;
      tf.tidy(() => {
        const x = tf.tensor(values, shape), w = tf.tensor(upstream, shape);
        assertSame('value', logSoftmax(x), tf.logSoftmax(x));
        const objective = (op: (x: tf.Tensor) => tf.Tensor) => (t: tf.Tensor) => tf.sum(tf.mul(op(t), w)) as tf.Scalar;
        assertSame('gradient', tf.grad(objective(logSoftmax))(x), tf.grad(objective((t) => tf.logSoftmax(t)))(x));
      });
      assert.equal(tf.memory().numTensors, start, 'tensors left behind');
    }), { numRuns: 150, seed: 11 });
  });
}

test('on tensorflow: one kernel forward and one backward', { skip: !availableBackends().includes('tensorflow') }, async () => {
  await initBackend('tensorflow');
  const x = tf.variable(tf.tensor2d([[1, 2, 0], [0, -1, 3]]));
  const names = (await tf.profile(() => {
    const { value, grads } = tf.variableGrads(() => tf.sum(logSoftmax(x)) as tf.Scalar, [x]);
    tf.dispose([value, ...Object.values(grads)]);
  })).kernels.map((k) => k.name);
  assert.ok(names.includes(fusedKernelName('LogSoftmax')) && names.includes(fusedKernelName('LogSoftmaxGrad')), names.join(' '));
  assert.ok(!names.includes('Max') && !names.includes('Log'), names.join(' '));
  x.dispose();
});
