import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend';
import { ESTIMATOR_FAMILIES, ESTIMATOR_NAMES, EstimatorName, MovingAverageBaseline } from '../src';
import { constantTemperature, exponentialAnnealing, historyRows, optimize, OptimizeOptions, TrainingRecord } from '../src';
import { SQUARED_ERROR_CATEGORICAL_TARGET, squaredErrorExactLoss, squaredErrorLoss } from '../src/studies/squared-error/problem';

before(async () => { await initBackend(); });

const TARGET = SQUARED_ERROR_CATEGORICAL_TARGET as number[];

function run(estimator: EstimatorName, extra: Partial<OptimizeOptions> = {}) {
  const logits = tf.variable(tf.tensor1d([1, 1, 1]));
  const history = optimize(logits, { family: 'categorical', loss: squaredErrorLoss(TARGET) }, {
    estimator, steps: 200, learningRate: 0.05, numSamples: 100, seed: 0, temperature: 1, recordEvery: 50, ...extra,
  });
  const final = Array.from(logits.dataSync());
  logits.dispose();
  return { history, final };
}

// Schedules: exact values.

test('constantTemperature gives its τ at every step', () => {
  const s = constantTemperature(5);
  assert.deepEqual([0, 1, 9999].map(s), [5, 5, 5]);
});

test('exponentialAnnealing: max(τ0·exp(−r·t′), τmin), t′ rounded down to a multiple of N', () => {
  const s = exponentialAnnealing({ initial: 5, rate: 1e-3, minimum: 0.5, every: 100 });
  assert.equal(s(0), 5);
  assert.equal(s(99), 5);
  assert.ok(Math.abs(s(100) - 5 * Math.exp(-0.1)) < 1e-12);
  assert.equal(s(199), s(100));
  assert.ok(Math.abs(s(250) - 5 * Math.exp(-0.2)) < 1e-12);
  assert.equal(s(100_000), 0.5);
  // Defaults as in Jang et al.: τ0 = 1, τmin = 0.5, updated every step.
  const d = exponentialAnnealing({ rate: 1e-4 });
  assert.ok(Math.abs(d(1000) - Math.exp(-0.1)) < 1e-12);
  assert.equal(d(10_000_000), 0.5);
});

test('schedules refuse bad arguments', () => {
  assert.throws(() => constantTemperature(0), /constantTemperature: temperature must be a finite number > 0, but got 0/);
  assert.throws(() => exponentialAnnealing({ rate: -1 }), /exponentialAnnealing: rate must be a finite number ≥ 0, but got -1/);
  assert.throws(() => exponentialAnnealing({ rate: 1, initial: 1, minimum: 2 }), /minimum must be at most initial \(1\), but got 2/);
  assert.throws(() => exponentialAnnealing({ rate: 1, every: 0 }), /every must be a whole number ≥ 1, but got 0/);
  assert.throws(() => exponentialAnnealing({ rate: 1 })(-1), /step must be a whole number ≥ 0, but got -1/);
  assert.throws(() => constantTemperature(1)(1.5), /step must be a whole number ≥ 0, but got 1.5/);
});

// The loop.

test('optimize records every recordEvery steps and the last, with the exact loss at each record', () => {
  const seen: [TrainingRecord, number][] = [];
  const { history, final } = run('st-gumbel-softmax', { steps: 120, recordEvery: 50, onRecord: (r, h) => seen.push([r, h.length]) });
  assert.deepEqual(history.map((r) => r.step), [0, 50, 100, 119]);
  // onRecord sees each record as it is added, and the history up to it.
  assert.deepEqual(seen.map(([r, n]) => [r.step, n]), [[0, 1], [50, 2], [100, 3], [119, 4]]);
  assert.equal(seen[2][0], history[2]);
  assert.ok(Math.abs(history[0].exactLoss - squaredErrorExactLoss([1, 1, 1], TARGET)) < 1e-6);
  history.forEach((r) => assert.ok(Math.abs(r.probs.reduce((a, b) => a + b, 0) - 1) < 1e-5));
  assert.deepEqual(history.map((r) => r.temperature), [1, 1, 1, 1]);
  assert.ok(history.every((r) => r.gradNorm > 0 && Number.isFinite(r.gradNorm)));
  assert.ok(final.every(Number.isFinite));
});

test('REINFORCE with a leave-one-out baseline drives the squared-error toy towards its optimum', () => {
  const { history } = run('reinforce', { steps: 400, learningRate: 0.5, baseline: 'leave-one-out', recordEvery: 399 });
  // The optimum puts all mass on the middle category, where the loss is 0.14.
  assert.ok(history[1].exactLoss < 0.3, `exact loss ${history[1].exactLoss}`);
  assert.ok(history[1].probs[1] > 0.8);
});

test('a temperature schedule is followed, and a moving-average baseline is used', () => {
  const schedule = exponentialAnnealing({ initial: 2, rate: 0.01, minimum: 0.5, every: 10 });
  const { history } = run('gumbel-softmax', { steps: 101, recordEvery: 50, temperature: schedule });
  assert.deepEqual(history.map((r) => r.temperature), [2, schedule(50), schedule(100)]);
  const r = run('reinforce', { steps: 20, baseline: new MovingAverageBaseline(), temperature: undefined });
  assert.ok(r.history.every((x) => Number.isNaN(x.temperature)));
});

test('the same seed gives the same history', () => {
  for (const estimator of ['reinforce', 'st-gumbel-softmax'] as const) {
    assert.deepEqual(run(estimator, { steps: 60 }), run(estimator, { steps: 60 }));
    assert.notDeepEqual(run(estimator, { steps: 60 }).final, run(estimator, { steps: 60, seed: 1 }).final);
  }
});

// The one history-to-rows helper.

test('historyRows: constant columns first, numbers as they are, NaN and ±∞ as null, number arrays spread, nested arrays left out', () => {
  const rows = historyRows([
    { step: 0, loss: 1.5, exactLoss: NaN, probs: [0.25, 0.75], label: 'a', final: false, logits: [[1, 2]] },
    { step: 10, loss: Infinity, exactLoss: 0.5, probs: [0.5, NaN], label: 'b', final: true, logits: [[3, 4]] },
  ], { estimator: 'st', seed: 3 });
  assert.deepEqual(rows, [
    { estimator: 'st', seed: 3, step: 0, loss: 1.5, exactLoss: null, probs0: 0.25, probs1: 0.75, label: 'a', final: false },
    { estimator: 'st', seed: 3, step: 10, loss: null, exactLoss: 0.5, probs0: 0.5, probs1: null, label: 'b', final: true },
  ]);
  assert.deepEqual(Object.keys(rows[0]).slice(0, 2), ['estimator', 'seed']);
  const { history } = run('reinforce', { steps: 3, recordEvery: 1 });
  assert.deepEqual(Object.keys(historyRows(history)[0]).sort(), ['exactLoss', 'gradNorm', 'loss', 'probs0', 'probs1', 'probs2', 'step', 'temperature']);
});

test('historyRows refuses what is not a history', () => {
  assert.throws(() => historyRows({ step: [0] } as never), /historyRows: history must be an array of records, as a training loop returns, but got/);
  assert.throws(() => historyRows([1] as never), /historyRows: history\[0\] must be a record \(an object\), but got 1/);
  assert.throws(() => historyRows([], [] as never), /historyRows: extra must be an object of constant columns/);
  assert.throws(() => historyRows([], { a: {} } as never), /historyRows: extra.a must be a string or a finite number/);
});

test('1000 optimisation steps of each estimator leave tf.memory().numTensors unchanged', () => {
  for (const estimator of ESTIMATOR_NAMES.filter((e) => ESTIMATOR_FAMILIES[e].includes('categorical'))) {
    const logits = tf.variable(tf.tensor1d([1, 1, 1]));
    const before = tf.memory().numTensors;
    optimize(logits, { family: 'categorical', loss: squaredErrorLoss(TARGET) }, {
      estimator, steps: 1000, learningRate: 0.01, numSamples: 100, seed: 0, temperature: 5, recordEvery: 100,
      baseline: estimator === 'reinforce' ? new MovingAverageBaseline() : undefined,
    });
    assert.equal(tf.memory().numTensors, before, estimator);
    logits.dispose();
  }
});

test('optimize refuses bad arguments', () => {
  const logits = tf.variable(tf.tensor1d([1, 1, 1]));
  const problem = { family: 'categorical' as const, loss: squaredErrorLoss(TARGET) };
  const base: OptimizeOptions = { estimator: 'reinforce', steps: 10, learningRate: 0.1, numSamples: 10, seed: 0 };
  const notAVariable = tf.tensor1d([1, 1, 1]);
  const before = tf.memory().numTensors;
  assert.throws(() => optimize(logits, problem, { ...base, estimator: 'no-such-estimator' as EstimatorName }), /optimize: estimator must be one of exact, reinforce, gumbel-softmax, st-gumbel-softmax, .*but got "no-such-estimator"/);
  assert.throws(() => optimize(logits, problem, { ...base, estimator: 'gumbel-softmax' }), /optimize: temperature must be given for 'gumbel-softmax'/);
  assert.throws(() => optimize(notAVariable as tf.Variable, problem, base), /optimize: logits must be a tf.Variable/);
  assert.throws(() => optimize(logits, { family: 'poisson' } as never, base), /optimize: problem.family must be one of categorical, bernoulli, but got "poisson"/);
  assert.throws(() => optimize(logits, problem, undefined as never), /optimize: options must be an object, but got undefined/);
  assert.throws(() => optimize(logits, problem, { ...base, steps: 0 }), /optimize: steps must be a whole number ≥ 1, but got 0/);
  assert.throws(() => optimize(logits, problem, { ...base, learningRate: -0.1 }), /optimize: learningRate must be a finite number > 0, but got -0.1/);
  assert.throws(() => optimize(logits, problem, { ...base, numSamples: 1.5 }), /optimize: numSamples must be a whole number ≥ 1, but got 1.5/);
  assert.throws(() => optimize(logits, problem, { ...base, recordEvery: 0 }), /optimize: recordEvery must be a whole number ≥ 1, but got 0/);
  assert.throws(() => optimize(logits, problem, { ...base, onRecord: 'log' as never }), /optimize: onRecord must be a function \(record, history\) => void, but got "log"/);
  assert.throws(() => optimize(logits, problem, { ...base, baseline: 'average' as 'none' }), /optimize: baseline must be 'none', 'leave-one-out' or a MovingAverageBaseline instance, but got "average"/);
  assert.equal(tf.memory().numTensors, before);
  assert.deepEqual(Array.from(logits.dataSync()), [1, 1, 1]);
  tf.dispose([logits, notAVariable]);
});
