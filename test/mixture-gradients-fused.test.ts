/**
 * The Gaussian mixture's fused kernels (src/studies/gaussian-mixture/fused-*.ts) against
 * the op-by-op steps of ./chain-rule on cpu and wasm, bit for bit (NaN equal to NaN, +0
 * distinct from −0): on random shapes and values well beyond the model's (rows that are
 * not [X, one-hot], weights up to ±30 so that σ overflows, NaN and ±∞ upstream
 * gradients, a noise variance of 0), every output of every pass. And the kernels each
 * estimate dispatches, counted with tf.profile.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { availableBackends, initBackend } from '../src/backend';
import { fusedKernelName, useFusedKernels } from '../src/kernels/registry';
import { Random } from '../src/random';
import { bucketExpectation, logProbGradient, meanSquareBackward, meanSquarePass } from '../src/studies/gaussian-mixture/chain-rule';
import { elementaryMixtureGradient, gumbelSoftmaxMixtureGradient, scoreFunctionMixtureGradient } from '../src/studies/gaussian-mixture/gradients';
import { GaussianMixtureModel } from '../src/studies/gaussian-mixture/model';

const BACKENDS = availableBackends().filter((b) => b === 'cpu' || b === 'wasm');
const RUNS = { numRuns: 40, seed: 41, endOnFailure: true };

before(async () => { await initBackend(); });

/** The first entry where two tensors differ (Object.is), as a message, or null. */
function difference(what: string, ours: tf.Tensor | undefined, reference: tf.Tensor | undefined): string | null {
  if (ours === undefined || reference === undefined) return ours === reference ? null : `${what}: one side is missing`;
  if (ours.shape.join() !== reference.shape.join()) return `${what}: shape ${ours.shape} vs ${reference.shape}`;
  const a = ours.dataSync(), b = reference.dataSync();
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return `${what}[${i}]: ${a[i]} vs ${b[i]}`;
  return null;
}

/** Runs `f` with the fused kernels on, then off, and returns both results. */
function bothWays<T>(f: () => T): [T, T] {
  const previous = useFusedKernels(true);
  try {
    const fused = f();
    useFusedKernels(false);
    return [fused, f()];
  } finally {
    useFusedKernels(previous);
  }
}

/**
 * A problem: shapes, and the seed of its ordinary values (normal draws: fast-check's own
 * doubles lean towards 0 and the bounds, where every rounding is exact), with a few
 * special values put in at random places: NaN, ±∞, ±0, and ±30 (exp(30)² overflows).
 */
const problem = fc.record({
  m: fc.integer({ min: 1, max: 120 }),
  K: fc.integer({ min: 2, max: 6 }),
  // D + K above 48 as well: tfjs-backend-cpu's BatchMatMul sums the inner axis in blocks of 48.
  dim: fc.oneof(fc.integer({ min: 1, max: 4 }), fc.constant(53)),
  seed: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  zeroVariance: fc.boolean(),
  divisor: fc.constantFrom(1, 3, 100),
  scalarWeight: fc.boolean(),
  specials: fc.array(fc.record({
    where: fc.constantFrom('weights', 'upstream'),
    at: fc.nat(),
    value: fc.constantFrom(NaN, Infinity, -Infinity, 0, -0, 30, -30),
  }), { maxLength: 2 }),
});

/** The problem's values: parameters [2W + 2 + K] (A, C, B, D, logP), upstream gradients [m], noise moments and the rows. */
function valuesOf({ m, K, dim, seed, zeroVariance, specials }: { m: number; K: number; dim: number; seed: number; zeroVariance: boolean; specials: { where: string; at: number; value: number }[] }) {
  const rng = new Random(seed);
  const weights = Array.from(rng.normalArray(2 * (dim + K) + 2 + K));
  const upstream = Array.from(rng.normalArray(m), (x) => 2 * x);
  for (const { where, at, value } of specials) {
    const target = where === 'weights' ? weights : upstream;
    target[at % target.length] = value;
  }
  const [mean, spread] = rng.normalArray(2);
  return { rng, weights, upstream, mean: 0.1 * mean, variance: zeroVariance ? 0 : 1 + 0.1 * spread };
}

for (const backend of BACKENDS) {
  test(`${backend}: the fused passes equal the op-by-op passes, bit for bit, on random inputs`, async () => {
    await initBackend(backend);
    let finite = 0, nonFinite = 0;
    fc.assert(fc.property(problem, (p) => {
      const { m, K, dim, divisor, scalarWeight } = p;
      const { rng, weights, upstream, mean, variance } = valuesOf(p);
      const model = new GaussianMixtureModel({ seed: 1, buckets: K, dim });
      const W = dim + K;
      model.params.A.assign(tf.tensor2d(weights.slice(0, W), [W, 1]));
      model.params.C.assign(tf.tensor2d(weights.slice(W, 2 * W), [W, 1]));
      model.params.B.assign(tf.tensor1d([weights[2 * W]]));
      model.params.D.assign(tf.tensor1d([weights[2 * W + 1]]));
      model.params.logP.assign(tf.tensor2d(weights.slice(2 * W + 2), [1, K]));
      const start = tf.memory().numTensors;
      tf.tidy(() => {
        const inputs = rng.normal([m, W]) as tf.Tensor2D;
        const buckets = tf.oneHot(tf.tensor1d(Array.from({ length: m }, () => rng.integer(K)), 'int32'), K).toFloat() as tf.Tensor2D;
        const df = scalarWeight ? tf.scalar(upstream[0]) : tf.tensor2d(upstream, [m, 1]);
        const noise = { mean, variance };
        const [fused, reference] = bothWays(() => {
          const pass = meanSquarePass(model, inputs, noise, true);
          const withBuckets = meanSquareBackward(model, pass, df, divisor, true);
          const without = meanSquareBackward(model, pass, df, divisor, false);
          const f = pass.f.slice([0, 0], [Math.min(m, K), 1]) as tf.Tensor2D;
          const expectation = bucketExpectation(model.params.logP.slice([0, 0], [1, f.shape[0]]), f);
          const logP = logProbGradient(model.params.logP, buckets, pass.f, m);
          return { pass, withBuckets, without, expectation, logP };
        });
        const checks: [string, tf.Tensor | undefined, tf.Tensor | undefined][] = [
          ...(['mu', 'sigma', 'centre', 'f', 'meanF'] as const).map((k) => [k, fused.pass[k], reference.pass[k]] as [string, tf.Tensor | undefined, tf.Tensor | undefined]),
          ...(['A', 'B', 'C', 'D', 'buckets'] as const).map((k) => [`d${k}`, fused.withBuckets[k], reference.withBuckets[k]] as [string, tf.Tensor | undefined, tf.Tensor | undefined]),
          ...(['A', 'B', 'C', 'D'] as const).map((k) => [`d${k} without buckets`, fused.without[k], reference.without[k]] as [string, tf.Tensor | undefined, tf.Tensor | undefined]),
          ['expectation', fused.expectation.value, reference.expectation.value],
          ['expectation dlogP', fused.expectation.logP, reference.expectation.logP],
          ['expectation P', fused.expectation.probs, reference.expectation.probs],
          ['log-prob dlogP', fused.logP, reference.logP],
        ];
        for (const [what, ours, theirs] of checks) {
          const where = difference(what, ours, theirs);
          assert.equal(where, null, where ?? '');
        }
        if (checks.every(([, ours]) => ours === undefined || ours.dataSync().every(Number.isFinite))) finite++;
        else nonFinite++;
      });
      assert.equal(tf.memory().numTensors, start, 'tensors left behind');
      model.dispose();
    }), RUNS);
    // The property reached both kinds of case: all outputs finite (where every rounding shows), and NaN or ±∞.
    assert.ok(finite >= RUNS.numRuns / 2 && nonFinite >= 3, `${finite} finite cases, ${nonFinite} with NaN or ±∞`);
  });

  test(`${backend}: the kernels each estimate dispatches`, async () => {
    await initBackend(backend);
    const model = new GaussianMixtureModel({ seed: 1 });
    const kernels = async (f: () => unknown) => (await tf.profile(() => { f(); })).kernels.map((k) => k.name);
    const names = (...short: string[]) => short.map(fusedKernelName);
    assert.deepEqual(await kernels(() => elementaryMixtureGradient(model, { numNoise: 10, seed: 1 })),
      names('MixtureMeanSquare', 'MixtureExpectation', 'MixtureMeanSquareGrad'));
    assert.deepEqual(await kernels(() => scoreFunctionMixtureGradient(model, { numSamples: 10, numNoise: 10, seed: 1 })),
      names('MixtureMeanSquare', 'MixtureMeanSquareGrad', 'MixtureLogProbGrad'));
    // The relaxed sampler's kernels are its own; the mixture adds its two passes and nothing else but autodiff's copies.
    const relaxed = await kernels(() => gumbelSoftmaxMixtureGradient(model, { numSamples: 10, numNoise: 10, seed: 1, temperature: 0.5 }));
    for (const name of names('MixtureMeanSquare', 'MixtureMeanSquareGrad')) assert.equal(relaxed.filter((k) => k === name).length, 1, relaxed.join(' '));
    for (const name of ['BatchMatMul', 'Tile', 'Concat', 'Mean', 'RealDiv']) assert.ok(!relaxed.includes(name), relaxed.join(' '));
    model.dispose();
  });
}
