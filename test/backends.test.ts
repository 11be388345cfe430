import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { availableBackends, backend, initBackend, type BackendName } from '../src/backend';
import { Random } from '../src/random';

// One seeded experiment, run on every backend: the draws come from our own Random,
// so they are bitwise the same everywhere, and the results may differ only by float
// rounding (float32 on all three, with different kernels and orders of summation).
const SEED = 2024;
const RTOL = 1e-4;
const ATOL = 1e-5;

type Results = Record<string, number[]>;

/** Softmax, logsumexp and matmul of seeded draws, and gradients through tf.grad. */
async function experiment(name: BackendName): Promise<Results> {
  assert.equal(await initBackend(name), name);
  assert.equal(backend(), name);
  const before = tf.memory().numTensors;
  const out = tf.tidy(() => {
    const rng = new Random(SEED);
    const logits = rng.normal([64, 5]);
    const gumbel = rng.gumbel([64, 5]);
    const weights = rng.normal([5, 7]);
    const target = rng.uniform([64, 5]);
    const tau = tf.scalar(0.5);
    const relaxed = (l: tf.Tensor) => tf.softmax(tf.div(tf.add(l, gumbel), tau));
    // A Gumbel-Softmax loss: d/dlogits goes through softmax, division and a matmul.
    const loss = (l: tf.Tensor) => tf.mean(tf.square(tf.sub(tf.matMul(relaxed(l), tf.matMul(weights, weights, false, true)), target)));
    return {
      draws: tf.concat([logits.flatten(), gumbel.flatten(), weights.flatten(), target.flatten()]),
      softmax: relaxed(logits),
      logsumexp: tf.logSumExp(logits, 1),
      matmul: tf.matMul(logits, weights),
      lossValue: loss(logits),
      gradLoss: tf.grad(loss)(logits),
      gradLogsumexp: tf.grad((l: tf.Tensor) => tf.sum(tf.logSumExp(l, 1)))(logits),
    };
  });
  const results: Results = {};
  for (const [key, t] of Object.entries(out)) results[key] = Array.from(await t.data());
  tf.dispose(out);
  assert.equal(tf.memory().numTensors, before, `${name}: the experiment leaks no tensors`);
  return results;
}

function assertClose(name: string, actual: Results, expected: Results): void {
  assert.deepEqual(Object.keys(actual), Object.keys(expected));
  // The draws are uploaded, not computed: they must be identical.
  assert.deepEqual(actual.draws, expected.draws, `${name}: the seeded draws differ`);
  for (const key of Object.keys(expected)) {
    const a = actual[key], e = expected[key];
    assert.equal(a.length, e.length, `${name}: ${key} has ${a.length} values, cpu ${e.length}`);
    for (let i = 0; i < e.length; i++) {
      assert.ok(Number.isFinite(a[i]), `${name}: ${key}[${i}] = ${a[i]} is not finite`);
      const err = Math.abs(a[i] - e[i]);
      assert.ok(err <= ATOL + RTOL * Math.abs(e[i]),
        `${name}: ${key}[${i}] = ${a[i]}, cpu gives ${e[i]} (difference ${err})`);
    }
  }
}

const loaded = availableBackends();
let reference: Results | undefined;
const cpuResults = async () => (reference ??= await experiment('cpu'));

after(async () => { await initBackend(); });

test('the seeded experiment gives sensible results on the cpu backend', async () => {
  const r = await cpuResults();
  // Each softmax row sums to one; the logsumexp gradient is the softmax of the logits.
  for (let row = 0; row < 64; row++) {
    const sum = r.softmax.slice(row * 5, row * 5 + 5).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - 1) < 1e-5, `softmax row ${row} sums to ${sum}`);
  }
  const softmaxOfLogits = tf.tidy(() => Array.from(tf.softmax(tf.tensor(r.draws.slice(0, 320), [64, 5])).dataSync()));
  for (let i = 0; i < 320; i++) assert.ok(Math.abs(r.gradLogsumexp[i] - softmaxOfLogits[i]) < 1e-6);
  assert.ok(r.gradLoss.some((g) => g !== 0), 'the loss has a non-zero gradient');
});

test('wasm gives the same results as cpu within float tolerance', async () => {
  assert.ok(loaded.includes('wasm'), 'the wasm backend ships with the npm package and must load');
  assertClose('wasm', await experiment('wasm'), await cpuResults());
});

test('tensorflow (tfjs-node) gives the same results as cpu within float tolerance', {
  skip: loaded.includes('tensorflow') ? false
    : '@tensorflow/tfjs-node does not load on this machine (bash scripts/setup-tfjs-node.sh builds it); the library runs on wasm',
}, async () => {
  assertClose('tensorflow', await experiment('tensorflow'), await cpuResults());
});
