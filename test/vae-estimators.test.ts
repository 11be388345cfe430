/**
 * The VAE's newer estimators: straight-through, ReinMax, Gumbel-Rao, RLOO and VIMCO.
 * Shapes and leaks, named errors, agreement with the library's estimators at the same
 * draws, and their means against truths computed by enumerating a VAE of 2 latents with
 * 3 classes (9 codes): the exact gradient for the unbiased pair, the enumerated
 * expectation of the backward pass for straight-through and ReinMax, and the
 * ST-Gumbel-Softmax mean for Gumbel-Rao.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend';
import { binarise, Digits, loadDigits, PIXELS, selectDigits, splitDigits } from '../src/data/mnist';
import { discreteSample } from '../src/distributions/exact-draws';
import { gumbelRao, reinmax, straightThroughEstimator } from '../src/estimators';
import { softmaxVjp } from '../src/estimators/softmax-jacobian';
import { Random } from '../src/random';
import {
  CategoricalVae, exactVaeBound, exactVaeBoundGradient, gumbelRaoCodes, multiSampleBound,
  reinmaxCodes, straightThroughCodes, trainVae, VaeEstimator, vaeKlTerm, vaeObjective, vimcoLearningSignals,
} from '../src/studies/categorical-vae';
import { exactNegativeElbo } from '../src/studies/relaxed-entropy';

let train: Digits, digit: Float32Array;
before(async () => {
  await initBackend();
  const split = splitDigits(binarise(loadDigits()), { testCount: 300, seed: 0 });
  train = selectDigits(split.train, Array.from({ length: 200 }, (_, i) => i));
  digit = split.test.images.slice(0, PIXELS);
});

const N = 2, K = 3;
const enumerable = (seed = 3) => new CategoricalVae({ numLatents: N, numCategories: K, hidden: [8], seed });
const NEW_ESTIMATORS: { estimator: VaeEstimator; numSamples: number; temperature: number }[] = [
  { estimator: 'straight-through', numSamples: 1, temperature: 1 },
  { estimator: 'reinmax', numSamples: 1, temperature: 1.5 },
  { estimator: 'gumbel-rao', numSamples: 2, temperature: 0.5 },
  { estimator: 'reinforce', numSamples: 3, temperature: 1 },
  { estimator: 'vimco', numSamples: 3, temperature: 1 },
];

// Shapes, values, leaks.

test('each new estimator gives a finite objective and a gradient for every weight, shaped like it, leaking nothing', () => {
  const vae = enumerable();
  const x = tf.tensor2d(train.images.subarray(0, 4 * PIXELS), [4, PIXELS]);
  for (const o of NEW_ESTIMATORS) {
    const start = tf.memory().numTensors;
    const { value, grads } = tf.variableGrads(() => vaeObjective(vae, x, { ...o, kl: 'analytic', rng: new Random(1) }), vae.variables());
    const v = value.dataSync()[0];
    assert.ok(Number.isFinite(v) && v > 0, `${o.estimator}: objective ${v}`);
    for (const variable of vae.variables()) {
      const g = grads[variable.name];
      assert.deepEqual(g.shape, variable.shape, o.estimator);
      assert.ok(g.dataSync().every(Number.isFinite), `${o.estimator}: a gradient entry is not finite`);
    }
    tf.dispose([value, ...Object.values(grads)]);
    assert.equal(tf.memory().numTensors, start, `${o.estimator} leaked`);
  }
  x.dispose();
  vae.dispose();
});

test('the code ops return exactly the samples they are given, and the same seed gives the same objective', () => {
  tf.tidy(() => {
    const logits = tf.tensor3d([[[1, 0, -1], [0.2, 0.1, 0]]]);
    const z = discreteSample('categorical', logits, 4, new Random(2));
    for (const codes of [straightThroughCodes(logits, z, 1), reinmaxCodes(logits, z, 1), gumbelRaoCodes(logits, z, 0.5, new Random(3).uniform([5, 4, 1, 2, 3]))]) {
      assert.deepEqual(Array.from(codes.dataSync()), Array.from(z.dataSync()));
    }
  });
  const vae = enumerable();
  const x = tf.tensor2d(train.images.subarray(0, 3 * PIXELS), [3, PIXELS]);
  for (const o of NEW_ESTIMATORS) {
    const run = () => tf.tidy(() => vaeObjective(vae, x, { ...o, kl: 'analytic', rng: new Random(9) }).dataSync()[0]);
    assert.equal(run(), run(), o.estimator);
  }
  x.dispose();
  vae.dispose();
});

test('VIMCO: the bound and the learning signals by hand; the best sample gets the largest signal', () => {
  const [signals, bound] = tf.tidy(() => {
    const logW = tf.tensor2d([[-100], [-102], [-101]]);
    return [Array.from(vimcoLearningSignals(logW).dataSync()), multiSampleBound(logW).dataSync()[0]];
  }) as [number[], number];
  const lw = [-100, -102, -101];
  const lse = (v: number[]) => { const m = Math.max(...v); return m + Math.log(v.reduce((a, x) => a + Math.exp(x - m), 0)); };
  assert.ok(Math.abs(bound - (lse(lw) - Math.log(3))) < 1e-4);
  lw.forEach((_, s) => {
    const others = lw.filter((__, i) => i !== s);
    const replaced = [...others, others.reduce((a, v) => a + v, 0) / others.length];
    const want = bound - (lse(replaced) - Math.log(3));
    assert.ok(Math.abs(signals[s] - want) < 1e-4, `sample ${s}: ${signals[s]} vs ${want}`);
  });
  assert.ok(signals[0] > signals[2] && signals[2] > signals[1], `the best sample gets the largest signal: ${signals}`);
});

// Agreement with the library's estimators, which take a loss of the sample.

test('straightThroughCodes, reinmaxCodes and gumbelRaoCodes give the gradients of the library estimators at the same draws', () => {
  const target = tf.tensor3d([[[0.1, 0.7, 0.2], [0.5, 0.25, 0.25]]]);
  const loss = (y: tf.Tensor) => tf.sum(tf.mul(tf.square(tf.sub(y, target)), tf.tensor1d([1, 2, 3])), [1, 2, 3]);
  const logits = tf.tensor3d([[[0.4, -0.3, 1.2], [0, 0.5, -1]]]);
  const n = 6, m = 4;
  const cases = [
    { name: 'straight-through', temperature: 0.7, library: () => straightThroughEstimator({ logits, family: 'categorical', loss }, { numSamples: n, seed: 5, temperature: 0.7 }).grad,
      ours: (l: tf.Tensor, rng: Random) => straightThroughCodes(l, discreteSample('categorical', logits, n, rng), 0.7) },
    { name: 'reinmax', temperature: 1.3, library: () => reinmax({ logits, family: 'categorical', loss }, { numSamples: n, seed: 5, temperature: 1.3 }).grad,
      ours: (l: tf.Tensor, rng: Random) => reinmaxCodes(l, discreteSample('categorical', logits, n, rng), 1.3) },
    { name: 'gumbel-rao', temperature: 0.5, library: () => gumbelRao({ logits, family: 'categorical', loss }, { numSamples: n, seed: 5, temperature: 0.5, conditionalSamples: m }).grad,
      ours: (l: tf.Tensor, rng: Random) => {
        const z = discreteSample('categorical', logits, n, rng);
        return gumbelRaoCodes(l, z, 0.5, rng.uniform([m, ...z.shape]));
      } },
  ];
  for (const c of cases) {
    const [want, got] = tf.tidy(() => {
      const rng = new Random(5);
      const g = tf.grad((l: tf.Tensor) => tf.mean(loss(c.ours(l, rng))))(logits);
      return [Array.from(c.library().dataSync()), Array.from(g.dataSync())];
    });
    const scale = Math.max(...want.map(Math.abs));
    assert.ok(scale > 0.05, `${c.name}: the gradient is too small to compare (${scale})`);
    want.forEach((w, i) => assert.ok(Math.abs(w - got[i]) < 1e-5 * Math.max(1, scale), `${c.name}[${i}]: ${got[i]} vs the library's ${w}`));
  }
  tf.dispose([target, logits]);
});

// Means against the truth on an enumerable VAE. One digit in 400 copies per call gives
// 400 independent estimates; 12 calls give the standard error of their mean.

const COPIES = 400, REPEATS = 12;
/** The last N·K entries of the encoder's gradient belong to its output bias: ∂/∂logits of the digit. */
const logitPart = (a: ArrayLike<number>) => Array.from(a).slice(-N * K);

/** Per entry, the mean of REPEATS gradient estimates of one network's weights and the standard error of that mean. */
interface Average { mean: number[]; se: number[] }

function averaged(vae: CategoricalVae, estimator: VaeEstimator, numSamples: number, temperature: number, seed: number): { encoder: Average; decoder: Average } {
  const x = tf.tile(tf.tensor2d(digit, [1, PIXELS]), [COPIES, 1]) as tf.Tensor2D;
  const rng = new Random(seed);
  const runs = { encoder: [] as Float32Array[], decoder: [] as Float32Array[] };
  for (let r = 0; r < REPEATS; r++) {
    const { value, grads } = tf.variableGrads(() => vaeObjective(vae, x, { estimator, kl: 'analytic', temperature, numSamples, rng }), vae.variables());
    for (const part of ['encoder', 'decoder'] as const) {
      runs[part].push(tf.tidy(() => tf.concat(vae[part].variables().map((v) => tf.reshape(grads[v.name], [-1]))).dataSync() as Float32Array));
    }
    tf.dispose([value, ...Object.values(grads)]);
  }
  x.dispose();
  const summarise = (rows: Float32Array[]): Average => {
    const mean = Array.from(rows[0], (_, i) => rows.reduce((a, g) => a + g[i], 0) / REPEATS);
    const se = mean.map((m, i) => Math.sqrt(rows.reduce((a, g) => a + (g[i] - m) ** 2, 0) / (REPEATS - 1) / REPEATS));
    return { mean, se };
  };
  return { encoder: summarise(runs.encoder), decoder: summarise(runs.decoder) };
}

/** Largest |mean − truth| / SE over the logit coordinates. */
function worstZ(avg: Average, truth: number[]): number {
  const mean = logitPart(avg.mean), se = logitPart(avg.se);
  return Math.max(...truth.map((t, i) => Math.abs(mean[i] - t) / se[i]));
}

/** ‖mean − exact‖ and the size √(Σ SE²) it has on average when the estimator is unbiased. */
function errorAndNoise(avg: Average, exact: number[]): { error: number; noise: number } {
  return { error: Math.hypot(...avg.mean.map((m, i) => m - exact[i])), noise: Math.hypot(...avg.se) };
}

test('RLOO and VIMCO average to the exact gradients of the ELBO and of the 3-sample bound (within 4 standard errors)', () => {
  const vae = enumerable();
  const x = tf.tensor2d(digit, [1, PIXELS]);
  const exactElbo = exactVaeBoundGradient(vae, x, 1), exactIwae = exactVaeBoundGradient(vae, x, 3);
  x.dispose();
  for (const [estimator, exact] of [['reinforce', exactElbo], ['vimco', exactIwae]] as const) {
    const avg = averaged(vae, estimator, 3, 1, 21);
    const z = worstZ(avg.encoder, logitPart(exact.encoder));
    assert.ok(z < 4, `${estimator}: a logit coordinate is ${z.toFixed(1)} standard errors from the exact gradient`);
    // Unbiased: E‖mean − exact‖² = Σ SE², so the error stays near that noise level.
    for (const part of ['encoder', 'decoder'] as const) {
      const { error, noise } = errorAndNoise(avg[part], exact[part]);
      assert.ok(error < 2 * noise, `${estimator} ${part}: ‖mean − exact‖ = ${error} against a noise level ${noise}`);
    }
  }
  // The test has power: the exact gradients of the two bounds differ by far more than the noise.
  const avgVimco = averaged(vae, 'vimco', 3, 1, 22);
  assert.ok(worstZ(avgVimco.encoder, logitPart(exactElbo.encoder)) > 8, 'VIMCO is indistinguishable from the ELBO gradient: the check has no power');
  vae.dispose();
});

test('straight-through and ReinMax average to their enumerated expectations, which are not the exact gradient', () => {
  const vae = enumerable();
  const x = tf.tensor2d(digit, [1, PIXELS]);
  const tau = 1.5;
  // E[backward] = Σ_c q(c) B(c)ᵀ ∂f/∂z(c) + ∇KL, with f(z) = −log p(x | z) and B the op's stand-in Jacobian.
  const expected = tf.tidy(() => {
    const l = vae.encode(x); // [1, N, K]
    const klGrad = tf.grad((t: tf.Tensor) => tf.sum(vaeKlTerm(t, null, { kl: 'analytic', temperature: 1 })))(l);
    const codes = tf.cast(tf.oneHot(tf.tensor1d(Array.from({ length: K ** N * N }, (_, i) => Math.floor(Math.floor(i / N) / K ** (N - 1 - (i % N))) % K), 'int32'), K), 'float32').reshape([K ** N, 1, N, K]);
    const f = (z: tf.Tensor) => tf.neg(tf.sum(vae.logLikelihood(tf.tile(x, [K ** N, 1]), vae.decode(tf.reshape(z, [K ** N, N * K])))));
    const dz = tf.grad(f)(codes); // [C, 1, N, K], one row per code
    const q = tf.exp(tf.sum(tf.mul(codes, tf.logSoftmax(l)), [2, 3])).reshape([K ** N, 1, 1, 1]);
    const st = tf.div(softmaxVjp(tf.softmax(tf.div(l, tau)), tf.sum(tf.mul(q, dz), 0)), tau);
    const pi1 = tf.div(tf.add(codes, tf.softmax(tf.div(l, tau))), 2);
    const rm = tf.sub(tf.mul(tf.sum(tf.mul(q, softmaxVjp(pi1, dz)), 0), 2), tf.mul(softmaxVjp(tf.softmax(l), tf.sum(tf.mul(q, dz), 0)), 0.5));
    return { st: Array.from(tf.add(st, klGrad).dataSync()), reinmax: Array.from(tf.add(rm, klGrad).dataSync()) };
  });
  const exact = logitPart(exactVaeBoundGradient(vae, x, 1).encoder);
  x.dispose();
  for (const [estimator, truth] of [['straight-through', expected.st], ['reinmax', expected.reinmax]] as const) {
    const avg = averaged(vae, estimator, 1, tau, 31);
    const z = worstZ(avg.encoder, truth);
    assert.ok(z < 4, `${estimator}: ${z.toFixed(1)} standard errors from its enumerated expectation`);
    const gap = Math.hypot(...truth.map((t, i) => t - exact[i])) / Math.hypot(...exact);
    assert.ok(gap > 0.05, `${estimator}: its expectation is within ${gap} of the exact gradient, so the bias check says nothing`);
  }
  vae.dispose();
});

test('Gumbel-Rao has the mean of ST-Gumbel-Softmax and no more variance', () => {
  const vae = enumerable();
  const gr = averaged(vae, 'gumbel-rao', 1, 0.5, 41), stgs = averaged(vae, 'st-gumbel-softmax', 1, 0.5, 42);
  const [a, sa, b, sb] = [logitPart(gr.encoder.mean), logitPart(gr.encoder.se), logitPart(stgs.encoder.mean), logitPart(stgs.encoder.se)];
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) < 4 * Math.hypot(sa[i], sb[i]), `logit ${i}: Gumbel-Rao ${v} vs ST-GS ${b[i]}`));
  const variance = (se: number[]) => se.reduce((s, v) => s + v * v, 0);
  assert.ok(variance(sa) <= variance(sb), `Gumbel-Rao's variance ${variance(sa)} above ST-GS's ${variance(sb)}`);
  vae.dispose();
});

test('exactVaeBound: S = 1 is the ELBO with the analytic KL (and exactNegativeElbo), and the exact bound tightens with S', () => {
  const vae = enumerable(4);
  const x = tf.tensor2d(train.images.subarray(0, 2 * PIXELS), [2, PIXELS]);
  const [b1, b2, b3, byHand] = tf.tidy(() => {
    const l = vae.encode(x), C = K ** N;
    const codes = tf.cast(tf.oneHot(tf.tensor1d(Array.from({ length: C * N }, (_, i) => Math.floor(Math.floor(i / N) / K ** (N - 1 - (i % N))) % K), 'int32'), K), 'float32').reshape([C, 1, N, K]);
    const q = tf.exp(tf.sum(tf.mul(codes, tf.logSoftmax(l)), [2, 3])); // [C, 2]
    const recon = tf.reshape(vae.logLikelihood(tf.tile(x, [C, 1]), vae.decode(tf.reshape(tf.tile(codes, [1, 2, 1, 1]), [2 * C, N * K]))), [C, 2]);
    const negElbo = tf.mean(tf.add(tf.neg(tf.sum(tf.mul(q, recon), 0)), vaeKlTerm(l, null, { kl: 'analytic', temperature: 1 })));
    return [exactVaeBound(vae, x, 1), exactVaeBound(vae, x, 2), exactVaeBound(vae, x, 3), negElbo].map((t) => t.dataSync()[0]);
  });
  assert.ok(Math.abs(b1 - byHand) < 1e-3, `${b1} vs ${byHand}`);
  const other = tf.tidy(() => exactNegativeElbo(vae, x).dataSync()[0]);
  assert.ok(Math.abs(b1 - other) < 1e-3, `${b1} vs exactNegativeElbo ${other}`);
  assert.ok(b1 > b2 && b2 > b3, `the exact bound does not tighten: ${b1}, ${b2}, ${b3}`);
  x.dispose();
  vae.dispose();
});

// Errors name the function, the argument and the value, and leak nothing.

test('bad options of the new estimators are refused by name, before any tensor is made', () => {
  const vae = enumerable();
  const big = new CategoricalVae({ numLatents: 6, numCategories: 10, hidden: [4], seed: 0 });
  const x = tf.tensor2d(train.images.subarray(0, 2 * PIXELS), [2, PIXELS]);
  const narrow = tf.zeros([2, 5]) as tf.Tensor2D;
  const rng = new Random(0);
  const start = tf.memory().numTensors;
  const call = (o: object) => () => vaeObjective(vae, x, { estimator: 'reinmax', kl: 'analytic', temperature: 1, numSamples: 1, rng, ...o } as never);
  assert.throws(call({ temperature: 0.5 }), /vaeObjective: temperature must be at least 1 for ReinMax .*, but got 0.5/);
  assert.throws(call({ estimator: 'vimco', numSamples: 1 }), /vaeObjective: numSamples must be at least 2 for VIMCO .*, but got 1/);
  assert.throws(call({ estimator: 'vimco', numSamples: 2, kl: 'relaxed-log-mass' }), /vaeObjective: kl must be 'analytic' for VIMCO .*, but got "relaxed-log-mass"/);
  assert.throws(call({ estimator: 'gumbel-rao', conditionalSamples: 0 }), /vaeObjective: conditionalSamples must be a whole number ≥ 1, but got 0/);
  assert.throws(call({ estimator: 'gumbel-rao', conditionalSamples: 2 ** 22 }), /vaeObjective: conditionalSamples × numSamples × batch × numLatents × numCategories must be at most 16777216, but got 50331648/);
  assert.throws(call({ estimator: 'straight-through', temperature: NaN }), /vaeObjective: temperature must be a finite number > 0, but got NaN/);
  assert.throws(() => vaeObjective(vae, narrow, { estimator: 'vimco', kl: 'analytic', temperature: 1, numSamples: 2, rng }),
    /vaeObjective: x must be a tensor of shape \[b, 784\], but got a tensor of shape \[2, 5\]/);
  assert.throws(() => exactVaeBound(big, x, 1), /exactVaeBound: \(numCategories\^numLatents\)\^numSamples must be at most 65536 tuples of codes, but got 1000000/);
  assert.throws(() => exactVaeBound(vae, x, 6), /exactVaeBound: .* but got 531441/);
  assert.equal(tf.memory().numTensors, start, 'a refused call left tensors behind');
  // trainVae checks the schedule at every step it will take, before training.
  assert.throws(() => trainVae(vae, { train }, { estimator: 'reinmax', kl: 'analytic', epochs: 1, seed: 0, temperature: (t) => (t < 1 ? 1 : 0.9) }),
    /trainVae: temperature at step 1 must be at least 1 for ReinMax .*, but got 0.9/);
  assert.throws(() => trainVae(vae, { train }, { estimator: 'vimco', kl: 'analytic', epochs: 1, seed: 0, numSamples: 1 }), /trainVae: numSamples must be at least 2 for VIMCO/);
  assert.equal(tf.memory().numTensors, start, 'a refused training run left tensors behind');
  tf.dispose([x, narrow]);
  vae.dispose();
  big.dispose();
});
