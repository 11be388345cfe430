/**
 * The fused relaxed sampler (src/kernels/relaxed-softmax.ts) against its op-by-op
 * reference, keepInside(softmax((logits + G) / τ)), on every backend: the same float32
 * values and gradients, bit for bit (NaN equal to NaN, +0 distinct from −0), on random
 * shapes, temperatures from 0.01 to 100, logits up to ±1e4, rows where the clamp acts,
 * NaN and ±∞ inputs and infinite upstream gradients. Identity, not a tolerance: the
 * kernel rounds where the reference's kernels round (see the kernel's comment), so any
 * difference at all is a bug.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { availableBackends, initBackend } from '../src/backend';
import { RelaxedOneHotCategorical } from '../src/distributions';
import { TINY } from '../src/distributions/noise';
import { relaxedSoftmax, relaxedSoftmaxReference } from '../src/kernels/relaxed-softmax';
import { fusedKernelName, useFusedKernels } from '../src/kernels/registry';
import { Random } from '../src/random';
import { assertSame } from './same-bits';

const BACKENDS = availableBackends();
const RUNS = { numRuns: 60, seed: 29, endOnFailure: true };

before(async () => { await initBackend(); });

/** The first entry where two arrays differ as values (Object.is), or −1. */

/** A logit: mostly moderate, sometimes large (where the clamp acts at low τ), rarely NaN, ±∞ or −0. */
const logit = fc.oneof(
  { weight: 12, arbitrary: fc.double({ min: -5, max: 5, noNaN: true }) },
  { weight: 4, arbitrary: fc.double({ min: -1e4, max: 1e4, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity, -0) },
);
/** An upstream gradient entry: mostly moderate, rarely infinite or NaN. */
const weight = fc.oneof(
  { weight: 15, arbitrary: fc.double({ min: -10, max: 10, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(Infinity, -Infinity, NaN) },
);

const problem = fc.record({
  K: fc.integer({ min: 1, max: 6 }),
  batch: fc.constantFrom<number[]>([], [1], [3]),
  n: fc.integer({ min: 1, max: 40 }),
  // τ log-uniform over [0.01, 100], and the two ends themselves.
  temperature: fc.oneof(fc.double({ min: Math.log(0.01), max: Math.log(100), noNaN: true }).map(Math.exp), fc.constantFrom(0.01, 100)),
  seed: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
}).chain((p) => {
  const logitCount = p.batch.reduce((a, b) => a * b, p.K);
  return fc.tuple(
    fc.array(logit, { minLength: logitCount, maxLength: logitCount }),
    fc.array(weight, { minLength: p.n * logitCount, maxLength: p.n * logitCount }),
  ).map(([logits, weights]) => ({ ...p, logits, weights }));
});

for (const backend of BACKENDS) {
  test(`${backend}: the fused relaxed sampler equals its reference, in values and in both gradients, bit for bit`, async () => {
    await initBackend(backend);
    let clamped = 0, nonFinite = 0;
    fc.assert(fc.property(problem, ({ K, batch, n, temperature, seed, logits, weights }) => {
      const start = tf.memory().numTensors;
      tf.tidy(() => {
        const l = tf.tensor(logits, [...batch, K]);
        const g = new Random(seed).gumbel([n, ...batch, K]);
        const w = tf.tensor(weights, [n, ...batch, K]);
        const ours = relaxedSoftmax(l, g, temperature), reference = relaxedSoftmaxReference(l, g, temperature);
        assertSame('value', ours, reference);
        const objective = (op: typeof relaxedSoftmax) => (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(op(a, b, temperature), w)) as tf.Scalar;
        const [oursL, oursG] = tf.grads(objective(relaxedSoftmax))([l, g]);
        const [refL, refG] = tf.grads(objective(relaxedSoftmaxReference))([l, g]);
        assertSame('gradient of the logits', oursL, refL);
        assertSame('gradient of the noise', oursG, refG);
        const values = Array.from(reference.dataSync());
        if (values.some((v) => v === TINY)) clamped++;
        if (logits.some((v) => !Number.isFinite(v))) nonFinite++;
      });
      assert.equal(tf.memory().numTensors, start, 'tensors left behind');
    }), RUNS);
    // The property reached the rows it is meant to cover.
    assert.ok(clamped >= 5, `only ${clamped} cases had clamped entries`);
    assert.ok(nonFinite >= 3, `only ${nonFinite} cases had non-finite logits`);
  });

  test(`${backend}: the clamp's corner cases — underflow at τ = 0.01, an infinite gradient where the clamp acts, NaN and ±∞ logits`, async () => {
    await initBackend(backend);
    const start = tf.memory().numTensors;
    tf.tidy(() => {
      const g = tf.tensor2d([[0.3, -1.2, 2.5], [0, 0, 0], [1e-3, 5, -5]]);
      for (const logits of [[20, -20, 0], [NaN, 0, 1], [Infinity, 0, 1], [-Infinity, 0, 1], [Infinity, Infinity, 0]]) {
        const l = tf.tensor1d(logits);
        assertSame(`value at logits ${logits}`, relaxedSoftmax(l, g, 0.01), relaxedSoftmaxReference(l, g, 0.01));
        for (const upstream of [[1, Infinity, -Infinity], [NaN, 1, 2]]) {
          const w = tf.tensor1d(upstream);
          const objective = (op: typeof relaxedSoftmax) => (a: tf.Tensor) => tf.sum(tf.mul(op(a, g, 0.01), w)) as tf.Scalar;
          assertSame(`gradient at logits ${logits}, upstream ${upstream}`, tf.grad(objective(relaxedSoftmax))(l), tf.grad(objective(relaxedSoftmaxReference))(l));
        }
      }
      // Logits ±20 at τ = 0.01 push all but one coordinate of every row below 2^−126: the clamp acts, and an
      // infinite upstream gradient there gives a finite gradient, not NaN.
      const y = relaxedSoftmax(tf.tensor1d([20, -20, 0]), g, 0.01);
      assert.ok(Array.from(y.dataSync()).filter((v) => v === TINY).length >= 3);
      const grad = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(relaxedSoftmax(a, g, 0.01), tf.tensor1d([0, Infinity, 0]))) as tf.Scalar)(tf.tensor1d([20, -20, 0]));
      assert.ok(Array.from(grad.dataSync()).every(Number.isFinite), `gradient ${grad.dataSync()}`);
    });
    assert.equal(tf.memory().numTensors, start);
  });

  test(`${backend}: one kernel forward and one backward, and a training-style loop keeps the tensor count flat`, async () => {
    await initBackend(backend);
    const l = tf.variable(tf.tensor1d([0.5, -0.2, 0.1]));
    const g = new Random(3).gumbel([100, 3]);
    const step = () => tf.tidy(() => tf.grad((a: tf.Tensor) => tf.sum(tf.square(relaxedSoftmax(a, g, 0.5))) as tf.Scalar)(l));
    const names = (await tf.profile(() => { step().dispose(); })).kernels.map((k) => k.name);
    assert.equal(names.filter((k) => k === fusedKernelName('RelaxedSoftmax')).length, 1, names.join(' '));
    assert.equal(names.filter((k) => k === fusedKernelName('RelaxedSoftmaxGrad')).length, 1, names.join(' '));
    assert.ok(!names.includes('Softmax') && !names.includes('ClipByValue'), names.join(' '));
    const start = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) step().dispose();
    assert.equal(tf.memory().numTensors, start);
    tf.dispose([l, g]);
  });

  test(`${backend}: RelaxedOneHotCategorical draws the same samples, with the same gradients, with the fused kernels on and off`, async () => {
    await initBackend(backend);
    const logits = tf.tensor2d([[1, 2, 0, -1], [0.5, 0.5, -3, 2]]);
    const draw = (fused: boolean) => {
      const previous = useFusedKernels(fused);
      try {
        return tf.grad((l: tf.Tensor) => {
          const y = new RelaxedOneHotCategorical({ logits: l, temperature: 0.3 }).sample(50, 11);
          return tf.sum(tf.mul(y, tf.range(0, 8).reshape([2, 4]))) as tf.Scalar;
        })(logits);
      } finally {
        useFusedKernels(previous);
      }
    };
    tf.tidy(() => assertSame('gradient through sample', draw(true), draw(false)));
    const sample = (fused: boolean) => { const p = useFusedKernels(fused); try { return new RelaxedOneHotCategorical({ logits, temperature: 0.3 }).sample(50, 11); } finally { useFusedKernels(p); } };
    tf.tidy(() => assertSame('sample', sample(true), sample(false)));
    logits.dispose();
  });
}

test('the reference runs where the backend has no fused kernel, or the shapes do not fit it', async () => {
  await initBackend(BACKENDS[0]);
  const l = tf.tensor1d([1, 2, 0]), g = tf.tensor2d([[0.1, 0.2, 0.3]]);
  for (const [what, run] of [
    ['fused kernels off', () => { const p = useFusedKernels(false); try { return relaxedSoftmax(l, g, 1); } finally { useFusedKernels(p); } }],
    // Noise of the logits' own rank: the reference broadcasts it, the kernel does not take it.
    ['noise without a sample axis', () => relaxedSoftmax(l, tf.tensor1d([0.1, 0.2, 0.3]), 1)],
  ] as const) {
    const names = (await tf.profile(() => { tf.dispose(run()); })).kernels.map((k) => k.name);
    assert.ok(names.includes('Softmax') && !names.includes(fusedKernelName('RelaxedSoftmax')), `${what}: ${names.join(' ')}`);
  }
  tf.dispose([l, g]);
});
