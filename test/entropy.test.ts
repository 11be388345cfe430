import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend';
import { ENTROPY_VARIANTS, estimateEntropy, estimateKL } from '../src/estimators';
import { entropy, kl } from '../src';
import { Random } from '../src/random';

// The distribution π = (1/2, 1/4, 1/8, 1/8). Exact entropy, written separately: with
// log π = −(1, 2, 3, 3)·ln 2, H = (0.5·1 + 0.25·2 + 0.125·3 + 0.125·3)·ln 2 = 1.75 ln 2 = 1.21301 nats.
const PROBS = [0.5, 0.25, 0.125, 0.125];
const H = 1.75 * Math.LN2;
// sd of −log q(y) under q: values (1, 2, 3, 3)·ln 2, E[X²] = 3.75 ln²2, so sd = √(3.75 − 1.75²)·ln 2.
const SD = Math.sqrt(3.75 - 1.75 ** 2) * Math.LN2;
// A non-uniform prior p, and the KL and the sd of the per-sample term log(π_y/p_y) under q, by hand.
const PRIOR = [0.1, 0.2, 0.3, 0.4];
const RATIOS = PROBS.map((p, k) => Math.log(p / PRIOR[k]));
const KL_PRIOR = PROBS.reduce((a, p, k) => a + p * RATIOS[k], 0);
const SD_PRIOR = Math.sqrt(PROBS.reduce((a, p, k) => a + p * RATIOS[k] ** 2, 0) - KL_PRIOR ** 2);
const N = 10_000;
// Statistical checks use K_SIGMA·σ/√N; with 5, a correct estimator fails below 1e-6 of the time.
const K_SIGMA = 5;

before(async () => { await initBackend(); });

const LOG_PROBS = PROBS.map(Math.log);
const logits = () => tf.tensor1d(LOG_PROBS);
const scalar = (t: tf.Tensor) => { const x = t.dataSync()[0]; t.dispose(); return x; };
const values = (t: tf.Tensor) => { const x = Array.from(t.dataSync()); t.dispose(); return x; };
const relaxed = (seed: number, temperature: number, numSamples = N) => ({ numSamples, seed, temperature });

test('analytic: the entropy is 1.75 ln 2 within 1e-5, from a tensor or plain numbers; KL from uniform is ln 4 − H', () => {
  assert.ok(Math.abs(scalar(entropy.analytic(logits())) - H) < 1e-5);
  assert.ok(Math.abs(scalar(entropy.analytic(LOG_PROBS)) - H) < 1e-5);
  assert.ok(Math.abs(scalar(kl.analytic(LOG_PROBS)) - (Math.log(4) - H)) < 1e-5);
  assert.ok(Math.abs(scalar(kl.analytic(logits(), logits()))) < 1e-6, 'KL(q‖q) = 0');
  assert.ok(Math.abs(scalar(kl.analytic(LOG_PROBS, PRIOR.map(Math.log))) - KL_PRIOR) < 1e-5);
  // Logits are only defined up to a constant: shifting them (or the prior's) changes nothing.
  assert.ok(Math.abs(scalar(entropy.analytic(LOG_PROBS.map((l) => l + 100))) - H) < 1e-5);
  assert.ok(Math.abs(scalar(kl.analytic(LOG_PROBS, PRIOR.map((p) => Math.log(p) - 7))) - KL_PRIOR) < 1e-5);
});

test('analytic: one value per variable for a batch, with a prior that broadcasts', () => {
  const batch = [LOG_PROBS, [0, 0, 0, 0]];
  assert.deepEqual(entropy.analytic(batch).shape, [2]);
  const h = values(entropy.analytic(batch));
  assert.ok(Math.abs(h[0] - H) < 1e-5 && Math.abs(h[1] - Math.log(4)) < 1e-5, `${h}`);
  const prior = PRIOR.map(Math.log);
  const want = [KL_PRIOR, PRIOR.reduce((a, p) => a + 0.25 * Math.log(0.25 / p), 0)];
  for (const p of [prior, [prior], [prior, prior]]) {
    const divergence = values(kl.analytic(batch, p));
    divergence.forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-5, `prior ${JSON.stringify(p)}: ${divergence} vs ${want}`));
  }
});

test('analytic: its gradient is the exact entropy gradient −π_j (log π_j + H)', () => {
  const g = tf.grad((l: tf.Tensor) => entropy.analytic(l) as tf.Scalar)(logits()).dataSync();
  PROBS.forEach((p, j) => assert.ok(Math.abs(g[j] - -p * (Math.log(p) + H)) < 1e-5, `j=${j}: ${g[j]}`));
});

test('overflow: logits 6e38 apart give H = 0 and finite estimates, not NaN', () => {
  // logSoftmax of the small entry overflows float32 to −∞, and its probability is 0.
  const extreme = [3e38, -3e38];
  assert.equal(values(tf.logSoftmax(tf.tensor1d(extreme)))[1], -Infinity, 'the case this test is about');
  assert.ok(scalar(entropy.analytic(extreme)) === 0);
  const divergence = scalar(kl.analytic(extreme));
  assert.ok(Math.abs(divergence - Math.log(2)) < 1e-6, `KL ${divergence}`);
  for (const variant of ['discrete-monte-carlo', 'relaxed-log-mass'] as const) {
    const h = scalar(estimateEntropy(variant, { logits: extreme }, relaxed(0, 1, 10)));
    assert.ok(!Number.isNaN(h), `${variant}: ${h}`);
  }
});

test('discrete Monte Carlo is unbiased at every temperature, within 5σ/√N', () => {
  for (const tau of [10, 1, 0.1]) {
    const value = scalar(entropy.discreteMonteCarlo({ logits: logits() }, relaxed(3, tau)));
    assert.ok(Math.abs(value - H) < K_SIGMA * SD / Math.sqrt(N), `τ=${tau}: ${value}`);
  }
  // KL from uniform: the per-sample terms are log π − log(1/4), whose sd is the same SD.
  const divergence = scalar(kl.discreteMonteCarlo({ logits: LOG_PROBS }, relaxed(4, 1)));
  assert.ok(Math.abs(divergence - (Math.log(4) - H)) < K_SIGMA * SD / Math.sqrt(N), `KL ${divergence}`);
  const klPrior = scalar(kl.discreteMonteCarlo({ logits: LOG_PROBS, priorLogits: PRIOR.map(Math.log) }, relaxed(5, 1)));
  assert.ok(Math.abs(klPrior - KL_PRIOR) < K_SIGMA * SD_PRIOR / Math.sqrt(N), `KL ${klPrior} vs ${KL_PRIOR}`);
});

test('relaxed log-mass (eq. 21) is above the exact entropy at τ = 10 and approaches it as τ → 0', () => {
  // Measured (N = 10 000, seed 1): 1.526 at τ = 10, 1.312 at τ = 1, 1.212 at τ = 0.1; H = 1.213.
  const at = (tau: number) => scalar(entropy.relaxedLogMass({ logits: logits() }, relaxed(1, tau)));
  const [hot, warm, cold] = [at(10), at(1), at(0.1)];
  assert.ok(hot - H > 0.25, `τ=10: ${hot}`);
  assert.ok(hot > warm && warm > cold, `${hot} > ${warm} > ${cold}`);
  assert.ok(Math.abs(cold - H) < K_SIGMA * SD / Math.sqrt(N), `τ=0.1: ${cold}`);
  const klCold = scalar(kl.relaxedLogMass({ logits: logits() }, relaxed(1, 0.1)));
  assert.ok(Math.abs(klCold - (Math.log(4) - H)) < K_SIGMA * SD / Math.sqrt(N), `KL at τ=0.1: ${klCold}`);
  const klPrior = scalar(kl.relaxedLogMass({ logits: logits(), priorLogits: PRIOR.map(Math.log) }, relaxed(2, 0.05)));
  assert.ok(Math.abs(klPrior - KL_PRIOR) < K_SIGMA * SD_PRIOR / Math.sqrt(N), `KL ${klPrior} vs ${KL_PRIOR}`);
});

test('relaxed log-mass: at low temperature its gradient approaches the exact entropy gradient', () => {
  // Measured at τ = 0.1: [−0.247, 0.042, 0.102, 0.102] against exact [−0.260, 0.043, 0.108, 0.108].
  const g = tf.grad((l: tf.Tensor) => entropy.relaxedLogMass({ logits: l }, relaxed(1, 0.1)) as tf.Scalar)(logits()).dataSync();
  PROBS.forEach((p, j) => assert.ok(Math.abs(g[j] - -p * (Math.log(p) + H)) < 0.03, `j=${j}: ${g[j]}`));
});

test('the Concrete entropy is a differential entropy: negative here and far from H', () => {
  // Measured: −6.94 at τ = 10 and −2.78 at τ = 1 (TFP on the same distribution: −6.97 and −2.74).
  const hot = scalar(entropy.concreteMonteCarlo({ logits: logits() }, relaxed(1, 10)));
  const warm = scalar(entropy.concreteMonteCarlo({ logits: logits() }, relaxed(1, 1)));
  assert.ok(Math.abs(hot - -6.97) < 0.15, `τ=10: ${hot}`);
  assert.ok(Math.abs(warm - -2.74) < 0.15, `τ=1: ${warm}`);
  // KL between two Concretes at the same τ does not depend on τ (the τ terms cancel
  // sample by sample), and is positive; a prior at its own temperature λ ≠ τ changes it.
  const kl10 = scalar(kl.concreteMonteCarlo({ logits: logits() }, relaxed(1, 10)));
  const kl1 = scalar(kl.concreteMonteCarlo({ logits: logits() }, relaxed(1, 1)));
  assert.ok(kl1 > 0 && Math.abs(kl10 - kl1) < 1e-3, `${kl10} vs ${kl1}`);
  const sameLambda = scalar(kl.concreteMonteCarlo({ logits: logits() }, { ...relaxed(1, 1), priorTemperature: 1 }));
  assert.equal(sameLambda, kl1);
  const colderPrior = scalar(kl.concreteMonteCarlo({ logits: logits() }, { ...relaxed(1, 1), priorTemperature: 1 / 3 }));
  assert.ok(Math.abs(colderPrior - kl1) > 0.1, `λ = 1/3: ${colderPrior} vs λ = τ: ${kl1}`);
});

test('estimateEntropy and estimateKL give exactly what each variant\'s function gives', () => {
  assert.deepEqual([...ENTROPY_VARIANTS], ['discrete-monte-carlo', 'relaxed-log-mass', 'concrete-monte-carlo', 'analytic']);
  const o = relaxed(7, 0.7, 300);
  const problem = { logits: LOG_PROBS, priorLogits: PRIOR.map(Math.log) };
  const direct = {
    'discrete-monte-carlo': [entropy.discreteMonteCarlo(problem, o), kl.discreteMonteCarlo(problem, o)],
    'relaxed-log-mass': [entropy.relaxedLogMass(problem, o), kl.relaxedLogMass(problem, o)],
    'concrete-monte-carlo': [entropy.concreteMonteCarlo(problem, o), kl.concreteMonteCarlo(problem, o)],
    analytic: [entropy.analytic(problem.logits), kl.analytic(problem.logits, problem.priorLogits)],
  };
  for (const variant of ENTROPY_VARIANTS) {
    const [h, kl] = direct[variant].map(scalar);
    assert.equal(scalar(estimateEntropy(variant, { logits: problem.logits }, o)), h, variant);
    assert.equal(scalar(estimateKL(variant, problem, o)), kl, variant);
  }
  // The analytic variant needs no options.
  assert.equal(scalar(estimateEntropy('analytic', { logits: LOG_PROBS })), scalar(entropy.analytic(LOG_PROBS)));
});

test('every variant is differentiable in the logits and gives finite, non-zero gradients', () => {
  const prior = tf.tensor1d([0, 1, 2, 3]);
  for (const variant of ENTROPY_VARIANTS) {
    for (const f of [
      (l: tf.Tensor) => estimateEntropy(variant, { logits: l }, relaxed(0, 1, 100)),
      (l: tf.Tensor) => estimateKL(variant, { logits: l, priorLogits: prior }, relaxed(0, 1, 100)),
    ]) {
      const g = tf.grad((l: tf.Tensor) => f(l) as tf.Scalar)(logits()).dataSync();
      assert.ok(g.every(Number.isFinite) && g.some((x) => x !== 0), `${variant}: ${g}`);
    }
  }
  prior.dispose();
});

test('the same seed gives the same estimate, another seed another one', () => {
  for (const f of [entropy.discreteMonteCarlo, entropy.relaxedLogMass, entropy.concreteMonteCarlo]) {
    assert.equal(scalar(f({ logits: LOG_PROBS }, relaxed(9, 0.7, 500))), scalar(f({ logits: logits() }, relaxed(9, 0.7, 500))));
    assert.notEqual(scalar(f({ logits: LOG_PROBS }, relaxed(9, 0.7, 500))), scalar(f({ logits: LOG_PROBS }, relaxed(10, 0.7, 500))));
  }
});

test('no call leaves tensors behind besides its result, and a refused call leaves none', () => {
  const l = logits();
  const before = tf.memory().numTensors;
  for (const variant of ENTROPY_VARIANTS) {
    estimateEntropy(variant, { logits: l }, relaxed(0, 1, 10)).dispose();
    estimateKL(variant, { logits: l }, relaxed(0, 1, 10)).dispose();
    estimateKL(variant, { logits: LOG_PROBS, priorLogits: [1, 2, 3, 4] }, relaxed(0, 1, 10)).dispose();
    assert.throws(() => estimateKL(variant, { logits: LOG_PROBS, priorLogits: [1, 2, NaN, 4] }, relaxed(0, 1, 10)));
    assert.throws(() => estimateEntropy(variant, { logits: [[1, 2], [3, NaN]] }, relaxed(0, 1, 10)));
  }
  assert.throws(() => entropy.relaxedLogMass({ logits: LOG_PROBS }, relaxed(0, 0, 10)));
  assert.throws(() => kl.concreteMonteCarlo({ logits: LOG_PROBS }, { ...relaxed(0, 1, 10), priorTemperature: -1 }));
  assert.equal(tf.memory().numTensors, before);
  l.dispose();
});

test('bad input is refused with the function, the argument and the value named', () => {
  const p = { logits: LOG_PROBS };
  assert.throws(() => entropy.relaxedLogMass(p, relaxed(0, 1, 0)), /^Error: entropy\.relaxedLogMass: numSamples must be a whole number ≥ 1, but got 0$/);
  assert.throws(() => entropy.discreteMonteCarlo(p, relaxed(0, -1, 10)), /^Error: entropy\.discreteMonteCarlo: temperature must be a finite number > 0, but got -1$/);
  assert.throws(() => entropy.concreteMonteCarlo(p, relaxed(0, NaN, 10)), /entropy\.concreteMonteCarlo: temperature must be a finite number > 0, but got NaN/);
  assert.throws(() => estimateEntropy('relaxed-log-mass', p, { numSamples: 10, seed: 0 } as never),
    /estimateEntropy\('relaxed-log-mass'\): temperature must be given for this estimator/);
  assert.throws(() => estimateKL('concrete-monte-carlo', p, { ...relaxed(0, 1, 10), priorTemperature: 0 }),
    /estimateKL\('concrete-monte-carlo'\): priorTemperature must be a finite number > 0, but got 0/);
  assert.throws(() => entropy.analytic([1]), /entropy\.analytic: logits must be of shape \[...batch, K\] with K ≥ 2/);
  assert.throws(() => entropy.analytic([1, NaN]), /entropy\.analytic: logits must be finite everywhere, but got \[1, NaN\]/);
  assert.throws(() => kl.analytic(LOG_PROBS, [0, 0, 0]), /kl\.analytic: priorLogits must be of a shape that broadcasts against the logits' \[4\]/);
  assert.throws(() => kl.analytic(LOG_PROBS, [[0, 0, 0, 0], [1, 1, 1, 1]]), /kl\.analytic: priorLogits must be of a shape that broadcasts/);
  // null is not "no prior": it would silently turn the KL into −H.
  assert.throws(() => kl.analytic(LOG_PROBS, null as never), /kl\.analytic: priorLogits must be the prior's logits .*or omitted for the uniform prior, but got null/);
  for (const variant of ENTROPY_VARIANTS) {
    assert.throws(() => estimateKL(variant, { logits: LOG_PROBS, priorLogits: null as never }, relaxed(0, 1, 10)),
      new RegExp(`estimateKL\\('${variant}'\\): problem.priorLogits must be the prior's logits`));
  }
  assert.throws(() => estimateEntropy('eq-23' as never, p, relaxed(0, 1, 10) as never),
    /^Error: estimateEntropy: variant must be one of discrete-monte-carlo, relaxed-log-mass, concrete-monte-carlo, analytic, but got "eq-23"$/);
  assert.throws(() => estimateKL('analytic', LOG_PROBS as never), /estimateKL\('analytic'\): problem must be an object \{logits, priorLogits\?\}/);
  assert.throws(() => estimateEntropy('analytic', p, 3 as never), /estimateEntropy\('analytic'\): options must be an object or omitted/);
  assert.throws(() => entropy.discreteMonteCarlo({ logits: 'abc' as never }, relaxed(0, 1, 10)),
    /entropy\.discreteMonteCarlo: problem.logits must be a number, a rectangular \(nested\) array of numbers or a tf.Tensor, but got "abc"/);
});

test('random bad problems and options: each refused with an Error that starts with the function, and no leak', () => {
  const rng = new Random(2024);
  const pick = <T>(xs: T[]): T => xs[rng.integer(xs.length)];
  const badLogits: unknown[] = [null, undefined, 'x', [], [1], [[1, 2], [3]], [1, NaN], [Infinity, 0], {}, true];
  const badOptions: unknown[] = [null, 5, 'o', { numSamples: 0, seed: 0, temperature: 1 }, { numSamples: 2.5, seed: 0, temperature: 1 },
    { numSamples: 10, seed: -1, temperature: 1 }, { numSamples: 10, seed: 0, temperature: 0 }, { numSamples: 10, seed: 0 },
    { numSamples: 10, temperature: 1 }, { numSamples: 10, seed: 0, temperature: Infinity }];
  const before = tf.memory().numTensors;
  for (let i = 0; i < 60; i++) {
    const variant = pick([...ENTROPY_VARIANTS]);
    const isKL = rng.nextUniform() < 0.5;
    const badProblem = variant === 'analytic' || rng.nextUniform() < 0.5;
    const problem = badProblem ? { logits: pick(badLogits) } : { logits: LOG_PROBS };
    const options = badProblem ? relaxed(0, 1, 10) : pick(badOptions);
    const fn = isKL ? `estimateKL('${variant}')` : `estimateEntropy('${variant}')`;
    const call = () => (isKL ? estimateKL : estimateEntropy)(variant, problem as never, options as never);
    assert.throws(call, (e: Error) => e.message.startsWith(`${fn}: `), `${fn} with ${JSON.stringify(problem)}, ${JSON.stringify(options)}`);
  }
  assert.equal(tf.memory().numTensors, before);
});
