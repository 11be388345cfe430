import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend';
import { GradientProblem, Random, rebar, RebarControlVariate, relax, RelaxControlVariate } from '../src';
import { discreteSample } from '../src/distributions/exact-draws';
import { logisticNoise } from '../src/distributions/noise';
import { conditionalPerturbation } from '../src/estimators/conditional-noise';
import { coupledBits, coupledCategories, exactGradient, problemOf, summarise, toyBernoulli } from './estimator-fixtures';

// Statistical checks use K_SIGMA standard errors, as in the other estimator tests.
const K_SIGMA = 5;
const EULER_GAMMA = 0.5772156649015329;

before(async () => { await initBackend(); });

test('conditional noise: z̃ reproduces the sample it is conditioned on, in both families', () => {
  const logits = tf.tensor2d([[1, -0.5, 2], [0, 0, 0.3]]);
  const y = discreteSample('categorical', logits, 500, new Random(1));
  const z = conditionalPerturbation('categorical', logits, y, new Random(2).uniform([500, 2, 3])).value;
  assert.equal(tf.sum(tf.abs(tf.sub(tf.oneHot(tf.argMax(z, -1), 3), y))).dataSync()[0], 0);
  const bits = tf.tensor1d([0.4, -2, 3]);
  const b = discreteSample('bernoulli', bits, 500, new Random(3));
  const zb = conditionalPerturbation('bernoulli', bits, b, new Random(4).uniform([500, 3])).value;
  assert.equal(tf.sum(tf.abs(tf.sub(tf.cast(tf.greater(zb, 0), 'float32'), b))).dataSync()[0], 0);
  tf.dispose([logits, y, z, bits, b, zb]);
});

test('conditional noise: mixed over the sample, z̃ has the unconditional law logits + noise', () => {
  // Categorical: each z̃_k is Gumbel(l_k): mean l_k + γ, P(z̃_k < c) = exp(−e^{−(c − l_k)}).
  // Bernoulli: z̃ is logistic(l): P(z̃ < c) = σ(c − l). N = 20 000 draws, K_SIGMA·se.
  const N = 20_000;
  const logits = tf.tensor1d([1, -0.5, 2]);
  const y = discreteSample('categorical', logits, N, new Random(5));
  const z = conditionalPerturbation('categorical', logits, y, new Random(6).uniform([N, 3])).value.arraySync() as number[][];
  [1, -0.5, 2].forEach((l, k) => {
    const column = z.map((row) => row[k]);
    const mean = column.reduce((a, x) => a + x, 0) / N;
    assert.ok(Math.abs(mean - (l + EULER_GAMMA)) < K_SIGMA * (Math.PI / Math.sqrt(6)) / Math.sqrt(N), `k = ${k}: mean ${mean}`);
    const below = column.filter((x) => x < l + 0.5).length / N, expected = Math.exp(-Math.exp(-0.5));
    assert.ok(Math.abs(below - expected) < K_SIGMA * Math.sqrt(expected * (1 - expected) / N), `k = ${k}: P ${below}`);
  });
  const bits = tf.tensor1d([0.4, -2]);
  const b = discreteSample('bernoulli', bits, N, new Random(7));
  const zb = conditionalPerturbation('bernoulli', bits, b, new Random(8).uniform([N, 2])).value.arraySync() as number[][];
  [0.4, -2].forEach((l, j) => {
    for (const c of [-1, 0, 1.5]) {
      const below = zb.filter((row) => row[j] < c).length / N, expected = 1 / (1 + Math.exp(-(c - l)));
      assert.ok(Math.abs(below - expected) < K_SIGMA * Math.sqrt(expected * (1 - expected) / N), `j = ${j}, c = ${c}: ${below} vs ${expected}`);
    }
  });
  tf.dispose([logits, y, bits, b]);
});

test('conditional noise: the closed-form transposed Jacobian equals autodiff of z̃ (sample held fixed)', () => {
  const cases: ['categorical' | 'bernoulli', tf.Tensor][] = [
    ['categorical', tf.tensor2d([[1, -0.5, 2], [0, 0, 0.3]])], ['bernoulli', tf.tensor1d([0.4, -2, 3])],
  ];
  for (const [family, logits] of cases) {
    const shape = [40, ...logits.shape];
    const y = discreteSample(family, logits, 40, new Random(9));
    const v = new Random(10).uniform(shape);
    const w = new Random(11).normal(shape);
    const closed = tf.sum(conditionalPerturbation(family, logits, y, v).transposeJacobian(w), 0);
    const reference = tf.grad((l: tf.Tensor) => tf.sum(tf.mul(conditionalPerturbation(family, l, y, v).value, w)) as tf.Scalar)(logits);
    assert.ok(tf.max(tf.abs(tf.sub(closed, reference))).dataSync()[0] < 1e-4, family);
    tf.dispose([logits, y, v, w, closed, reference]);
  }
});

test('REBAR on Bernoulli equals autodiff of its surrogate objective, written here independently, on the same noise', () => {
  // Fresh control variate: η = 1, λ = 0.5. The noise is drawn as rebar draws it: logistic
  // noise for z, then the uniforms v of z̃, from one stream.
  const fixture = coupledBits(), n = 25, seed = 12, lambda = 0.5;
  const logits = tf.tensor1d(fixture.logits as number[]);
  const { grad } = rebar({ logits, family: 'bernoulli', loss: fixture.loss }, { numSamples: n, seed });
  const reference = tf.tidy(() => {
    const rng = new Random(seed);
    const noise = logisticNoise(rng, [n, 3]), v = rng.uniform([n, 3]);
    const b = tf.cast(tf.greater(tf.add(logits, noise), 0), 'float32');
    // z̃ = l + logit(v'), v' uniform on the side of σ(−l) that b says.
    const zTilde = (l: tf.Tensor) => {
      const p = tf.sigmoid(l);
      const vPrime = tf.add(tf.mul(b, tf.add(tf.sub(1, p), tf.mul(v, p))), tf.mul(tf.sub(1, b), tf.mul(v, tf.sub(1, p))));
      return tf.add(l, tf.sub(tf.log(vPrime), tf.log(tf.sub(1, vPrime))));
    };
    const relaxed = (x: tf.Tensor) => fixture.loss(tf.sigmoid(tf.div(x, lambda)));
    const weight = tf.sub(fixture.loss(b), relaxed(zTilde(logits))); // a constant: computed outside the tape
    const logQ = (l: tf.Tensor) => tf.sum(tf.sub(tf.mul(b, l), tf.softplus(l)), 1);
    return tf.grad((l: tf.Tensor) => tf.mean(tf.add(tf.mul(weight, logQ(l)), tf.sub(relaxed(tf.add(l, noise)), relaxed(zTilde(l))))) as tf.Scalar)(logits);
  });
  assert.ok(tf.max(tf.abs(tf.sub(grad, reference))).dataSync()[0] < 2e-4, `${grad.dataSync()} vs ${reference.dataSync()}`);
  tf.dispose([logits, grad, reference]);
});

test('control variate state: binds to the first problem, refuses others, a disposed one, and the wrong kind', () => {
  const bits = problemOf(coupledBits());
  const rebarCv = new RebarControlVariate();
  assert.equal(rebarCv.temperature, 0.5);
  assert.deepEqual(rebarCv.scale, []);
  rebar(bits, { numSamples: 4, seed: 0, controlVariate: rebarCv }).grad.dispose();
  assert.equal(rebarCv.scale.length, 3);
  assert.equal(rebarCv.updates, 1);
  assert.throws(() => rebar(problemOf(coupledCategories()), { numSamples: 4, seed: 0, controlVariate: rebarCv }),
    /^Error: rebar: controlVariate must be one made for this problem \(it was first used on bernoulli logits of shape \[3\]; create one per problem\), but got categorical logits of shape \[2, 3\]$/);
  assert.throws(() => relax(bits, { numSamples: 4, seed: 0, controlVariate: rebarCv as unknown as RelaxControlVariate }),
    /relax: controlVariate must be a RelaxControlVariate instance/);
  assert.throws(() => rebar(bits, { numSamples: 4, seed: 0, tune: true }), /rebar: tune must be false without a controlVariate/);
  assert.throws(() => rebar(bits, { numSamples: 4, seed: 0, controlVariate: rebarCv, tune: 'yes' as unknown as boolean }), /rebar: tune must be true or false/);
  rebarCv.dispose();
  assert.throws(() => rebar(bits, { numSamples: 4, seed: 0, controlVariate: rebarCv }), /rebar: controlVariate must be a RebarControlVariate that has not been disposed/);
  assert.throws(() => new RebarControlVariate({ temperature: 0 }), /RebarControlVariate: temperature must be a finite number > 0, but got 0/);
  assert.throws(() => new RebarControlVariate({ scale: NaN }), /RebarControlVariate: scale must be a finite number, but got NaN/);
  assert.throws(() => new RelaxControlVariate({ learningRate: -1 }), /RelaxControlVariate: learningRate must be a finite number > 0, but got -1/);
  assert.throws(() => new RelaxControlVariate({ hiddenUnits: 0 }), /RelaxControlVariate: hiddenUnits must be a whole number ≥ 1, but got 0/);
  assert.throws(() => new RelaxControlVariate({ seed: -2 }), /RelaxControlVariate: seed must be a whole number in \[0, 2\^32\), but got -2/);
});

test('control variate state: a non-finite gradient is refused, and a failing call leaves the parameters as they were', () => {
  const cv = new RelaxControlVariate();
  const problem = problemOf(coupledBits());
  relax(problem, { numSamples: 4, seed: 0, controlVariate: cv }).grad.dispose();
  const snapshot = () => [cv.temperature, ...cv.scale, cv.updates];
  const before = snapshot();
  assert.throws(() => cv.step(new Float32Array(1000).fill(NaN)), /^Error: RelaxControlVariate\.step: gradient must be an array of \d+ numbers/); // wrong length
  assert.equal(cv.step(Float64Array.from({ length: cv.parameterCount }, (_, i) => (i === 0 ? NaN : 1))), false);
  assert.equal(cv.refusedUpdates, 1);
  assert.deepEqual(snapshot(), before);
  // A loss that is finite at binary points but not at relaxed ones fails the call (the
  // estimate is not finite), and the control variate does not move.
  const tensorsBefore = tf.memory().numTensors;
  const brittle: GradientProblem = { ...problem, loss: (b) => tf.sum(tf.sqrt(tf.mul(b, tf.sub(b, 1))), 1) }; // NaN inside (0, 1)
  assert.throws(() => relax(brittle, { numSamples: 4, seed: 0, controlVariate: cv }), /relax: the gradient estimate is not finite although the loss values are/);
  assert.throws(() => relax({ ...problem, loss: () => { throw new Error('loss failed'); } }, { numSamples: 4, seed: 0, controlVariate: cv }), /loss failed/);
  assert.equal(tf.memory().numTensors, tensorsBefore);
  assert.deepEqual(snapshot(), before);
  assert.ok([cv.temperature, ...cv.scale].every(Number.isFinite));
  cv.dispose();
});

test('loss evaluations: 3n untuned (f at b, σ(z), σ(z̃)), 5n when tuning (the finite difference in λ)', () => {
  const problem = problemOf(toyBernoulli(0.45));
  const cv = new RebarControlVariate();
  const fresh = rebar(problem, { numSamples: 4, seed: 0 });
  assert.equal(fresh.lossEvaluations, 12);
  const tuned = rebar(problem, { numSamples: 4, seed: 0, controlVariate: cv });
  assert.equal(tuned.lossEvaluations, 20);
  const frozen = rebar(problem, { numSamples: 4, seed: 0, controlVariate: cv, tune: false });
  assert.equal(frozen.lossEvaluations, 12);
  assert.equal(cv.updates, 1);
  tf.dispose([fresh.grad, tuned.grad, frozen.grad]);
  cv.dispose();
});

// The papers' variance claim: tuning the control variate online lowers the variance,
// here measured against REINFORCE with the leave-one-out baseline at the same number
// of loss evaluations (3n: RLOO with 3n samples against REBAR/RELAX with n draws, their
// tuning switched off while measuring). STEPS Adam steps of tuning on n = 10 draws each.
const STEPS = 300, N = 10, REPEATS = 200;

interface Tuned { untuned: number; tuned: number; leaveOneOut: number }

function tuneAndMeasure(name: 'rebar' | 'relax', fixture: ReturnType<typeof toyBernoulli>): Tuned {
  const problem = problemOf(fixture);
  const cv = name === 'rebar' ? new RebarControlVariate({ learningRate: 0.03 }) : new RelaxControlVariate({ learningRate: 0.03 });
  const run = name === 'rebar' ? rebar : relax;
  const rng = new Random(20);
  for (let t = 0; t < STEPS; t++) run(problem, { numSamples: N, seed: rng, controlVariate: cv as never }).grad.dispose();
  const tuned = summarise(name, problem, { numSamples: N, seed: 21, controlVariate: cv as never, tune: false }, REPEATS);
  const untuned = summarise(name, problem, { numSamples: N, seed: 21 }, REPEATS);
  const leaveOneOut = summarise('reinforce', problem, { numSamples: 3 * N, seed: 22, baseline: 'leave-one-out' }, REPEATS);
  // Tuned or not, the estimator stays unbiased.
  tuned.mean.forEach((m, k) => assert.ok(Math.abs(m - exactGradient(fixture)[k]) <= K_SIGMA * tuned.se[k] + 1e-6, `${name} ${fixture.name} k = ${k}`));
  cv.dispose();
  return { untuned: untuned.variance, tuned: tuned.variance, leaveOneOut: leaveOneOut.variance };
}

test('tuning lowers the variance of REBAR and RELAX on (b − 0.45)², and tuned RELAX beats leave-one-out REINFORCE there', () => {
  const rebarRun = tuneAndMeasure('rebar', toyBernoulli(0.45));
  const relaxRun = tuneAndMeasure('relax', toyBernoulli(0.45));
  // Measured: REBAR 1.5e-3 untuned → 1.1e-3 tuned; RELAX → 3.2e-8; leave-one-out 3.4e-6.
  assert.ok(rebarRun.tuned < rebarRun.untuned, `REBAR ${JSON.stringify(rebarRun)}`);
  assert.ok(relaxRun.tuned < relaxRun.untuned, `RELAX ${JSON.stringify(relaxRun)}`);
  assert.ok(relaxRun.tuned < relaxRun.leaveOneOut, `RELAX ${JSON.stringify(relaxRun)}`);
});

// Measured (untuned → tuned, against leave-one-out): REBAR on (b − 0.45)² 1.5e-3 → 1.1e-3
// against 3.4e-6; on (b − 0.499)² REBAR 1.8e-3 → 1.3e-3, RELAX → 2.4e-8, against 5.0e-10;
// three coupled bits REBAR 0.25 → 0.23, RELAX → 0.14, against 0.058; two coupled
// categoricals REBAR 0.49 → 0.44, RELAX → 0.24, against 0.084. Tuning always helps, but
// the relaxation's pathwise terms cost more variance than a leave-one-out baseline with
// three times the samples does, except for RELAX on (b − 0.45)².
test('tuned REBAR and RELAX beat leave-one-out REINFORCE at equal loss evaluations on the other problems', {
  todo: 'does not hold here (measured above); the papers compare with single-sample REINFORCE, not with RLOO at 3n samples',
}, () => {
  const failures: string[] = [];
  for (const fixture of [toyBernoulli(0.45), toyBernoulli(0.499, 0), coupledBits(), coupledCategories()]) {
    for (const name of ['rebar', 'relax'] as const) {
      if (name === 'relax' && fixture.name === toyBernoulli(0.45).name) continue; // the case that holds, tested above
      const result = tuneAndMeasure(name, fixture);
      if (!(result.tuned < result.leaveOneOut)) failures.push(`${name} on ${fixture.name}: ${JSON.stringify(result)}`);
    }
  }
  assert.deepEqual(failures, []);
});
