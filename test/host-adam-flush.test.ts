/**
 * The host Adam update skips its eight flushes when no lane of four needs one
 * (wasm/adam.wat). These tests hold it to a scalar model of the flushed update, one
 * float32 operation at a time, on inputs near 2^−126 where each flush can decide a bit:
 * removing any one of the eight tests from the module makes one of these tests fail
 * (checked by hand, one test at a time).
 * (test/adam.test.ts compares the whole layout with tf.train.adam on the backends.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AdamScalars, HostAdamState } from '../src/train/host-adam';

const f = Math.fround;
const SMALLEST_NORMAL = 2 ** -126;

/** A zero of x's sign where |x| is below 2^−126, as the tensorflow backend's kernels flush; NaN stays. */
const flushed = (x: number) => (Math.abs(x) < SMALLEST_NORMAL ? (x < 0 || Object.is(x, -0) ? -0 : 0) : x);

/** One lane of the flushed update, in the module's order of float32 operations and flushes (a subnormal ε is flushed too). */
function referenceLane(g: number, m: number, v: number, theta: number, scalars: AdamScalars, c1: number, c2: number): [number, number, number] {
  const s = { ...scalars, epsilon: flushed(scalars.epsilon) };
  const m1 = flushed(f(flushed(f(m * s.beta1)) + flushed(f(g * s.oneMinusBeta1))));
  const v1 = f(flushed(f(v * s.beta2)) + flushed(f(f(g * g) * s.oneMinusBeta2)));
  const quotient = flushed(f(f(m1 / c1) / f(f(Math.sqrt(f(v1 / c2))) + s.epsilon)));
  const change = flushed(f(quotient * s.negLearningRate));
  return [m1, v1, flushed(f(change + theta))];
}

/**
 * Float32 numbers at the magnitudes where a flush can act: near 2^−126 (products and
 * sums), near 2^−63 (a square, for the second moment), and ordinary ones, so that a lane
 * that needs a flush often sits among lanes that need none; and some zeros.
 */
const magnitude = (min: number, max: number) => fc.tuple(fc.integer({ min, max }), fc.double({ min: 1, max: 2, maxExcluded: true, noNaN: true }), fc.boolean())
  .map(([e, mantissa, negative]) => f((negative ? -1 : 1) * mantissa * 2 ** e));
const nearTheEdge = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom(0, -0) },
  { weight: 4, arbitrary: magnitude(-140, -100) },
  { weight: 2, arbitrary: magnitude(-70, -55) },
  { weight: 4, arbitrary: magnitude(-20, 0) },
);

/** Runs the module over `gradients` (16 lanes a step) from weights `theta` and zero moments, and checks every weight after every step against `referenceLane`. */
function matchesFlushedModel(scalars: AdamScalars, theta: number[], gradients: number[][]): void {
  const state = HostAdamState.create([16])!;
  state.weights.set(theta.map(flushed));
  state.prepareWeights(true);
  const model = { m: new Array<number>(16).fill(0), v: new Array<number>(16).fill(0), theta: theta.map(flushed) };
  let power1 = 1, power2 = 1;
  gradients.forEach((g, step) => {
    state.gradients.set(g);
    state.prepareGradients(true);
    power1 = f(power1 * scalars.beta1);
    power2 = f(power2 * scalars.beta2);
    const c1 = f(1 - power1), c2 = f(1 - power2);
    state.update(scalars, c1, c2, true);
    for (let i = 0; i < 16; i++) [model.m[i], model.v[i], model.theta[i]] = referenceLane(flushed(g[i]), model.m[i], model.v[i], model.theta[i], scalars, c1, c2);
    for (let i = 0; i < 16; i++) {
      const ours = state.weights[i], expected = model.theta[i];
      if (!Object.is(ours, expected)) assert.fail(`step ${step}, weight ${i}: ${ours} where the flushed update gives ${expected}`);
    }
  });
}

test('property: the update skips flushes only where they change nothing (a scalar model of the flushed update, bit for bit)', () => {
  const scalarsOf = (beta1: number, beta2: number, epsilon: number, learningRate: number): AdamScalars => ({
    beta1: f(beta1), oneMinusBeta1: f(1 - beta1), beta2: f(beta2), oneMinusBeta2: f(1 - beta2), epsilon: f(epsilon), negLearningRate: f(-learningRate),
  });
  const case_ = fc.record({
    scalars: fc.tuple(fc.constantFrom(0.5, 0.9), fc.constantFrom(0.9, 0.999), fc.constantFrom(0, 1e-38, 1e-7, 1, 4), fc.constantFrom(2 ** -120, 1e-3, 0.5, 4))
      .map(([b1, b2, eps, lr]) => scalarsOf(b1, b2, eps, lr)),
    theta: fc.array(nearTheEdge, { minLength: 16, maxLength: 16 }),
    gradients: fc.array(fc.array(nearTheEdge, { minLength: 16, maxLength: 16 }), { minLength: 3, maxLength: 3 }),
  });
  fc.assert(fc.property(case_, ({ scalars, theta, gradients }) => {
    matchesFlushedModel(scalars, theta, gradients);
  }), { numRuns: 1000, seed: 20261201 });
});

test('the two sums that cancel into the subnormal range are flushed, as the backend flushes them', () => {
  const ordinary = new Array<number>(16).fill(0.25);
  // The first moment: with β1 = 1 − β1 = 1/2, m = g1/2, then m·β1 = 2^−120 and g2·(1 − β1) = −2^−120 + 2^−136: their sum is 2^−136.
  const momentCancels = { scalars: { beta1: 0.5, oneMinusBeta1: 0.5, beta2: f(0.999), oneMinusBeta2: f(1 - 0.999), epsilon: f(1e-7), negLearningRate: f(-1e-3) },
    theta: [0, ...ordinary.slice(1)], gradients: [[2 ** -118, ...ordinary.slice(1)], [-(2 ** -119) + 2 ** -135, ...ordinary.slice(1)]] };
  // The weight: a first step of about −lr = −2^−120 from θ = 2^−120 leaves 2^−143.
  const weightCancels = { scalars: { ...momentCancels.scalars, negLearningRate: -(2 ** -120) },
    theta: [2 ** -120, ...ordinary.slice(1)], gradients: [[1, ...ordinary.slice(1)]] };
  for (const { scalars, theta, gradients } of [momentCancels, weightCancels]) matchesFlushedModel(scalars, theta, gradients);
  // Without its flush each would keep a nonzero subnormal: the cases do reach the range.
  assert.notEqual(f(f(f(2 ** -118 * 0.5) * 0.5) + f((-(2 ** -119) + 2 ** -135) * 0.5)), 0);
  assert.ok(Math.abs(f(f(f(1 / f(f(1) + f(1e-7))) * -(2 ** -120)) + 2 ** -120)) < SMALLEST_NORMAL);
});

test('without flushing, the update is plain IEEE arithmetic: subnormal results are kept', () => {
  const state = HostAdamState.create([4])!;
  const scalars: AdamScalars = { beta1: f(0.9), oneMinusBeta1: f(0.1), beta2: f(0.999), oneMinusBeta2: f(1 - 0.999), epsilon: f(1e-7), negLearningRate: f(-1e-3) };
  state.weights.set([2 ** -127, 1, 0, -(2 ** -130)]);
  state.gradients.set([0, 0, 0, 0]);
  state.prepareGradients(false);
  state.prepareWeights(false);
  state.update(scalars, f(0.1), f(1 - 0.999), false);
  assert.deepEqual(Array.from(state.weights), [2 ** -127, 1, 0, -(2 ** -130)]);
  state.prepareWeights(true);
  state.update(scalars, f(0.1), f(1 - 0.999), true);
  assert.deepEqual(Array.from(state.weights).map((x) => Object.is(x, -0) ? '-0' : x), [0, 1, 0, '-0']);
});
