/**
 * The fused Concrete log-density (src/kernels/concrete-log-density.ts) against its
 * op-by-op reference on cpu and wasm: the same float32 values, bit for bit (NaN equal
 * to NaN), on random shapes and batches, temperatures from 0.01 to 100, points drawn by
 * the library (clamped coordinates included), arbitrary points with zeros, NaN and ±∞,
 * and under autodiff, where the reference itself runs.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { availableBackends, initBackend } from '../src/backend';
import { RelaxedOneHotCategorical } from '../src/distributions';
import { TINY } from '../src/distributions/noise';
import { concreteLogDensity, concreteLogDensityReference } from '../src/kernels/concrete-log-density';
import { fusedKernelName, useFusedKernels } from '../src/kernels/registry';
import { relaxedSoftmaxReference } from '../src/kernels/relaxed-softmax';
import { Random } from '../src/random';
import { assertSame } from './same-bits';

const BACKENDS = availableBackends().filter((b) => b === 'cpu' || b === 'wasm');
const RUNS = { numRuns: 60, seed: 37, endOnFailure: true };

before(async () => { await initBackend(); });

/** An arbitrary coordinate: mostly inside (0, 1], sometimes 0, tiny, above 1, negative or non-finite. */
const coordinate = fc.oneof(
  { weight: 12, arbitrary: fc.double({ min: 1e-30, max: 1, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(0, -0, TINY, TINY / 4, 2, -0.5, NaN, Infinity, -Infinity) },
);

const problem = fc.record({
  K: fc.integer({ min: 2, max: 6 }),
  batch: fc.constantFrom<number[]>([], [2]),
  n: fc.integer({ min: 1, max: 30 }),
  temperature: fc.oneof(fc.double({ min: Math.log(0.01), max: Math.log(100), noNaN: true }).map(Math.exp), fc.constantFrom(0.01, 100)),
  scale: fc.constantFrom(1, 20, 1e3),
  drawn: fc.boolean(),
  seed: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
}).chain((p) => {
  const count = p.batch.reduce((a, b) => a * b, p.K);
  return fc.array(coordinate, { minLength: p.n * count, maxLength: p.n * count }).map((points) => ({ ...p, points }));
});

for (const backend of BACKENDS) {
  test(`${backend}: the fused Concrete log-density equals its reference bit for bit`, async () => {
    await initBackend(backend);
    let clamped = 0, nonFinite = 0;
    fc.assert(fc.property(problem, ({ K, batch, n, temperature, scale, drawn, seed, points }) => {
      const start = tf.memory().numTensors;
      tf.tidy(() => {
        const rng = new Random(seed);
        const logits = tf.mul(rng.gumbel([...batch, K]), scale);
        const alpha = tf.logSoftmax(logits);
        // Either the library's own draws (on the simplex, clamped where they underflow) or arbitrary points.
        const x = drawn ? relaxedSoftmaxReference(logits, rng.gumbel([n, ...batch, K]), temperature) : tf.tensor(points, [n, ...batch, K]);
        const ours = concreteLogDensity(alpha, x, temperature), reference = concreteLogDensityReference(alpha, x, temperature);
        assertSame('log-density', ours, reference);
        if (Array.from(x.dataSync()).includes(TINY)) clamped++;
        if (Array.from(reference.dataSync()).some((v) => !Number.isFinite(v))) nonFinite++;
      });
      assert.equal(tf.memory().numTensors, start, 'tensors left behind');
    }), RUNS);
    assert.ok(clamped >= 3 && nonFinite >= 3, `cases with clamped points: ${clamped}, with non-finite densities: ${nonFinite}`);
  });

  test(`${backend}: one kernel, the reference under autodiff (same gradient), and logProb unchanged`, async () => {
    await initBackend(backend);
    const start = tf.memory().numTensors;
    const logits = tf.tensor2d([[1, 2, 0, -1], [0.5, 0.5, -3, 2]]);
    const q = new RelaxedOneHotCategorical({ logits, temperature: 0.7 });
    const x = q.sample(200, 5);
    const names = (await tf.profile(() => { q.logProb(x).dispose(); })).kernels.map((k) => k.name);
    // After logProb's check of x and the normalised logits, the density is one kernel.
    assert.equal(names.at(-1), fusedKernelName('ConcreteLogDensity'), names.join(' '));
    tf.tidy(() => {
      const off = () => { const p = useFusedKernels(false); try { return q.logProb(x); } finally { useFusedKernels(p); } };
      assertSame('logProb', q.logProb(x), off());
      const objective = (l: tf.Tensor) => tf.sum(concreteLogDensity(tf.logSoftmax(l), x, 0.7)) as tf.Scalar;
      const reference = (l: tf.Tensor) => tf.sum(concreteLogDensityReference(tf.logSoftmax(l), x, 0.7)) as tf.Scalar;
      assertSame('gradient', tf.grad(objective)(logits), tf.grad(reference)(logits));
    });
    tf.dispose([x, logits]);
    q.dispose();
    assert.equal(tf.memory().numTensors, start);
  });
}
