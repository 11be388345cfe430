/**
 * The fused Concrete Monte Carlo kernel (src/kernels/concrete-monte-carlo.ts) against its
 * op-by-op reference: the same float32 values, bit for bit, on cpu (where it runs, in
 * WebAssembly and in its JavaScript loop) and on wasm (where the separately fused sampler
 * and density run), on random shapes, batches, priors, temperatures from 0.01 to 100 and
 * logits up to ±1000 (clamped coordinates included); the estimators' values with the
 * kernel and op by op; the reference under autodiff; and no tensor left behind.
 * float32Exp and float32Log, in JavaScript and WebAssembly, equal Math.fround of Math.exp
 * and Math.log on edge values and on a regular sample of every float32 binade they take
 * fast (bench/float32-exp-log-exhaustive.ts checks every float32 there).
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { availableBackends, initBackend } from '../src/backend';
import { entropy, kl } from '../src/index';
import { concreteMeanLogRatio, concreteMeanLogRatioReference } from '../src/kernels/concrete-monte-carlo';
import { concreteRowsKernel, useWasmConcreteRows } from '../src/kernels/concrete-monte-carlo-wasm';
import { float32Exp, float32Log } from './float32-exp-log';
import { fusedKernelName, useFusedKernels } from '../src/kernels/registry';
import { Random } from '../src/random';
import { assertSame } from './same-bits';

const BACKENDS = availableBackends().filter((b) => b === 'cpu' || b === 'wasm');
const RUNS = { numRuns: 40, seed: 41, endOnFailure: true };

before(async () => { await initBackend(); });

/**
 * How the prior is given: none (an entropy), one row [K], one row with a leading 1, one per
 * batch entry, or one per entry of the batch's last axis (the JavaScript loop's case).
 */
type PriorShape = 'none' | 'row' | 'leading one' | 'per entry' | 'last axis';

const problem = fc.record({
  K: fc.integer({ min: 2, max: 7 }),
  batch: fc.constantFrom<number[]>([], [3], [2, 2]),
  n: fc.integer({ min: 1, max: 41 }),
  temperature: fc.oneof(fc.double({ min: Math.log(0.01), max: Math.log(100), noNaN: true }).map(Math.exp), fc.constantFrom(0.01, 100)),
  priorTemperature: fc.double({ min: Math.log(0.05), max: Math.log(20), noNaN: true }).map(Math.exp),
  scale: fc.constantFrom(1, 20, 1e3),
  prior: fc.constantFrom<PriorShape>('none', 'row', 'leading one', 'per entry', 'last axis'),
  seed: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
});

/** The inputs of one case, made in the caller's tidy scope. */
function inputs({ K, batch, n, scale, prior, seed }: { K: number; batch: number[]; n: number; scale: number; prior: PriorShape; seed: number }) {
  const rng = new Random(seed);
  const logits = tf.mul(rng.gumbel([...batch, K]), scale);
  const priorShape = prior === 'row' ? [K] : prior === 'leading one' ? [1, K] : prior === 'last axis' ? [...batch.slice(-1), K] : [...batch, K];
  return {
    logits, logPi: tf.logSoftmax(logits), noise: rng.gumbel([n, ...batch, K]),
    logPrior: prior === 'none' ? null : tf.logSoftmax(tf.mul(rng.gumbel(priorShape), 3)),
  };
}

for (const backend of BACKENDS) {
  const loops = backend === 'cpu' ? [true, false] : [true];
  for (const wasmLoop of loops) {
    const what = backend === 'cpu' ? (wasmLoop ? ' (its WebAssembly loop)' : ' (its JavaScript loop)') : '';
    test(`${backend}: the fused Concrete mean log-ratio${what} equals its op-by-op reference bit for bit`, async () => {
      await initBackend(backend);
      const previous = useWasmConcreteRows(wasmLoop);
      try {
        let clamped = 0;
        fc.assert(fc.property(problem, (p) => {
          const start = tf.memory().numTensors;
          tf.tidy(() => {
            const { logits, logPi, noise, logPrior } = inputs(p);
            const args = [logits, noise, logPi, logPrior, p.temperature, p.priorTemperature] as const;
            assertSame('mean log-ratio', concreteMeanLogRatio(...args), concreteMeanLogRatioReference(...args));
            if (p.temperature < 0.05 && p.scale > 1) clamped++;
          });
          assert.equal(tf.memory().numTensors, start, 'tensors left behind');
        }), RUNS);
        assert.ok(clamped >= 2, `cases at low temperature with large logits: ${clamped}`);
      } finally {
        useWasmConcreteRows(previous);
      }
    });
  }

  test(`${backend}: entropy.concreteMonteCarlo and kl.concreteMonteCarlo give the op-by-op numbers`, async () => {
    await initBackend(backend);
    const logits = [[Math.log(0.5), Math.log(0.25), Math.log(0.125), Math.log(0.125)], [3, -1, 0, 0.5]];
    for (const temperature of [10, 1, 0.1]) {
      const options = { numSamples: 3000, seed: 7, temperature };
      const estimates = () => [
        entropy.concreteMonteCarlo({ logits }, options),
        kl.concreteMonteCarlo({ logits }, { ...options, priorTemperature: 0.5 }),
        kl.concreteMonteCarlo({ logits, priorLogits: [1, 0, 2, 0] }, options),
      ];
      const start = tf.memory().numTensors;
      const fused = estimates();
      const previous = useFusedKernels(false);
      const reference = (() => { try { return estimates(); } finally { useFusedKernels(previous); } })();
      fused.forEach((t, i) => assertSame(`estimate ${i} at τ = ${temperature}`, t, reference[i]));
      tf.dispose([...fused, ...reference]);
      assert.equal(tf.memory().numTensors, start);
    }
  });
}

test('cpu: the estimate is one kernel after the checks, and under autodiff the reference runs with its gradient', async () => {
  await initBackend('cpu');
  const logits = tf.tensor1d([1, 2, 0, -1]);
  const options = { numSamples: 200, seed: 3, temperature: 0.7 };
  const names = (await tf.profile(() => { entropy.concreteMonteCarlo({ logits }, options).dispose(); })).kernels.map((k) => k.name);
  assert.ok(names.includes(fusedKernelName('ConcreteMeanLogRatio')), names.join(' '));
  assert.ok(!names.includes(fusedKernelName('RelaxedSoftmax')) && !names.includes('Mean'), names.join(' '));
  const start = tf.memory().numTensors;
  tf.tidy(() => {
    const noise = new Random(4).gumbel([200, 4]);
    const objective = (f: typeof concreteMeanLogRatio) => (l: tf.Tensor) => f(l, noise, tf.logSoftmax(l), null, 0.7, 0.7) as tf.Scalar;
    assertSame('gradient', tf.grad(objective(concreteMeanLogRatio))(logits), tf.grad(objective(concreteMeanLogRatioReference))(logits));
  });
  assert.equal(tf.memory().numTensors, start);
  logits.dispose();
});

// ── float32Exp and float32Log ───────────────────────────────────────────────

/** Every `stride`-th float32 between the bit patterns `from` and `to` (as signed 32-bit integers), and the ends. */
function floatsBetween(from: number, to: number, stride: number): Float32Array {
  const bits = new Int32Array(Math.floor((to - from) / stride) + 2);
  for (let i = 0; i < bits.length - 1; i++) bits[i] = from + i * stride;
  bits[bits.length - 1] = to;
  return new Float32Array(bits.buffer);
}

const EDGES = [0, -0, 1, -1, 2 ** -126, 2 ** -149, -(2 ** -149), 2 ** -127, 0.5, 1 - 2 ** -24, 1 + 2 ** -23, Math.SQRT1_2, Math.SQRT2,
  -103, -103.5, -87.33654, -104, -200, 88, 89, 3.4e38, -3.4e38, Infinity, -Infinity, NaN, 1e-30, 0.1, -0.1, 1e-8, -1e-8].map(Math.fround);

/** The arguments checked: the edges, and every 509th float32 of the fast ranges (exp: [−104, 0]; log: [2^−126, 2^20]). */
const EXP_ARGUMENTS = Float32Array.from([...EDGES, ...floatsBetween(0x80000000 | 0, 0xc2d00000 | 0, 509)]);
const LOG_ARGUMENTS = Float32Array.from([...EDGES, ...floatsBetween(0x00800000, 0x49800000, 509)]);

function assertAll(what: string, values: ArrayLike<number>, ours: (i: number) => number, reference: (x: number) => number): void {
  let bad = -1;
  for (let i = 0; i < values.length && bad < 0; i++) if (!Object.is(ours(i), reference(values[i]))) bad = i;
  assert.equal(bad, -1, `${what}(${values[bad]}) = ${ours(bad)}, Math gives ${reference(values[bad])}`);
}

test('float32Exp and float32Log equal Math.fround of Math.exp and Math.log', () => {
  const exp = (x: number) => Math.fround(Math.exp(x)), log = (x: number) => Math.fround(Math.log(x));
  assertAll('float32Exp', EXP_ARGUMENTS, (i) => float32Exp(EXP_ARGUMENTS[i]), exp);
  assertAll('float32Log', LOG_ARGUMENTS, (i) => float32Log(LOG_ARGUMENTS[i]), log);
  // Not float32 values: Math's own, rounded.
  for (const x of [0.1, Math.PI, 1 / 3]) assert.equal(float32Log(x), log(x));
  for (const y of [-0.1, -Math.PI, 0.5, 1e3]) assert.equal(float32Exp(y), exp(y));
});

test('the WebAssembly loop\'s exp and log equal Math.fround of Math.exp and Math.log, NaN for NaN', () => {
  const wasm = concreteRowsKernel();
  assert.ok(wasm !== null, 'the WebAssembly module compiles under Node');
  const exps = wasm.map(EXP_ARGUMENTS, false), logs = wasm.map(LOG_ARGUMENTS, true);
  // (NaN's payload may differ: Object.is treats every NaN as the same.)
  assertAll('exp4', EXP_ARGUMENTS, (i) => exps[i], (x) => Math.fround(Math.exp(x)));
  assertAll('log4', LOG_ARGUMENTS, (i) => logs[i], (x) => Math.fround(Math.log(x)));
});
