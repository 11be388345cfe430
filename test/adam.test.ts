import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { availableBackends, BackendName, initBackend } from '../src/backend';
import { Random } from '../src/random';
import { Adam, ADAM_LAYOUTS, AdamLayout } from '../src/train/adam';
import { HOST_ADAM_MAX_WEIGHTS, HostAdamState } from '../src/train/host-adam';
import { refusedBy } from './refused-by';

before(async () => {
  await initBackend();
});

/** Shapes of every rank the layouts treat differently: matrices, vectors, a scalar. */
const SHAPES = [[7, 5], [5], [3, 2, 2], [], [11]];

/** Fresh variables with the same starting values for each optimiser. */
function variablesFrom(values: Float32Array[]): tf.Variable[] {
  return values.map((v, i) => tf.tidy(() => tf.variable(tf.tensor(v, SHAPES[i]))));
}

/**
 * Gradients that exercise every branch of the formula: normal draws over several orders
 * of magnitude, exact zeros (a moment that stays 0), and a step that changes sign.
 */
function gradientsAt(step: number, rng: Random): Float32Array[] {
  return SHAPES.map((shape) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const g = rng.normalArray(n).map((x, i) => x * 10 ** ((i % 7) - 3));
    if (n > 2) g[0] = 0;
    if (step % 5 === 4) g.forEach((x, i) => { g[i] = -x; });
    return g;
  });
}

/** Trains from the same start with tf.train.adam and with Adam in `layout`; returns both sets of weights. */
function trainBoth(layout: AdamLayout, options: { learningRate: number; beta1?: number; beta2?: number; epsilon?: number }, steps: number): Float32Array[][] {
  const start = SHAPES.map((shape) => new Random(1).normalArray(shape.reduce((a, b) => a * b, 1)));
  const gradientSeries = Array.from({ length: steps }, (_, t) => gradientsAt(t, new Random(100 + t)));
  const ours = variablesFrom(start), theirs = variablesFrom(start);
  const adam = new Adam(ours, { ...options, layout });
  // Typed as the base class, whose applyGradients takes a map of gradients by name.
  const builtIn: tf.Optimizer = tf.train.adam(options.learningRate, options.beta1, options.beta2, options.epsilon);
  for (const values of gradientSeries) {
    tf.tidy(() => {
      const grads = values.map((v, i) => tf.tensor(v, SHAPES[i]));
      const named = (vars: tf.Variable[]) => Object.fromEntries(vars.map((x, i) => [x.name, grads[i]]));
      const result = adam.guardedStep(named(ours), tf.scalar(1));
      assert.deepEqual(result, { loss: 1, gradientsFinite: true, applied: true });
      builtIn.applyGradients(named(theirs));
    });
  }
  const read = (vars: tf.Variable[]) => vars.map((x) => x.dataSync() as Float32Array);
  const weights = [read(ours), read(theirs)];
  adam.dispose();
  builtIn.dispose();
  tf.dispose([...ours, ...theirs]);
  return weights;
}

for (const layout of ADAM_LAYOUTS) {
  test(`Adam in layout '${layout}' gives tf.train.adam's weights bit for bit over 20 steps`, () => {
    const before = tf.memory().numTensors;
    for (const options of [{ learningRate: 1e-3 }, { learningRate: 0.05, beta1: 0.5, beta2: 0.9, epsilon: 1e-4 }]) {
      const [ours, theirs] = trainBoth(layout, options, 20);
      ours.forEach((w, i) => assert.deepEqual(Array.from(w), Array.from(theirs[i]), `variable ${i}, options ${JSON.stringify(options)}`));
      // The weights moved, so the comparison is not between two untouched copies.
      assert.ok(ours[0].some((x, i) => x !== new Random(1).normalArray(35)[i]));
    }
    assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
  });
}

test('finite gradients whose sum overflows float32 are still applied, in every layout, as tf.train.adam applies them', () => {
  for (const layout of ADAM_LAYOUTS) {
    const w = tf.variable(tf.zeros([4])), theirs = tf.variable(tf.zeros([4]));
    const adam = new Adam([w], { learningRate: 0.1, layout }), builtIn: tf.Optimizer = tf.train.adam(0.1);
    tf.tidy(() => {
      const g = tf.tensor1d([3e38, 3e38, 3e38, -1]);
      assert.deepEqual(adam.guardedStep({ [w.name]: g }, tf.scalar(2)), { loss: 2, gradientsFinite: true, applied: true }, layout);
      builtIn.applyGradients({ [theirs.name]: g });
    });
    // (g² overflows to ∞ for the large entries, so their weights stay put; the last one moves by lr.)
    assert.deepEqual(Array.from(w.dataSync()), Array.from(theirs.dataSync()), layout);
    assert.ok(Math.abs(w.dataSync()[3] - 0.1) < 1e-6, layout);
    adam.dispose();
    builtIn.dispose();
    tf.dispose([w, theirs]);
  }
});

/**
 * Gradients near and below float32's normal range, 2^−126: subnormal entries, entries
 * whose squares or products with 1 − β are subnormal, and ordinary ones. The tensorflow
 * backend's kernels flush subnormal inputs and results to zero, wasm and cpu keep them.
 */
function tinyGradientsAt(step: number, rng: Random): Float32Array[] {
  const scales = [1e-39, 3e-38, 1e-30, 1e-22, 1e-19, 1e-15, 1];
  return SHAPES.map((shape) => {
    const n = shape.reduce((a, b) => a * b, 1);
    return rng.normalArray(n).map((x, i) => x * scales[i % scales.length] * (step % 5 === 4 ? -1 : 1));
  });
}

/** Start values at three scales, down to subnormal ones, for the tiny-number tests. */
const tinyStart = () => SHAPES.map((shape, i) => new Random(40 + i).normalArray(shape.reduce((a, b) => a * b, 1)).map((x, j) => x * [1e-38, 1e-30, 1][j % 3]));
const TINY_STEPS = 12, TINY_RATE = 1e-3;

test("the host layout matches tf.train.adam bit for bit where numbers leave float32's normal range", () => {
  const ours = variablesFrom(tinyStart()), theirs = variablesFrom(tinyStart());
  const adam = new Adam(ours, { learningRate: TINY_RATE, layout: 'host' });
  const builtIn: tf.Optimizer = tf.train.adam(TINY_RATE);
  for (let t = 0; t < TINY_STEPS; t++) {
    tf.tidy(() => {
      const grads = tinyGradientsAt(t, new Random(300 + t)).map((v, i) => tf.tensor(v, SHAPES[i]));
      assert.equal(adam.guardedStep(Object.fromEntries(ours.map((x, i) => [x.name, grads[i]])), tf.scalar(0)).applied, true);
      builtIn.applyGradients(Object.fromEntries(theirs.map((x, i) => [x.name, grads[i]])));
    });
  }
  ours.forEach((x, i) => assert.deepEqual(Array.from(x.dataSync()), Array.from(theirs[i].dataSync()), `variable ${i} on ${tf.getBackend()}`));
  adam.dispose();
  builtIn.dispose();
  tf.dispose([...ours, ...theirs]);
});

test('on those numbers, flushing subnormals changes the weights: the test above can tell the two modes apart', () => {
  const run = (flush: boolean) => {
    const state = HostAdamState.create(SHAPES.map((shape) => shape.reduce((a, b) => a * b, 1)))!;
    tinyStart().forEach((w, i) => state.weights.set(w, state.offsets[i]));
    let power1 = Math.fround(0.9), power2 = Math.fround(0.999);
    for (let t = 0; t < TINY_STEPS; t++) {
      tinyGradientsAt(t, new Random(300 + t)).forEach((g, i) => state.gradients.set(g, state.offsets[i]));
      state.prepareGradients(flush);
      if (t === 0) state.prepareWeights(flush);
      state.update({ beta1: 0.9, oneMinusBeta1: 1 - 0.9, beta2: 0.999, oneMinusBeta2: 1 - 0.999, epsilon: 1e-7, negLearningRate: -TINY_RATE },
        Math.fround(1 - power1), Math.fround(1 - power2), flush);
      power1 = Math.fround(power1 * Math.fround(0.9));
      power2 = Math.fround(power2 * Math.fround(0.999));
    }
    return Array.from(state.weights);
  };
  const kept = run(false), flushed = run(true);
  const differing = kept.filter((x, i) => x !== flushed[i]).length;
  assert.ok(differing > 0, 'some weights differ between the two modes');
  assert.ok(flushed.every((x) => x === 0 || Math.abs(x) >= 2 ** -126), 'with flushing, none does');
});

test('a step with a NaN or infinite gradient, or a NaN loss, is refused and changes nothing; the next finite step still matches', () => {
  const rng = new Random(5);
  const start = SHAPES.map((shape) => rng.normalArray(shape.reduce((a, b) => a * b, 1)));
  for (const layout of ADAM_LAYOUTS) {
    const ours = variablesFrom(start), theirs = variablesFrom(start);
    const adam = new Adam(ours, { learningRate: 0.01, layout });
    const builtIn: tf.Optimizer = tf.train.adam(0.01);
    const step = (values: Float32Array[], loss: number) => tf.tidy(() => {
      const grads = values.map((v, i) => tf.tensor(v, SHAPES[i]));
      return adam.guardedStep(Object.fromEntries(ours.map((x, i) => [x.name, grads[i]])), tf.scalar(loss));
    });
    const good = gradientsAt(0, new Random(6));
    const before = tf.memory().numTensors;
    for (const bad of [NaN, Infinity, -Infinity]) {
      const values = good.map((g) => g.slice());
      values[1][2] = bad;
      assert.deepEqual(step(values, 3), { loss: 3, gradientsFinite: false, applied: false });
    }
    assert.deepEqual(step(good, NaN), { loss: NaN, gradientsFinite: true, applied: false });
    assert.equal(tf.memory().numTensors, before, 'a refused step leaves no tensor behind');
    ours.forEach((x, i) => assert.deepEqual(Array.from(x.dataSync()), Array.from(start[i]), `${layout}: variable ${i} unchanged`));
    // The refused steps did not advance β^t or the moments: one good step equals tf.train.adam's first.
    step(good, 1);
    tf.tidy(() => builtIn.applyGradients(Object.fromEntries(theirs.map((x, i) => [x.name, tf.tensor(good[i], SHAPES[i])]))));
    ours.forEach((x, i) => assert.deepEqual(Array.from(x.dataSync()), Array.from(theirs[i].dataSync()), `${layout}: variable ${i}`));
    adam.dispose();
    builtIn.dispose();
    tf.dispose([...ours, ...theirs]);
  }
});

for (const layout of ['flat', 'host'] as const) test(`a variable assigned between steps is read afresh (layout '${layout}'): the steps after it still match tf.train.adam`, () => {
  const rng = new Random(12);
  const start = SHAPES.map((shape) => rng.normalArray(shape.reduce((a, b) => a * b, 1)));
  const ours = variablesFrom(start), theirs = variablesFrom(start);
  const adam = new Adam(ours, { learningRate: 0.01, layout });
  const builtIn: tf.Optimizer = tf.train.adam(0.01);
  for (let t = 0; t < 6; t++) {
    if (t === 3) {
      // Someone else moves a weight, as a user's callback might between two steps.
      const moved = new Random(13).normalArray(35);
      [ours[0], theirs[0]].forEach((x) => tf.tidy(() => x.assign(tf.tensor(moved, SHAPES[0]))));
    }
    tf.tidy(() => {
      const grads = gradientsAt(t, new Random(200 + t)).map((v, i) => tf.tensor(v, SHAPES[i]));
      adam.guardedStep(Object.fromEntries(ours.map((x, i) => [x.name, grads[i]])), tf.scalar(0));
      builtIn.applyGradients(Object.fromEntries(theirs.map((x, i) => [x.name, grads[i]])));
    });
  }
  ours.forEach((x, i) => assert.deepEqual(Array.from(x.dataSync()), Array.from(theirs[i].dataSync()), `variable ${i}`));
  adam.dispose();
  builtIn.dispose();
  tf.dispose([...ours, ...theirs]);
});

test('bad arguments are refused by name and leave no tensor behind', () => {
  const w = tf.variable(tf.zeros([2, 3])), b = tf.variable(tf.zeros([3]));
  const notVariable = tf.zeros([2]), wrongShape = tf.ones([2]);
  refusedBy('Adam', () => new Adam([], { learningRate: 0.1 }));
  refusedBy('Adam', () => new Adam([w, w], { learningRate: 0.1 }));
  refusedBy('Adam', () => new Adam([w, notVariable as tf.Variable], { learningRate: 0.1 }));
  refusedBy('Adam', () => new Adam([w], null as never));
  for (const learningRate of [0, -1, NaN, Infinity]) refusedBy('Adam', () => new Adam([w], { learningRate }));
  for (const beta1 of [1, -0.1, NaN]) refusedBy('Adam', () => new Adam([w], { learningRate: 0.1, beta1 }));
  refusedBy('Adam', () => new Adam([w], { learningRate: 0.1, beta2: 1.5 }));
  refusedBy('Adam', () => new Adam([w], { learningRate: 0.1, epsilon: 0 }));
  refusedBy('Adam', () => new Adam([w], { learningRate: 0.1, layout: 'diagonal' as never }));
  const adam = new Adam([w, b], { learningRate: 0.1 });
  const loss = tf.scalar(1), gw = tf.ones([2, 3]), gb = tf.ones([3]);
  refusedBy('Adam.guardedStep', () => adam.guardedStep(null as never, loss));
  refusedBy('Adam.guardedStep', () => adam.guardedStep({ [w.name]: gw }, loss));
  refusedBy('Adam.guardedStep', () => adam.guardedStep({ [w.name]: gw, [b.name]: wrongShape }, loss));
  refusedBy('Adam.guardedStep', () => adam.guardedStep({ [w.name]: gw, [b.name]: gb }, wrongShape as tf.Scalar));
  // The refused calls changed nothing.
  assert.deepEqual(Array.from(w.dataSync()), [0, 0, 0, 0, 0, 0]);
  adam.dispose();
  refusedBy('Adam.guardedStep', () => adam.guardedStep({ [w.name]: gw, [b.name]: gb }, loss));
  // A variable disposed under a live optimiser is named, not read.
  const other = new Adam([w, b], { learningRate: 0.1 });
  b.dispose();
  refusedBy('Adam.guardedStep', () => other.guardedStep({ [w.name]: gw, [b.name]: gb }, loss));
  other.dispose();
  tf.dispose([w, loss, gw, gb, notVariable, wrongShape]);
});

test('property: the host layout gives tf.train.adam\'s weights bit for bit for any sizes, hyperparameters and gradients', () => {
  const before = tf.memory().numTensors;
  const magnitude = fc.constantFrom(0, 1e-39, 1e-30, 1e-20, 1e-8, 1, 1e8, 1e30);
  const entries = (n: number) => fc.array(fc.tuple(fc.double({ min: -1, max: 1, noNaN: true }), magnitude), { minLength: n, maxLength: n })
    .map((xs) => Float32Array.from(xs, ([x, m]) => x * m));
  const setup = fc.record({
    sizes: fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 4 }),
    learningRate: fc.constantFrom(1e-3, 0.1, 3),
    beta1: fc.constantFrom(0, 0.5, 0.9),
    beta2: fc.constantFrom(0.9, 0.999),
    epsilon: fc.constantFrom(1e-7, 1e-3),
  }).chain((o) => fc.record({
    o: fc.constant(o),
    start: fc.tuple(...o.sizes.map(entries)),
    steps: fc.array(fc.tuple(...o.sizes.map(entries)), { minLength: 1, maxLength: 4 }),
  }));
  fc.assert(fc.property(setup, ({ o, start, steps }) => {
    const make = () => start.map((v) => tf.tidy(() => tf.variable(tf.tensor1d(v))));
    const ours = make(), theirs = make();
    const adam = new Adam(ours, { learningRate: o.learningRate, beta1: o.beta1, beta2: o.beta2, epsilon: o.epsilon, layout: 'host' });
    const builtIn: tf.Optimizer = tf.train.adam(o.learningRate, o.beta1, o.beta2, o.epsilon);
    for (const gradients of steps) {
      tf.tidy(() => {
        const grads = gradients.map((g) => tf.tensor1d(g));
        adam.guardedStep(Object.fromEntries(ours.map((x, i) => [x.name, grads[i]])), tf.scalar(0));
        builtIn.applyGradients(Object.fromEntries(theirs.map((x, i) => [x.name, grads[i]])));
      });
    }
    const same = ours.every((x, i) => Array.from(x.dataSync()).every((w, j) => Object.is(w, theirs[i].dataSync()[j])));
    adam.dispose();
    builtIn.dispose();
    tf.dispose([...ours, ...theirs]);
    return same;
  }), { seed: 21, numRuns: 60 });
  assert.equal(tf.memory().numTensors, before);
});

test('the host layout holds at most HOST_ADAM_MAX_WEIGHTS weights; beyond, the tensor layouts take over', () => {
  assert.equal(HostAdamState.create([HOST_ADAM_MAX_WEIGHTS + 1]), null);
  const state = HostAdamState.create([1, 5, 4]);
  assert.ok(state);
  assert.deepEqual(state.offsets, [0, 4, 12], 'each variable on a 4-float boundary');
});

test('the host layout shares no memory with the tensors it writes: weights kept from an earlier step stay as they were', async () => {
  const start = tf.getBackend();
  for (const backend of availableBackends()) {
    await initBackend(backend);
    const x = tf.variable(tf.tensor1d([0.5, -1, 2, 3, 4]));
    const adam = new Adam([x], { learningRate: 0.1, layout: 'host' });
    const earlier: { kept: tf.Tensor; values: number[] }[] = [];
    for (let t = 0; t < 3; t++) {
      tf.tidy(() => { adam.guardedStep({ [x.name]: tf.tensor1d([1, -2, 3, -4, 5]) }, tf.scalar(0)); });
      // A clone shares the variable's data, which the next step replaces, not overwrites.
      earlier.push({ kept: tf.clone(x), values: Array.from(x.dataSync()) });
    }
    earlier.forEach(({ kept, values }, t) => assert.deepEqual(Array.from(kept.dataSync()), values, `step ${t} on ${backend}`));
    assert.notDeepEqual(earlier[0].values, earlier[2].values);
    adam.dispose();
    tf.dispose([x, ...earlier.map((e) => e.kept)]);
  }
  await initBackend(start as BackendName);
});
