/**
 * The fused straight-through rounding (src/kernels/straight-through.ts) against its
 * op-by-op reference on every backend: the same values bit for bit (NaN equal to NaN,
 * +0 distinct from −0) on random rows with ties, halves (K = 1 rounds them to even), −0,
 * NaN and ±∞, and the incoming gradient passed through unchanged.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { availableBackends, initBackend } from '../src/backend';
import { straightThrough } from '../src/estimators/straight-through';
import { fusedKernelName } from '../src/kernels/registry';
import { straightThroughRound, straightThroughRoundReference } from '../src/kernels/straight-through';
import { assertSame } from './same-bits';

const BACKENDS = availableBackends();
const RUNS = { numRuns: 80, seed: 31, endOnFailure: true };

before(async () => { await initBackend(); });

/** Entries that make ties, halves, signed zeros and non-finite rows likely. */
const entry = fc.oneof(
  { weight: 6, arbitrary: fc.double({ min: -3, max: 3, noNaN: true }) },
  { weight: 12, arbitrary: fc.constantFrom(0, 0.5, 1, 1.5, 2.5, -0.5, -1.5, -0) },
  { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity) },
);
const rows = fc.record({ K: fc.integer({ min: 1, max: 6 }), R: fc.integer({ min: 1, max: 12 }) })
  .chain(({ K, R }) => fc.record({
    K: fc.constant(K), R: fc.constant(R),
    values: fc.array(entry, { minLength: K * R, maxLength: K * R }),
    upstream: fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: K * R, maxLength: K * R }),
  }));

/** `t` with each subnormal entry replaced by a zero of its sign, as the tensorflow backend's kernels give it. */
function flushSubnormals(t: tf.Tensor): tf.Tensor {
  return tf.tensor(Array.from(t.dataSync(), (x) => (Math.abs(x) < 2 ** -126 ? x * 0 : x)), t.shape);
}

for (const backend of BACKENDS) {
  test(`${backend}: the fused straight-through rounding equals its reference in value and gradient`, async () => {
    await initBackend(backend);
    let ties = 0, poisoned = 0;
    fc.assert(fc.property(rows, ({ K, R, values, upstream }) => {
      const start = tf.memory().numTensors;
      tf.tidy(() => {
        const y = tf.tensor2d(values, [R, K]), w = tf.tensor2d(upstream, [R, K]);
        assertSame('value', straightThroughRound(y), straightThroughRoundReference(y));
        const objective = (op: (y: tf.Tensor) => tf.Tensor) => (x: tf.Tensor) => tf.sum(tf.mul(op(x), w)) as tf.Scalar;
        const grad = tf.grad(objective(straightThroughRound))(y);
        assertSame('gradient', grad, tf.grad(objective(straightThroughRoundReference))(y));
        // (tensorflow's Mul in the objective's gradient flushes subnormal upstream entries to zero.)
        assertSame('gradient is the upstream gradient', grad, backend === 'tensorflow' ? flushSubnormals(w) : w);
      });
      assert.equal(tf.memory().numTensors, start, 'tensors left behind');
      for (let r = 0; r < R; r++) {
        const row = values.slice(r * K, (r + 1) * K);
        if (row.some((v) => !Number.isFinite(v))) poisoned++;
        else if (K > 1 && row.filter((v) => v === Math.max(...row)).length > 1) ties++;
      }
    }), RUNS);
    assert.ok(ties >= 5 && poisoned >= 5, `rows with ties: ${ties}, with NaN or ±∞: ${poisoned}`);
  });

  test(`${backend}: straightThrough runs one kernel forward and keeps a loop's tensor count flat`, async () => {
    await initBackend(backend);
    const y = tf.tensor2d([[0.2, 0.5, 0.3], [0.6, 0.3, 0.1]]);
    const names = (await tf.profile(() => { straightThrough(y).dispose(); })).kernels.map((k) => k.name);
    assert.deepEqual(names, [fusedKernelName('StraightThroughRound')]);
    tf.tidy(() => assert.deepEqual(Array.from(straightThrough(y).dataSync()), [0, 1, 0, 1, 0, 0]));
    const start = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) tf.tidy(() => { tf.grad((x: tf.Tensor) => tf.sum(straightThrough(x)) as tf.Scalar)(y); });
    assert.equal(tf.memory().numTensors, start);
    y.dispose();
  });
}
