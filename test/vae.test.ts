import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend';
import { binarise, Digits, loadDigits, PIXELS, selectDigits, splitDigits } from '../src/data/mnist';
import { RelaxedOneHotCategorical } from '../src/distributions';
import { kl } from '../src';
import { Random } from '../src/random';
import {
  CategoricalVae, compareBounds, evaluateVae, imageRows, independentPixelBaseline, pairedDifference, reconstructDigits, samplePrior, trainVae,
  VAE_ESTIMATORS, VAE_KL_TERMS, vaeKlTerm, vaeObjective,
} from '../src/studies/categorical-vae';

let train: Digits, test_: Digits;
before(async () => {
  await initBackend();
  const split = splitDigits(binarise(loadDigits()), { testCount: 300, seed: 0 });
  train = selectDigits(split.train, Array.from({ length: 1000 }, (_, i) => i));
  test_ = split.test;
});

const TINY = { numLatents: 4, numCategories: 3, hidden: [32] };
const tiny = (seed = 0) => new CategoricalVae({ ...TINY, seed });

// Shapes and exact values.

test('encode gives [b, N, K] logits, decode [b, 784] pixel logits, logLikelihood [b]', () => {
  const vae = tiny();
  tf.tidy(() => {
    const x = tf.tensor2d(train.images.subarray(0, 5 * PIXELS), [5, PIXELS]);
    assert.deepEqual(vae.encode(x).shape, [5, 4, 3]);
    const z = tf.oneHot(tf.tensor2d([[0, 1, 2, 0], [1, 1, 1, 1], [2, 2, 0, 0], [0, 0, 0, 0], [1, 2, 0, 1]], [5, 4], 'int32'), 3);
    const l = vae.decode(tf.cast(z, 'float32'));
    assert.deepEqual(l.shape, [5, PIXELS]);
    assert.deepEqual(vae.decode(tf.reshape(tf.cast(z, 'float32'), [5, 12])).shape, [5, PIXELS]);
    assert.deepEqual(vae.logLikelihood(x, l).shape, [5]);
  });
  assert.equal(vae.numParameters, (784 * 32 + 32 + 32 * 12 + 12) + (12 * 32 + 32 + 32 * 784 + 784));
  vae.dispose();
});

test('logLikelihood is Σ_d log σ(±l_d), by hand, and stays finite at |l| = 100', () => {
  const vae = tiny();
  const got = tf.tidy(() => vae.logLikelihood(tf.tensor2d([[1, 0, 1]]), tf.tensor2d([[0.5, -2, 100]])).dataSync()[0]);
  const logSigmoid = (v: number) => -Math.log1p(Math.exp(-v));
  const want = logSigmoid(0.5) + logSigmoid(2) + logSigmoid(100);
  assert.ok(Math.abs(got - want) < 1e-5, `${got} vs ${want}`);
  const extreme = tf.tidy(() => vae.logLikelihood(tf.tensor2d([[0, 1]]), tf.tensor2d([[100, -100]])).dataSync()[0]);
  assert.ok(Math.abs(extreme + 200) < 1e-3, `${extreme}`);
  vae.dispose();
});

test('the analytic KL matches Σ_n Σ_k π log(π K) computed by hand', () => {
  const rows = [[[2, 0, -1], [0, 0, 0]], [[5, -5, 1], [0.3, 0.2, -4]]];
  const got = tf.tidy(() => Array.from(vaeKlTerm(tf.tensor3d(rows), null, { kl: 'analytic', temperature: 1 }).dataSync()));
  const want = rows.map((latents) => latents.reduce((sum, l) => {
    const z = l.reduce((a, v) => a + Math.exp(v), 0);
    return sum + l.reduce((a, v) => a + (Math.exp(v) / z) * Math.log((Math.exp(v) / z) * 3), 0);
  }, 0));
  got.forEach((g, i) => assert.ok(Math.abs(g - want[i]) < 1e-5, `${got} vs ${want}`));
  assert.equal(got[0] > 0 && Math.abs(tf.tidy(() => vaeKlTerm(tf.zeros([1, 2, 3]), null, { kl: 'analytic', temperature: 1 }).dataSync()[0])) < 1e-7, true);
});

test('the relaxed log-mass and Concrete KL at shared samples equal relaxedLogMassKL and concreteMonteCarloKL at the same noise', () => {
  tf.tidy(() => {
    const logits = tf.tensor3d([[[2, 0, -1], [0.5, 0.5, 0]]]), tau = 0.7;
    const y = new RelaxedOneHotCategorical({ logits, temperature: tau }).sample(1, 11); // [1, 1, 2, 3]
    const options = { numSamples: 1, seed: 11, temperature: tau };
    const oursLogMass = vaeKlTerm(logits, y, { kl: 'relaxed-log-mass', temperature: tau }).dataSync()[0];
    const libLogMass = tf.sum(kl.relaxedLogMass({ logits }, options)).dataSync()[0];
    assert.ok(Math.abs(oursLogMass - libLogMass) < 1e-5, `${oursLogMass} vs ${libLogMass}`);
    for (const priorTemperature of [tau, 0.4]) {
      const ours = vaeKlTerm(logits, y, { kl: 'concrete-monte-carlo', temperature: tau, priorTemperature }).dataSync()[0];
      const lib = tf.sum(kl.concreteMonteCarlo({ logits }, { ...options, priorTemperature })).dataSync()[0];
      assert.ok(Math.abs(ours - lib) < 1e-4, `λ = ${priorTemperature}: ${ours} vs ${lib}`);
    }
  });
});

// Estimators against exact enumeration.

test('REINFORCE (leave-one-out) averages to the exact encoder gradient; ST-GS and REINFORCE values are unbiased', () => {
  // One digit, one latent with K = 3: E_q[−log p(x|z)] + KL enumerates over three one-hot z.
  const vae = new CategoricalVae({ numLatents: 1, numCategories: 3, hidden: [8], seed: 3 });
  const x = tf.tensor2d(train.images.subarray(0, PIXELS), [1, PIXELS]);
  const encoderVars = vae.encoder.variables();
  const exact = tf.variableGrads(() => tf.tidy(() => {
    const logits = vae.encode(x);
    const pi = tf.reshape(tf.softmax(logits), [3]);
    const f = tf.neg(vae.logLikelihood(tf.tile(x, [3, 1]), vae.decode(tf.eye(3).reshape([3, 1, 3]))));
    return tf.add(tf.sum(tf.mul(pi, f)), tf.sum(vaeKlTerm(logits, null, { kl: 'analytic', temperature: 1 }))) as tf.Scalar;
  }), encoderVars);
  const rng = new Random(5);
  const estimate = tf.variableGrads(() => vaeObjective(vae, x, { estimator: 'reinforce', kl: 'analytic', temperature: 1, numSamples: 20_000, rng }), encoderVars);
  const flat = (g: tf.NamedTensorMap) => tf.tidy(() => tf.concat(Object.values(g).map((t) => t.reshape([-1]))));
  const [e, r] = [flat(exact.grads), flat(estimate.grads)];
  const relError = tf.tidy(() => tf.norm(tf.sub(e, r)).div(tf.norm(e)).dataSync()[0]);
  // 20 000 samples: the Monte Carlo error is a few per cent of ‖g‖ here; 10 % leaves room.
  assert.ok(relError < 0.1, `relative error ${relError}`);
  assert.ok(Math.abs(estimate.value.dataSync()[0] - exact.value.dataSync()[0]) < 0.05 * Math.abs(exact.value.dataSync()[0]));
  const st = tf.tidy(() => vaeObjective(vae, x, { estimator: 'st-gumbel-softmax', kl: 'analytic', temperature: 1, numSamples: 20_000, rng }).dataSync()[0]);
  assert.ok(Math.abs(st - exact.value.dataSync()[0]) < 0.05 * Math.abs(exact.value.dataSync()[0]), `${st} vs ${exact.value.dataSync()[0]}`);
  tf.dispose([x, e, r, exact.value, estimate.value, ...Object.values(exact.grads), ...Object.values(estimate.grads)]);
  vae.dispose();
});

// Evaluation.

test('evaluation: −IWAE ≤ −ELBO on average, more samples tighten the bound, per-digit bounds pair up', () => {
  const vae = tiny(1);
  trainVae(vae, { train }, { estimator: 'st-gumbel-softmax', kl: 'analytic', epochs: 1, batchSize: 50, seed: 2 });
  const e1 = evaluateVae(vae, test_, { numSamples: 1, seed: 3, count: 200 });
  const e50 = evaluateVae(vae, test_, { numSamples: 50, seed: 3, count: 200 });
  assert.ok(e50.negIwae <= e50.negElbo, `−IWAE ${e50.negIwae} > −ELBO ${e50.negElbo}`);
  assert.ok(e50.negIwae < e1.negIwae, `50 samples ${e50.negIwae} vs 1 sample ${e1.negIwae}`);
  // With one sample, IWAE is a one-sample Monte Carlo ELBO: within a few nats of the exact-KL ELBO.
  assert.ok(Math.abs(e1.negIwae - e50.negElbo) < 5, `${e1.negIwae} vs ${e50.negElbo}`);
  assert.ok(Math.abs(e50.negElbo - (e50.reconstruction + e50.kl)) < 1e-9 && e50.kl >= 0);
  // The per-digit bounds average to the totals, and a paired comparison of a model with itself is 0 ± 0.
  const mean = (a: Float64Array) => a.reduce((s, v) => s + v, 0) / a.length;
  assert.ok(Math.abs(mean(e50.perDigit.negElbo) - e50.negElbo) < 1e-6 && Math.abs(mean(e50.perDigit.negIwae) - e50.negIwae) < 1e-6);
  assert.deepEqual(compareBounds(e50, e50, 'negIwae'), { mean: 0, standardError: 0, count: 200 });
  // Paired over digits: one sample against fifty, the IWAE bound tightens by more than 3 standard errors.
  const tighter = compareBounds(e1, e50, 'negIwae');
  assert.ok(tighter.mean > 3 * tighter.standardError, `${tighter.mean} ± ${tighter.standardError}`);
  assert.equal(samplePrior(vae, { count: 3, seed: 0 }).length, 3 * PIXELS);
  const rec = reconstructDigits(vae, test_, { count: 2, seed: 0 });
  assert.ok(rec.length === 2 * PIXELS && rec.every((p) => p >= 0 && p <= 1));
  assert.equal(imageRows(rec, ['a', 'b'], { minInk: 0 }).length, 2 * PIXELS);
  vae.dispose();
});

test('pairedDifference by hand, and refuses unpaired or non-finite input', () => {
  const d = pairedDifference([160, 150, 170], [158, 149, 167]);
  // Differences 2, 1, 3: mean 2, sample sd 1, standard error 1/√3.
  assert.ok(d.mean === 2 && Math.abs(d.standardError - 1 / Math.sqrt(3)) < 1e-12 && d.count === 3, JSON.stringify(d));
  assert.throws(() => pairedDifference([1, 2], [1]), /pairedDifference: a and b must be arrays of the same length ≥ 2, but got \[2, 1\]/);
  assert.throws(() => pairedDifference([1, NaN], [1, 2]), /pairedDifference: a\[1\] − b\[1\] must be finite, but got NaN/);
});

test('independentPixelBaseline by hand, with Laplace smoothing keeping a never-seen pixel finite', () => {
  const digits = (rows: number[][]) => {
    const images = new Float32Array(rows.length * PIXELS);
    rows.forEach((on, i) => on.forEach((d) => { images[i * PIXELS + d] = 1; }));
    return { images, labels: new Int32Array(rows.length), count: rows.length };
  };
  // Training: pixel 0 on in 2 of 3 digits, pixel 1 in 1 of 3, every other pixel never.
  const base = independentPixelBaseline(digits([[0, 1], [0], []]), digits([[0, 5]]));
  const p = (c: number) => (c + 1) / 5;
  const want = -(Math.log(p(2)) + Math.log(1 - p(1)) + Math.log(p(0)) + (PIXELS - 3) * Math.log(1 - p(0)));
  assert.ok(Math.abs(base.negLogLikelihood - want) < 1e-9 && base.perDigit.length === 1, `${base.negLogLikelihood} vs ${want}`);
  const grey = digits([[0]]);
  grey.images[3] = 0.5;
  assert.throws(() => independentPixelBaseline(grey, grey), /independentPixelBaseline: train must be binary digits/);
});

// Training.

test('a few epochs of training lower the loss and the held-out bound', () => {
  const vae = tiny(4);
  const before = evaluateVae(vae, test_, { numSamples: 10, seed: 0, count: 200 });
  const h = trainVae(vae, { train, test: test_ }, { estimator: 'gumbel-softmax', kl: 'analytic', epochs: 2, batchSize: 50, seed: 5, temperature: 1, evalCount: 200 });
  assert.ok(h.at(-1)!.loss < h[0].loss - 50, `loss ${h[0].loss} → ${h.at(-1)!.loss}`);
  // The held-out bounds are recorded at each epoch's end, and only there.
  const ends = h.filter((r) => Number.isInteger(r.epoch));
  assert.deepEqual(ends.map((r) => r.epoch), [1, 2]);
  assert.ok(h.filter((r) => !Number.isInteger(r.epoch)).every((r) => Number.isNaN(r.heldOutNegElbo) && Number.isNaN(r.heldOutNegIwae)));
  assert.ok(ends.every((r) => r.heldOutNegIwae <= r.heldOutNegElbo + 1));
  assert.ok(ends[1].heldOutNegElbo < before.negElbo - 50, `held-out ${before.negElbo} → ${ends[1].heldOutNegElbo}`);
  vae.dispose();
});

test('every estimator and KL combination trains to finite values, with either REINFORCE baseline', () => {
  const small = selectDigits(train, Array.from({ length: 200 }, (_, i) => i));
  for (const estimator of VAE_ESTIMATORS) for (const kl of VAE_KL_TERMS) {
    if (estimator === 'vimco' && kl !== 'analytic') continue; // refused: VIMCO's bound holds the KL inside its weights
    const vae = tiny(6);
    const temperature = estimator === 'reinmax' ? 1 : 0.5;
    const h = trainVae(vae, { train: small }, { estimator, kl, epochs: 1, batchSize: 50, seed: 7, temperature, priorTemperature: 0.4 });
    assert.ok(h.length > 0 && h.every((r) => Number.isFinite(r.loss)), `${estimator} + ${kl}: ${h.map((r) => r.loss)}`);
    vae.dispose();
  }
  const vae = tiny(6);
  const h = trainVae(vae, { train: small }, { estimator: 'reinforce', kl: 'analytic', epochs: 1, batchSize: 50, seed: 7, baseline: 'moving-average', numSamples: 1 });
  assert.ok(h.every((r) => Number.isFinite(r.loss)));
  vae.dispose();
});

test('training is deterministic for a seed', () => {
  const run = () => {
    const vae = tiny(8);
    const h = trainVae(vae, { train }, { estimator: 'reinforce', kl: 'relaxed-log-mass', epochs: 1, batchSize: 100, seed: 9, temperature: 1 });
    vae.dispose();
    return h.map((r) => r.loss);
  };
  assert.deepEqual(run(), run());
});

test('no tensor leaks: numTensors is flat over many steps and back to its start after training', () => {
  const vae = tiny(10);
  const start = tf.memory().numTensors;
  const counts: number[] = [];
  for (const [estimator, kl] of [['reinforce', 'concrete-monte-carlo'], ['st-gumbel-softmax', 'analytic']] as const) {
    trainVae(vae, { train, test: test_ }, {
      estimator, kl, epochs: 2, batchSize: 20, seed: 11, recordEvery: 10, evalCount: 50,
      onRecord: () => counts.push(tf.memory().numTensors),
    });
    assert.equal(tf.memory().numTensors, start, `${estimator} + ${kl}`);
  }
  // Adam's moment estimates appear at the first step and then stay: every record sees the same count.
  assert.equal(new Set(counts.slice(0, counts.length / 2)).size, 1, `counts ${counts}`);
  evaluateVae(vae, test_, { numSamples: 5, seed: 0, count: 60 });
  assert.equal(tf.memory().numTensors, start);
  vae.dispose();
});

test('a step whose objective is NaN is refused before the update: the weights stay as they were, nothing leaks', () => {
  const vae = tiny(12);
  const poisoned = selectDigits(train, Array.from({ length: 100 }, (_, i) => i));
  poisoned.images.fill(NaN, 0, 50 * PIXELS); // NaN pixels in half the digits: every batch of 100 holds some
  const before = vae.variables().map((v) => Array.from(v.dataSync()));
  const start = tf.memory().numTensors;
  assert.throws(() => trainVae(vae, { train: poisoned }, { estimator: 'st-gumbel-softmax', kl: 'analytic', epochs: 1, seed: 0 }),
    /trainVae: the objective became NaN at step 0 \(estimator st-gumbel-softmax, kl analytic, τ = 1\); the step was refused, so the model keeps its weights from before it/);
  assert.equal(tf.memory().numTensors, start);
  vae.variables().forEach((v, i) => assert.deepEqual(Array.from(v.dataSync()), before[i], `variable ${i} changed`));
  // And the model still trains on clean digits afterwards.
  const h = trainVae(vae, { train }, { estimator: 'st-gumbel-softmax', kl: 'analytic', epochs: 1, batchSize: 100, seed: 0 });
  assert.ok(h.every((r) => Number.isFinite(r.loss)));
  vae.dispose();
});

// Errors name the function, the argument and the value.

test('bad configurations are refused with the function, argument and value named', () => {
  const vae = tiny();
  const base = { estimator: 'st-gumbel-softmax' as const, kl: 'analytic' as const, epochs: 1, seed: 0 };
  assert.throws(() => new CategoricalVae({ ...TINY, numCategories: 1, seed: 0 }), /CategoricalVae: numCategories must be a whole number ≥ 2, but got 1/);
  assert.throws(() => new CategoricalVae({ ...TINY, hidden: [32, 0], seed: 0 }), /CategoricalVae: hidden\[1\] must be a whole number ≥ 1, but got 0/);
  assert.throws(() => trainVae(vae, { train }, { ...base, estimator: 'rebar' as never }),
    /trainVae: estimator must be one of st-gumbel-softmax, gumbel-softmax, reinforce, straight-through, reinmax, gumbel-rao, vimco, but got "rebar"/);
  assert.throws(() => trainVae(vae, { train }, { ...base, kl: 'eq23' as never }), /trainVae: kl must be one of analytic, relaxed-log-mass, concrete-monte-carlo, but got "eq23"/);
  assert.throws(() => trainVae(vae, { train }, { ...base, temperature: 0 }), /trainVae: temperature must be a finite number > 0, but got 0/);
  assert.throws(() => trainVae(vae, { train }, { ...base, kl: 'concrete-monte-carlo', priorTemperature: -1 }), /trainVae: priorTemperature must be a finite number > 0, but got -1/);
  assert.throws(() => trainVae(vae, { train }, { ...base, estimator: 'reinforce', numSamples: 1 }), /trainVae: numSamples must be at least 2 for REINFORCE with the 'leave-one-out' baseline, but got 1/);
  assert.throws(() => trainVae(vae, { train }, { ...base, epochs: 1.5 }), /trainVae: epochs must be a whole number ≥ 1, but got 1.5/);
  assert.throws(() => trainVae(vae, { train }, { ...base, batchSize: 5000 }), /trainVae: batchSize must be at most the 1000 training digits, but got 5000/);
  assert.throws(() => trainVae(vae, { train }, { ...base, baseline: 'median' as never }), /trainVae: baseline must be 'leave-one-out' or 'moving-average', but got "median"/);
  assert.throws(() => evaluateVae(vae, test_, { numSamples: 0, seed: 0 }), /evaluateVae: numSamples must be a whole number ≥ 1, but got 0/);
  assert.throws(() => evaluateVae(vae, test_, { seed: 0, count: 301 }), /evaluateVae: count must be at most the 300 digits given, but got 301/);
  assert.throws(() => tf.tidy(() => vae.encode(tf.zeros([2, 10]) as tf.Tensor2D)), /CategoricalVae.encode: x must be a tensor of shape \[b, 784\], but got a tensor of shape \[2, 10\]/);
  assert.throws(() => tf.tidy(() => vaeKlTerm(tf.zeros([1, 2, 3]), null, { kl: 'concrete-monte-carlo', temperature: 1 })), /vaeKlTerm: y must be relaxed samples/);
  assert.throws(() => imageRows([0, 1], ['a']), /imageRows: images must be 1 pictures of 28·28 values \(784 in all\), but got "2 values"/);
  vae.dispose();
});
