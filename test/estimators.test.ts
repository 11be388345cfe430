import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { availableBackends, initBackend } from '../src/backend';
import { Random } from '../src/random';
import {
  Baseline, centredLosses, ESTIMATOR_FAMILIES, ESTIMATOR_NAMES, EstimatorName, estimateGradient, exact, exactObjective,
  enumerateOutcomes, GradientProblem, MovingAverageBaseline, repeatEstimates, EstimatorOptions, RelaxedOptions,
} from '../src';
import {
  SQUARED_ERROR_BERNOULLI_TARGET, SQUARED_ERROR_CATEGORICAL_TARGET, squaredErrorExactGradient, squaredErrorExactLoss, squaredErrorLoss,
} from '../src/studies/squared-error/problem';
import { Bernoulli, OneHotCategorical, RelaxedBernoulli, RelaxedOneHotCategorical } from '../src/distributions';
import { discreteSample } from '../src/distributions/exact-draws';
import { jointLogProb } from '../src/estimators/problem';
import { relaxedSample } from '../src/estimators/gumbel-softmax';

// Statistical checks: the mean of M independent estimates must lie within K_SIGMA
// standard errors (sd/√M, sd measured from the same M estimates) of the exact value.
// With K_SIGMA = 5 a correct unbiased estimator fails one component with probability
// below 1e-6.
const K_SIGMA = 5;
const TARGET = SQUARED_ERROR_CATEGORICAL_TARGET as number[];

before(async () => { await initBackend(); });

function squaredErrorProblem(logits: number[] = [1, 1, 1]): GradientProblem {
  return { logits: tf.tensor1d(logits), family: 'categorical', loss: squaredErrorLoss(TARGET) };
}

function squaredErrorBernoulli(logit = 0.4): GradientProblem {
  return { logits: tf.tensor1d([logit]), family: 'bernoulli', loss: squaredErrorLoss(SQUARED_ERROR_BERNOULLI_TARGET) };
}

/** Runs an estimator M times on one stream; per-component mean, standard deviation and standard error. */
function repeat(name: EstimatorName, problem: GradientProblem, M: number, options: { numSamples: number; temperature?: number; baseline?: Baseline }) {
  const rows = repeatEstimates(name, problem, { ...options, seed: 2024 } as EstimatorOptions[EstimatorName], M).estimates;
  const K = rows[0].length;
  const mean = Array.from({ length: K }, (_, k) => rows.reduce((a, r) => a + r[k], 0) / M);
  const sd = mean.map((m, k) => Math.sqrt(rows.reduce((a, r) => a + (r[k] - m) ** 2, 0) / (M - 1)));
  return { mean, sd, se: sd.map((s) => s / Math.sqrt(M)) };
}

const distance = (a: number[], b: number[]) => Math.hypot(...a.map((x, i) => x - b[i]));

// Layer 1: exact values.

test('squared-error loss: Σ_k (y_k − t_k)² per sample, and its closed forms at uniform logits', () => {
  const values = squaredErrorLoss(TARGET)(tf.tensor2d([[1, 0, 0], [0, 1, 0], [0, 0, 1]]));
  assert.deepEqual(Array.from(values.dataSync()).map((x) => +x.toFixed(6)), [1.14, 0.14, 1.34]);
  assert.ok(Math.abs(squaredErrorExactLoss([1, 1, 1], TARGET) - 2.62 / 3) < 1e-12);
  // Bernoulli: p(1 − t)² + (1 − p)t² at p = 1/2.
  assert.ok(Math.abs(squaredErrorExactLoss([0], [0.9]) - 0.41) < 1e-12);
});

test('exact: gradient of the squared-error toy equals the closed form π_j(c_j − L) within 1e-5', () => {
  for (const logits of [[1, 1, 1], [0.3, -1.2, 2], [5, -3, 0.1]]) {
    const { grad, loss } = exact(squaredErrorProblem(logits));
    const expected = squaredErrorExactGradient(logits, TARGET);
    Array.from(grad.dataSync()).forEach((g, k) => assert.ok(Math.abs(g - expected[k]) < 1e-5, `${logits}: ${g} vs ${expected[k]}`));
    assert.ok(Math.abs(loss - squaredErrorExactLoss(logits, TARGET)) < 1e-5);
    grad.dispose();
  }
  for (const logit of [-2, 0.4, 3]) {
    const { grad } = exact(squaredErrorBernoulli(logit));
    assert.ok(Math.abs(grad.dataSync()[0] - squaredErrorExactGradient([logit], [0.9])[0]) < 1e-5);
    grad.dispose();
  }
});

test('exact: joint enumeration of several variables equals the sum of the per-variable closed forms', () => {
  // The loss sums over variables, so the joint gradient splits into independent parts.
  const rows = [[1, 1, 1], [0.5, -1, 2]];
  const { grad, loss } = exact({ logits: tf.tensor2d(rows), family: 'categorical', loss: squaredErrorLoss(TARGET) });
  const expected = rows.flatMap((r) => squaredErrorExactGradient(r, TARGET));
  Array.from(grad.dataSync()).forEach((g, i) => assert.ok(Math.abs(g - expected[i]) < 1e-5));
  assert.ok(Math.abs(loss - rows.reduce((a, r) => a + squaredErrorExactLoss(r, TARGET), 0)) < 1e-5);
  grad.dispose();
  const bits = [-1, 0.2, 2];
  const b = exact({ logits: tf.tensor1d(bits), family: 'bernoulli', loss: squaredErrorLoss([0.9]) });
  Array.from(b.grad.dataSync()).forEach((g, i) => assert.ok(Math.abs(g - squaredErrorExactGradient([bits[i]], [0.9])[0]) < 1e-5));
  b.grad.dispose();
});

test('exact: outcomes are every one-hot combination, first variable most significant', () => {
  const y = enumerateOutcomes('categorical', [2, 2]);
  assert.deepEqual(y.shape, [4, 2, 2]);
  assert.deepEqual(y.arraySync(), [[[1, 0], [1, 0]], [[1, 0], [0, 1]], [[0, 1], [1, 0]], [[0, 1], [0, 1]]]);
  assert.deepEqual(enumerateOutcomes('bernoulli', [2]).arraySync(), [[0, 0], [0, 1], [1, 0], [1, 1]]);
  assert.ok(Math.abs(exactObjective(squaredErrorProblem()) - 2.62 / 3) < 1e-6);
});

test('leave-one-out weights: f_i − mean of the others = n/(n − 1)(f_i − f̄)', () => {
  const w = centredLosses(tf.tensor1d([1, 2, 3, 6]), 'leave-one-out').dataSync();
  [1 - 11 / 3, 2 - 10 / 3, 3 - 9 / 3, 6 - 2].forEach((e, i) => assert.ok(Math.abs(w[i] - e) < 1e-6));
});

test('moving-average baseline: 0 at first, then the first mean, then decays towards new means', () => {
  const b = new MovingAverageBaseline({ decay: 0.75 });
  assert.equal(b.value, 0);
  b.update(2);
  assert.equal(b.value, 2);
  b.update(6);
  assert.equal(b.value, 0.75 * 2 + 0.25 * 6);
  b.update(NaN);
  assert.equal(b.value, 3);
  b.reset();
  assert.equal(b.value, 0);
});

test('the estimators draw the same samples as the distribution classes with the same seed', () => {
  // They sample without constructing a distribution (to save a download per step);
  // this pins them to the classes' draws.
  const cat = tf.tensor2d([[1, -0.5, 2], [0, 0, 0.3]]);
  const bits = tf.tensor1d([0.4, -2, 3]);
  const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0];
  assert.equal(maxDiff(discreteSample('categorical', cat, 500, new Random(5)), new OneHotCategorical({ logits: cat }).sample(500, 5)), 0);
  assert.equal(maxDiff(discreteSample('bernoulli', bits, 500, new Random(5)), new Bernoulli({ logits: bits }).sample(500, 5)), 0);
  for (const tau of [0.1, 1, 10]) {
    const z = relaxedSample('categorical', cat, 500, tau, new Random(6));
    assert.ok(maxDiff(z, new RelaxedOneHotCategorical({ logits: cat, temperature: tau }).sample(500, 6)) < 1e-5, `τ=${tau}`);
    const b = relaxedSample('bernoulli', bits, 500, tau, new Random(6));
    assert.ok(maxDiff(b, new RelaxedBernoulli({ logits: bits, temperature: tau }).sample(500, 6)) < 1e-5, `τ=${tau}`);
  }
});

test('REINFORCE: the closed-form score equals autodiff of (1/n) Σ f(y_i) log q(y_i) on the same draws', () => {
  const cases: GradientProblem[] = [
    { logits: tf.tensor2d([[1, -0.5, 2], [0, 0, 0.3]]), family: 'categorical', loss: squaredErrorLoss(TARGET) },
    { logits: tf.tensor1d([0.4, -2, 3]), family: 'bernoulli', loss: squaredErrorLoss([0.9]) },
  ];
  for (const problem of cases) {
    const logits = problem.logits as tf.Tensor;
    const { grad } = estimateGradient('reinforce', problem, { numSamples: 40, seed: 11 });
    const y = discreteSample(problem.family, logits, 40, new Random(11));
    const f = problem.loss(y);
    const reference = tf.grad((l: tf.Tensor) => tf.div(tf.sum(tf.mul(f, jointLogProb(problem.family, l, y))), 40) as tf.Scalar)(logits);
    const diff = tf.max(tf.abs(tf.sub(grad, reference))).dataSync()[0];
    assert.ok(diff < 1e-6, `${problem.family}: ${diff}`);
  }
});

// Layer 3 and 4: Monte Carlo estimators against exact enumeration, k·σ/√M.

test('REINFORCE is unbiased on the squared-error toy with every baseline (mean of 400 estimates, n = 100, within 5σ/√400)', () => {
  const exactGrad = squaredErrorExactGradient([1, 1, 1], TARGET);
  const sds: Record<string, number[]> = {};
  const baselines: [string, Baseline][] = [
    ['none', 'none'], ['leave-one-out', 'leave-one-out'], ['moving-average', new MovingAverageBaseline({ decay: 0.9 })],
  ];
  for (const [label, baseline] of baselines) {
    const { mean, se, sd } = repeat('reinforce', squaredErrorProblem(), 400, { numSamples: 100, baseline });
    mean.forEach((m, k) => assert.ok(Math.abs(m - exactGrad[k]) < K_SIGMA * se[k], `${label} k=${k}: ${m} vs ${exactGrad[k]} (se ${se[k]})`));
    sds[label] = sd;
  }
  // Measured: total variance 0.0056 without a baseline, 0.0009 with leave-one-out.
  const total = (sd: number[]) => sd.reduce((a, s) => a + s * s, 0);
  assert.ok(total(sds['leave-one-out']) < 0.4 * total(sds.none), 'leave-one-out should cut the variance');
  assert.ok(total(sds['moving-average']) < 0.4 * total(sds.none), 'a moving average should cut the variance');
});

test('REINFORCE is unbiased on the Bernoulli squared-error toy', () => {
  const exactGrad = squaredErrorExactGradient([0.4], [0.9])[0];
  const { mean, se } = repeat('reinforce', squaredErrorBernoulli(0.4), 400, { numSamples: 50, baseline: 'leave-one-out' });
  assert.ok(Math.abs(mean[0] - exactGrad) < K_SIGMA * se[0], `${mean[0]} vs ${exactGrad}`);
});

test('ST Gumbel-Softmax at τ = 5 is clearly biased on the squared-error toy', () => {
  // Measured: mean [0.0174, −0.0478, 0.0305] against exact [0.0889, −0.2444, 0.1556],
  // a distance of 0.244 (the estimate is about exact/τ), with standard errors ≈ 2e-4.
  const exactGrad = squaredErrorExactGradient([1, 1, 1], TARGET);
  const { mean, se } = repeat('st-gumbel-softmax', squaredErrorProblem(), 100, { numSamples: 1000, temperature: 5 });
  const gap = distance(mean, exactGrad);
  assert.ok(gap > 0.15, `distance ${gap}`);
  assert.ok(gap > 50 * Math.hypot(...se), 'the gap is not Monte Carlo noise');
  // The direction is still right: every component has the exact gradient's sign.
  mean.forEach((m, k) => assert.equal(Math.sign(m), Math.sign(exactGrad[k])));
});

test('Gumbel-Softmax (relaxed) at τ = 0.1 is close to the exact gradient of the squared-error toy', () => {
  // Measured: distance ≈ 0.001 with standard errors ≈ 0.002 per component (M = 200).
  const exactGrad = squaredErrorExactGradient([1, 1, 1], TARGET);
  const { mean } = repeat('gumbel-softmax', squaredErrorProblem(), 100, { numSamples: 1000, temperature: 0.1 });
  assert.ok(distance(mean, exactGrad) < 0.025, `distance ${distance(mean, exactGrad)}`);
});

test('every estimator works on Bernoulli variables and returns the logits shape', () => {
  for (const name of ESTIMATOR_NAMES) {
    const problem = { logits: tf.tensor2d([[0.3, -1], [2, 0]]), family: 'bernoulli' as const, loss: squaredErrorLoss([0.9]) };
    const { grad, loss } = estimateGradient(name, problem, { numSamples: 64, seed: 1, temperature: name === 'reinmax' ? 1 : 0.5 });
    assert.deepEqual(grad.shape, [2, 2], name);
    assert.ok(Number.isFinite(loss) && loss > 0, name);
    grad.dispose();
  }
});

// Layer 5: determinism.

test('the same seed gives the same estimate; another seed a different one', () => {
  const problem = squaredErrorProblem();
  for (const name of ESTIMATOR_NAMES.filter((e) => ESTIMATOR_FAMILIES[e].includes('categorical'))) {
    const run = (seed: number) => {
      const { grad, loss } = estimateGradient(name, problem, { numSamples: 50, seed, temperature: 1, baseline: 'none' });
      const values = Array.from(grad.dataSync());
      grad.dispose();
      return [...values, loss];
    };
    assert.deepEqual(run(7), run(7), name);
    if (name !== 'exact') assert.notDeepEqual(run(7), run(8), name);
  }
});

// Memory.

test('every estimator leaves exactly one new tensor, its gradient', () => {
  const problem = squaredErrorProblem();
  for (const name of ESTIMATOR_NAMES.filter((e) => ESTIMATOR_FAMILIES[e].includes('categorical'))) {
    const before = tf.memory().numTensors;
    const { grad } = estimateGradient(name, problem, { numSamples: 20, seed: 0, temperature: 1, baseline: 'leave-one-out' });
    assert.equal(tf.memory().numTensors, before + 1, name);
    grad.dispose();
  }
});

// Layer 6: errors.

test('bad input is refused with a message naming the function, the argument and the value', () => {
  const problem = squaredErrorProblem();
  const ok = { numSamples: 10, seed: 0, temperature: 1 };
  assert.throws(() => estimateGradient('no-such-estimator' as EstimatorName, problem, ok),
    /estimateGradient: name must be one of exact, reinforce, gumbel-softmax, st-gumbel-softmax, .*but got "no-such-estimator"/);
  assert.throws(() => estimateGradient('reinforce', problem, { ...ok, numSamples: 0 }), /estimateGradient\('reinforce'\): numSamples must be a whole number ≥ 1, but got 0/);
  assert.throws(() => estimateGradient('gumbel-softmax', problem, { ...ok, numSamples: 2.5 }), /numSamples must be a whole number ≥ 1, but got 2.5/);
  assert.throws(() => estimateGradient('gumbel-softmax', problem, { numSamples: 10, seed: 0 } as RelaxedOptions), /gumbel-softmax'\): temperature must be given .*but got undefined/);
  assert.throws(() => estimateGradient('st-gumbel-softmax', problem, { ...ok, temperature: 0 }), /st-gumbel-softmax'\): temperature must be a finite number > 0, but got 0/);
  assert.throws(() => estimateGradient('st-gumbel-softmax', problem, { ...ok, temperature: NaN }), /temperature must be a finite number > 0, but got NaN/);
  assert.throws(() => estimateGradient('gumbel-softmax', problem, { ...ok, temperature: Infinity }), /but got Infinity/);
  assert.throws(() => estimateGradient('reinforce', problem, { ...ok, baseline: 'mean' as Baseline }),
    /estimateGradient\('reinforce'\): baseline must be 'none', 'leave-one-out' or a MovingAverageBaseline instance, but got "mean"/);
  assert.throws(() => estimateGradient('reinforce', problem, { ...ok, baseline: 'moving-average' as Baseline }),
    /keeps state across calls, so pass one you keep: new MovingAverageBaseline/);
  assert.throws(() => estimateGradient('reinforce', problem, { ...ok, numSamples: 1, baseline: 'leave-one-out' }),
    /numSamples must be at least 2 with the leave-one-out baseline, but got 1/);
  assert.throws(() => estimateGradient('reinforce', problem, { ...ok, seed: -1 }), /seed must be a whole number/);
  assert.throws(() => exact({ ...problem, family: 'gaussian' as 'bernoulli' }), /exact: problem.family must be one of categorical, bernoulli, but got "gaussian"/);
  assert.throws(() => exact({ ...problem, loss: (y) => tf.sum(y) }), /problem.loss\(y\) must be a tensor of shape \[3\] \(one value per sample\)/);
  assert.throws(() => exact({ logits: tf.zeros([9, 4]), family: 'categorical', loss: squaredErrorLoss([0, 0, 0, 1]) }),
    /exact: the event space of categorical logits of shape \[9, 4\] must be at most 65536 outcomes .*but got 262144/);
  for (const name of ESTIMATOR_NAMES.filter((e) => ESTIMATOR_FAMILIES[e].includes('categorical'))) {
    assert.throws(() => estimateGradient(name, { ...problem, logits: tf.tensor1d([1, NaN, 0]) }, ok),
      new RegExp(`${name}'\\): problem.logits must be finite everywhere, but got a tensor of shape \\[3\\]`));
  }
  assert.throws(() => new MovingAverageBaseline({ decay: 1 }), /MovingAverageBaseline: decay must be a number in \[0, 1\), but got 1/);
  assert.throws(() => squaredErrorExactGradient([1, 1], TARGET), /logits must be of length 3 to match the target/);
});
