/**
 * The training step of `trainVae` gives version 1's numbers bit for bit: its Adam, its
 * batches copied on the host, its guard and its objective's kernels changed (issue 15),
 * not one weight. Version 1 is written out in test/vae-step-reference.ts.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend';
import { Digits, PIXELS } from '../src/data/mnist';
import { Random } from '../src/random';
import { CategoricalVae, trainVae, vaeKlTerm, vaeObjective } from '../src/studies/categorical-vae';
import { meanAnalyticKL } from '../src/studies/categorical-vae/analytic-kl-mean';
import { dataLogLikelihood, meanNegativeLogLikelihood } from '../src/studies/categorical-vae/data-likelihood';
import { ADAM_LAYOUTS } from '../src/train/adam';
import { refusedBy } from './refused-by';
import { referenceObjective, referenceTraining } from './vae-step-reference';

before(async () => {
  await initBackend();
});

/** A network small enough for every backend, with every kind of layer the VAE has. */
const NETWORK = { numLatents: 5, numCategories: 4, hidden: [48] };
const BATCH = 25, STEPS = 15;

/** Binary images, about a third of the pixels ink. */
function digits(count: number, seed: number): Digits {
  const images = new Random(seed).uniformArray(count * PIXELS).map((u) => (u < 0.3 ? 1 : 0));
  return { images, labels: new Int32Array(count), count };
}

const weightsOf = (vae: CategoricalVae) => vae.variables().map((x) => Array.from(x.dataSync()));

for (const [estimator, numSamples] of [['st-gumbel-softmax', 1], ['gumbel-softmax', 3]] as const) {
  test(`trainVae (${estimator}, ${numSamples} sample${numSamples > 1 ? 's' : ''}) trains exactly as version 1 for ${STEPS} steps: every objective and every weight`, () => {
    const train = digits(STEPS * BATCH, 1);
    const ours = new CategoricalVae({ ...NETWORK, seed: 0 }), theirs = new CategoricalVae({ ...NETWORK, seed: 0 });
    const before = tf.memory().numTensors;
    const history = trainVae(ours, { train }, { estimator, kl: 'analytic', epochs: 1, batchSize: BATCH, numSamples, temperature: 0.7, seed: 4, recordEvery: 1 });
    assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
    const { losses } = referenceTraining(theirs, train, {
      estimator, numSamples, temperature: 0.7, batchSize: BATCH, steps: STEPS, seed: 4, batches: 'device', optimizer: 'tf.train.adam', objective: 'reference',
    });
    assert.deepEqual(history.map((r) => r.loss), losses);
    assert.deepEqual(weightsOf(ours), weightsOf(theirs));
    // Training moved the weights, so this compares two trained models.
    const untouched = new CategoricalVae({ ...NETWORK, seed: 0 });
    assert.notDeepEqual(weightsOf(ours), weightsOf(untouched));
    [ours, theirs, untouched].forEach((m) => m.dispose());
  });
}

test('each part of the new step alone gives version 1\'s weights too: every Adam layout, host batches, the library objective', () => {
  const train = digits(6 * BATCH, 2);
  const run = (changes: object) => {
    const vae = new CategoricalVae({ ...NETWORK, seed: 3 });
    referenceTraining(vae, train, {
      estimator: 'st-gumbel-softmax', temperature: 1, batchSize: BATCH, steps: 6, seed: 5, batches: 'device', optimizer: 'tf.train.adam', objective: 'reference', ...changes,
    });
    const w = weightsOf(vae);
    vae.dispose();
    return w;
  };
  const version1 = run({});
  for (const changes of [...ADAM_LAYOUTS.map((optimizer) => ({ optimizer })), { batches: 'host' }, { objective: 'library' }]) {
    assert.deepEqual(run(changes), version1, JSON.stringify(changes));
  }
});

test('vaeObjective gives the op-by-op objective and gradients exactly, with 1 and 3 samples', () => {
  const vae = new CategoricalVae({ ...NETWORK, seed: 6 });
  const x = tf.tensor2d(digits(BATCH, 7).images, [BATCH, PIXELS]);
  for (const estimator of ['st-gumbel-softmax', 'gumbel-softmax'] as const) {
    for (const numSamples of [1, 3]) {
      const read = (f: typeof referenceObjective) => tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => f(vae, x, { estimator, kl: 'analytic', temperature: 0.5, numSamples, rng: new Random(8) } as never), vae.variables());
        return [Array.from(value.dataSync()), ...vae.variables().map((v) => Array.from(grads[v.name].dataSync()))];
      });
      assert.deepEqual(read(vaeObjective as never), read(referenceObjective), `${estimator}, S = ${numSamples}`);
    }
  }
  x.dispose();
  vae.dispose();
});

test('meanAnalyticKL gives the mean of vaeKlTerm\'s analytic KL and its gradient exactly, beside another use of log π, also where π underflows or is 0', () => {
  const rng = new Random(14);
  const values = rng.normalArray(7 * 3 * 5).map((v) => 3 * v);
  values[0] = 200;           // the rest of this latent's classes underflow to π = 0 with finite log π
  values[5] = -3e38;         // with the next, log π = −3e38 − 3e38 = −∞: π exactly 0, log π held at float32's lowest
  values[6] = 3e38;
  const logits = tf.variable(tf.tensor3d(values, [7, 3, 5]));
  const weights = tf.tidy(() => rng.normal([7, 3, 5]));
  const read = (kl: (l: tf.Tensor3D, logPi: tf.Tensor3D) => tf.Tensor) => tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => {
      const logPi = tf.logSoftmax(logits) as tf.Tensor3D;
      // Another term reads log π too, as the objective's sampler does, so the gradients meet at the logits.
      return tf.add(tf.sum(tf.mul(weights, tf.maximum(logPi, -1e30))), kl(logits as tf.Tensor3D, logPi)) as tf.Scalar;
    }, [logits]);
    return [Array.from(value.dataSync()), Array.from(grads[logits.name].dataSync())];
  });
  const before = tf.memory().numTensors;
  const ours = read(meanAnalyticKL);
  const theirs = read((l) => tf.mean(vaeKlTerm(l, null, { kl: 'analytic' })));
  assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
  assert.deepEqual(ours, theirs);
  assert.ok(ours[1].every(Number.isFinite), 'finite gradients, also at π = 0');
  tf.dispose([logits, weights]);
});

test('dataLogLikelihood and meanNegativeLogLikelihood give logLikelihood\'s values and gradients exactly, and the gradient is x − σ(l) per datum', () => {
  const rng = new Random(9);
  const x = tf.tensor2d(digits(6, 10).images, [6, PIXELS]);
  const l = tf.variable(tf.tidy(() => tf.mul(rng.normal([6, PIXELS]), 4)));
  const weights = tf.tensor1d([1, -2, 0.5, 3, 0, 1e3]); // a different dy per datum
  const vae = new CategoricalVae({ ...NETWORK, seed: 0 });
  const read = (f: (x: tf.Tensor2D, l: tf.Tensor2D) => tf.Tensor) => tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(weights, f(x, l as tf.Tensor2D))) as tf.Scalar, [l]);
    return { value: Array.from(value.dataSync()), grad: Array.from(grads[l.name].dataSync()), perDatum: Array.from(f(x, l as tf.Tensor2D).dataSync()) };
  });
  const ours = read(dataLogLikelihood), theirs = read((a, b) => vae.logLikelihood(a, b));
  assert.deepEqual(ours, theirs);
  // The mean: against the tape's tf.mean(tf.neg(…)), at a loss scaled by a dy ≠ 1.
  const readMean = (f: (x: tf.Tensor2D, l: tf.Tensor2D) => tf.Tensor) => tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => tf.mul(f(x, l as tf.Tensor2D), 3.7) as tf.Scalar, [l]);
    return [Array.from(value.dataSync()), Array.from(grads[l.name].dataSync())];
  });
  assert.deepEqual(readMean(meanNegativeLogLikelihood), readMean((a, b) => tf.mean(tf.neg(vae.logLikelihood(a, b)))));
  // Against the formula written here: ∂/∂l_bd of Σ_b w_b log p(x_b | l_b) is w_b (x_bd − σ(l_bd)).
  const xs = x.dataSync(), ls = l.dataSync(), ws = weights.dataSync();
  ours.grad.forEach((g, i) => {
    const b = Math.floor(i / PIXELS), expected = ws[b] * (xs[i] - 1 / (1 + Math.exp(-ls[i])));
    // float32: σ carries a relative error of a few 2^−24, scaled by |w| ≤ 1e3.
    assert.ok(Math.abs(g - expected) <= 1e-6 * Math.abs(ws[b]) + 1e-30, `entry ${i}: ${g} against ${expected}`);
  });
  tf.dispose([x, l, weights]);
  vae.dispose();
});

test('trainVae refuses training images that do not hold count × 784 pixels, by name, before any tensor is made', () => {
  const vae = new CategoricalVae({ ...NETWORK, seed: 0 });
  const good = digits(4, 11);
  const options = { estimator: 'st-gumbel-softmax', kl: 'analytic', epochs: 1, batchSize: 2, seed: 0 } as const;
  refusedBy('trainVae', () => trainVae(vae, { train: { ...good, images: good.images.subarray(0, 3 * PIXELS) } }, options));
  refusedBy('trainVae', () => trainVae(vae, { train: { ...good, count: 2.5 } }, options));
  refusedBy('trainVae', () => trainVae(vae, { train: { ...good, count: 0 } }, options));
  vae.dispose();
});
