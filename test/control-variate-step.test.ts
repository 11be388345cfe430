/**
 * `step` of REBAR's and RELAX's control variates, the one method a user may call with a
 * gradient of their own: a gradient with a non-finite entry is refused (false, counted),
 * anything else that is not one number per parameter is an Error naming
 * `<Class>.step`, the argument and the value, and neither moves the parameters nor
 * leaks a tensor. Example cases first, then a fast-check property over sequences of
 * arbitrary gradients, checked against a model of what each one must do.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend';
import { rebar, RebarControlVariate, RelaxControlVariate } from '../src';
import { problemOf, toyBernoulli } from './estimator-fixtures';

before(async () => { await initBackend(); });

type ControlVariate = RebarControlVariate | RelaxControlVariate;

/** Everything `step` may change: the parameters as uploaded, λ, η and both counters. */
function snapshot(cv: ControlVariate, shape: number[]): unknown[] {
  const { values } = cv.parametersFor('snapshot', 'bernoulli', shape);
  return [Array.from(values), cv.temperature, cv.scale, cv.updates, cv.refusedUpdates];
}

/** Asserts that `call` throws an Error matching `message`, leaving the state and the tensor count as they were. */
function refusedWithoutChange(cv: ControlVariate, shape: number[], call: () => unknown, message: RegExp): void {
  const state = snapshot(cv, shape), tensors = tf.memory().numTensors;
  assert.throws(call, message);
  assert.equal(tf.memory().numTensors, tensors, 'tensors leaked');
  assert.deepEqual(snapshot(cv, shape), state, 'the control variate changed');
}

test('step: a gradient of the wrong length is an Error naming RebarControlVariate.step, and nothing moves', () => {
  const cv = new RebarControlVariate();
  rebar(problemOf(toyBernoulli(0.45)), { numSamples: 4, seed: 0, controlVariate: cv, tune: false }).grad.dispose();
  assert.equal(cv.parameterCount, 2); // η and log λ for one logit
  refusedWithoutChange(cv, [1], () => cv.step([0.1, 0.2, 0.3]),
    /^Error: RebarControlVariate\.step: gradient must be an array of 2 numbers, one per parameter \(parameterCount\), but got an array of 3 entries$/);
  refusedWithoutChange(cv, [1], () => cv.step(new Float32Array(1000).fill(NaN)),
    /^Error: RebarControlVariate\.step: gradient must be an array of 2 numbers, .*, but got a Float32Array of 1000 entries$/);
  refusedWithoutChange(cv, [1], () => cv.step([]), /but got an array of 0 entries$/);
  assert.equal(cv.refusedUpdates, 0, 'a wrong length is an error, not a refused update');
  cv.dispose();
});

test('step: before the first use there are no parameters, and a gradient is an Error', () => {
  const cv = new RelaxControlVariate();
  const state = [cv.parameterCount, cv.temperature, cv.scale, cv.updates];
  assert.throws(() => cv.step([0.1]),
    /^Error: RelaxControlVariate\.step: gradient must be given after the first call that uses this RelaxControlVariate \(it has no parameters before\), but got an array of 1 entry$/);
  assert.throws(() => cv.step([]), /^Error: RelaxControlVariate\.step: gradient must be given after the first call/);
  assert.deepEqual([cv.parameterCount, cv.temperature, cv.scale, cv.updates], state);
  cv.dispose();
});

test('step: an entry that is not a number is an Error naming its index; a non-finite number is refused and counted', () => {
  const cv = new RelaxControlVariate({ hiddenUnits: 2 });
  const shape = [2];
  cv.parametersFor('relax', 'bernoulli', shape);
  const size = cv.parameterCount;
  assert.equal(size, 2 + 1 + 2 * 2 + 2 + 2 + 1); // η, log λ, W₁, b₁, w₂, b₂
  const withAt = (i: number, value: unknown) => Array.from({ length: size }, (_, j) => (j === i ? value : 0.1));
  refusedWithoutChange(cv, shape, () => cv.step(withAt(4, '0.5') as never),
    /^Error: RelaxControlVariate\.step: gradient\[4\] must be a number, but got "0\.5"$/);
  refusedWithoutChange(cv, shape, () => cv.step(withAt(0, undefined) as never), /gradient\[0\] must be a number, but got undefined$/);
  refusedWithoutChange(cv, shape, () => cv.step(new BigInt64Array(size) as never), /gradient\[0\] must be a number, but got 0n$/);
  refusedWithoutChange(cv, shape, () => cv.step(new DataView(new ArrayBuffer(size)) as never),
    /^Error: RelaxControlVariate\.step: gradient must be an array of numbers \(one per parameter\), but got a DataView/);
  refusedWithoutChange(cv, shape, () => cv.step('0.1' as never), /gradient must be an array of numbers/);
  // Non-finite numbers are refused and counted, and nothing moves.
  const before = snapshot(cv, shape);
  assert.equal(cv.step(withAt(size - 1, Infinity) as number[]), false);
  assert.equal(cv.step(Float64Array.from(withAt(3, NaN) as number[])), false);
  assert.deepEqual(snapshot(cv, shape).slice(0, 3), before.slice(0, 3), 'a refused step moved the parameters');
  assert.equal(cv.refusedUpdates, 2);
  assert.equal(cv.updates, 0);
  assert.equal(cv.step(new Float32Array(size).fill(0.1)), true);
  assert.equal(cv.updates, 1);
  cv.dispose();
});

test('step: on a disposed control variate it is an Error; λ stays readable and η empty after dispose', () => {
  const cv = new RebarControlVariate({ temperature: 0.7 });
  cv.parametersFor('rebar', 'bernoulli', [1]);
  assert.equal(cv.step([0, 1]), true);
  const temperature = cv.temperature;
  cv.dispose();
  cv.dispose(); // a second dispose is harmless
  assert.throws(() => cv.step([0, 1]),
    /^Error: RebarControlVariate\.step: this RebarControlVariate must be one that has not been disposed, but got a disposed one$/);
  assert.equal(cv.temperature, temperature);
  assert.deepEqual(cv.scale, []);
  assert.equal(cv.updates, 1);
});

test('step: one Adam step, against the update written out here (first step: θ − α·g/(|g| + ε)), and λ kept in [1/100, 100]', () => {
  // Adam's first step with β₁ = 0.9, β₂ = 0.999: m̂ = g, v̂ = g², so θ moves by α·g/(|g| + 1e-8).
  // Both sides compute in float64; 1e-12 relative covers a different order of operations.
  const learningRate = 0.05, eta = 1.5, lambda = 0.5;
  const cv = new RebarControlVariate({ learningRate, scale: eta, temperature: lambda });
  cv.parametersFor('rebar', 'bernoulli', [2]);
  const g = [0.3, -2, 0.7];
  assert.equal(cv.step(g), true);
  const expected = (theta: number, gi: number) => theta - (learningRate * gi) / (Math.abs(gi) + 1e-8);
  const close = (a: number, b: number) => Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b));
  cv.scale.forEach((s, i) => assert.ok(close(s, expected(eta, g[i])), `η_${i}: ${s} vs ${expected(eta, g[i])}`));
  assert.ok(close(cv.temperature, Math.exp(expected(Math.log(lambda), g[2]))), `λ: ${cv.temperature}`);
  // Pushed down for long enough, log λ stops at log(1/100): 200 steps of about α each cover 10 > log 50.
  for (let t = 0; t < 200; t++) cv.step([0, 0, 1]);
  assert.ok(close(cv.temperature, 0.01), `λ: ${cv.temperature}`);
  for (let t = 0; t < 400; t++) cv.step([0, 0, -1]);
  assert.ok(close(cv.temperature, 100), `λ: ${cv.temperature}`);
  cv.dispose();
});

/** What `step` must do with `gradient` on a control variate of `size` parameters. */
function expectedOutcome(gradient: unknown, size: number): 'error' | 'refused' | 'taken' {
  const list = Array.isArray(gradient) || (ArrayBuffer.isView(gradient) && !(gradient instanceof DataView));
  if (!list) return 'error';
  const entries = Array.from(gradient as ArrayLike<unknown>);
  if (entries.length !== size || entries.some((x) => typeof x !== 'number')) return 'error';
  return (entries as number[]).every(Number.isFinite) ? 'taken' : 'refused';
}

/** Gradients a user might pass: of the right length or not, finite or not, typed or plain, or not a list at all. */
function gradients(size: number): fc.Arbitrary<unknown> {
  const entry = fc.oneof(
    { weight: 6, arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true }) },
    { weight: 1, arbitrary: fc.double() }, // any double, NaN and ±Infinity included
    { weight: 1, arbitrary: fc.constantFrom<unknown>('1', null, undefined, true, 1n, {}) },
  );
  const numbers = fc.double(); // for typed arrays, NaN and ±Infinity included
  return fc.oneof(
    { weight: 4, arbitrary: fc.array(entry, { minLength: size, maxLength: size }) },
    { weight: 2, arbitrary: fc.array(entry, { maxLength: size + 3 }) },
    { weight: 2, arbitrary: fc.array(numbers, { minLength: size, maxLength: size }).map((a) => Float64Array.from(a)) },
    { weight: 1, arbitrary: fc.array(numbers, { maxLength: size + 3 }).map((a) => Float32Array.from(a)) },
    { weight: 1, arbitrary: fc.constantFrom<unknown>(undefined, null, 0.1, 'abc', {}, new DataView(new ArrayBuffer(8)), new BigInt64Array(size)) },
  );
}

for (const [label, make, shape] of [
  ['RebarControlVariate', () => new RebarControlVariate({ learningRate: 0.1 }), [3]],
  ['RelaxControlVariate', () => new RelaxControlVariate({ hiddenUnits: 2, learningRate: 0.1 }), [2]],
] as const) {
  test(`step (property): on ${label}, every gradient is taken, refused or an Error as the model says, and the parameters stay finite`, () => {
    const size = (() => { const cv = make(); cv.parametersFor('probe', 'bernoulli', [...shape]); const n = cv.parameterCount; cv.dispose(); return n; })();
    fc.assert(
      fc.property(fc.array(gradients(size), { minLength: 1, maxLength: 12 }), (sequence) => {
        const cv = make();
        cv.parametersFor('probe', 'bernoulli', [...shape]);
        try {
          for (const gradient of sequence) {
            const want = expectedOutcome(gradient, size);
            const before = snapshot(cv, [...shape]) as [number[], number, number[], number, number];
            const tensors = tf.memory().numTensors;
            let got: 'error' | 'refused' | 'taken';
            try {
              got = cv.step(gradient as never) ? 'taken' : 'refused';
            } catch (error) {
              assert.ok(error instanceof Error, 'not an Error');
              assert.match(error.message, new RegExp(`^${label}\\.step: gradient(\\[\\d+\\])? must be .*, but got `));
              got = 'error';
            }
            assert.equal(got, want);
            assert.equal(tf.memory().numTensors, tensors);
            const after = snapshot(cv, [...shape]) as [number[], number, number[], number, number];
            if (got === 'taken') {
              assert.equal(after[3], before[3] + 1);
            } else {
              assert.deepEqual(after.slice(0, 4), before.slice(0, 4), `a gradient that was ${got} moved the parameters`);
              assert.equal(after[4], before[4] + (got === 'refused' ? 1 : 0));
            }
            assert.ok(after[0].every(Number.isFinite) && Number.isFinite(after[1]), 'a parameter is not finite');
            assert.ok(after[1] >= 0.01 * (1 - 1e-6) && after[1] <= 100 * (1 + 1e-6), `λ = ${after[1]} left [1/100, 100]`);
          }
        } finally {
          cv.dispose();
        }
      }),
      { seed: 15, numRuns: 200 },
    );
  });
}
