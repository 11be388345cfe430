import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend';
import { ToyArgmaxModel, ArgmaxHead, FLOAT32_MIN_NORMAL } from '../src/studies/toy-argmax/model';
import { absWithSignGradient } from '../src/studies/toy-argmax/abs-with-sign-gradient';
import { shuffledArray } from '../src/studies/toy-argmax/data';
import { trainToyArgmax, toyArgmaxAccuracy } from '../src/studies/toy-argmax/train';

before(async () => { await initBackend(); });

/** assert.throws matches a regex against "Error: message"; this matches the message itself. */
const throwsWith = (f: () => unknown, re: RegExp) => assert.throws(f, (e: Error) => re.test(e.message), `expected ${re}`);
/** Runs f, which must throw a message matching re, and checks that no tensor was left behind. */
function throwsWithoutLeak(f: () => unknown, re: RegExp): void {
  const start = tf.memory().numTensors;
  throwsWith(f, re);
  assert.equal(tf.memory().numTensors, start, `tensors leaked on the error path of ${re}`);
}
const values = (f: () => tf.Tensor): number[] => Array.from(tf.tidy(() => f().dataSync()));

const ARRAY = [3, 2, 0, 4, 1];
const TARGET = 3;
const TAU = 0.75;

test('absWithSignGradient: value |x|, gradient sign(x), 0 at the kink (TensorFlow.js abs gives -1 there)', () => {
  const x = tf.tensor1d([0, 1, -1, 2.5, -0.25]);
  assert.deepEqual(values(() => absWithSignGradient(x)), [0, 1, 1, 2.5, 0.25]);
  assert.deepEqual(values(() => tf.grad((v: tf.Tensor) => tf.sum(absWithSignGradient(v)))(x)), [0, 1, -1, 1, -1]);
  // The artefact this function exists for; if TensorFlow.js changes it, notebook 05's lesson must change too.
  assert.deepEqual(values(() => tf.grad((v: tf.Tensor) => tf.sum(tf.abs(v)))(x)), [-1, 1, -1, 1, -1]);
  // The incoming gradient is scaled, not replaced.
  assert.deepEqual(values(() => tf.grad((v: tf.Tensor) => tf.sum(tf.mul(absWithSignGradient(v), 3)))(x)), [0, 3, -3, 3, -3]);
  x.dispose();
});

/**
 * The gradient both Gumbel-Softmax heads send to the kernel, derived by hand: with
 * y = softmax((xW + G)/τ) and ŝ = Σ_j j y_j, ∂ŝ/∂h_j = y_j (j − ŝ)/τ, so
 * ∂L/∂W_ij = Σ_b sign(pred_b − t_b) x_bi y_bj (j − ŝ_b)/τ. Straight-through changes only pred;
 * `signAtZero` is the slope the loss is given at an error of exactly 0.
 */
function handGradient(x: number[][], W: number[], noise: number[][], targets: number[], straight: boolean, signAtZero = 0): number[] {
  const K = x[0].length;
  const grad = new Array(K * K).fill(0);
  x.forEach((row, b) => {
    const h = Array.from({ length: K }, (_, j) => (row.reduce((s, xi, i) => s + xi * W[i * K + j], 0) + noise[b][j]) / TAU);
    const top = Math.max(...h);
    const e = h.map((v) => Math.exp(v - top));
    const y = e.map((v) => v / e.reduce((a, c) => a + c, 0));
    const soft = y.reduce((s, v, j) => s + j * v, 0);
    const pred = straight ? y.indexOf(Math.max(...y)) : soft;
    const sign = Math.sign(pred - targets[b]) || signAtZero;
    for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) grad[i * K + j] += sign * row[i] * y[j] * (j - soft) / TAU;
  });
  return grad;
}

test('straight-through head, prediction exactly right: no gradient reaches the kernel ("tfjs-abs" keeps the push)', () => {
  const x = tf.tensor2d([ARRAY]);
  const t = tf.tensor1d([TARGET]);
  const noise = [[0, 0, 0, 1, 0]]; // W = 0, so the noise alone puts the argmax at the target
  const G = tf.tensor2d(noise);
  const lossAndGrad = (loss?: 'absolute-error' | 'tfjs-abs') => {
    const model = new ToyArgmaxModel({ head: 'st-gumbel-softmax', temperature: TAU, loss });
    const out = tf.tidy(() => {
      assert.deepEqual(Array.from(model.predict(x, G).dataSync()), [TARGET]);
      const r = model.lossAndGradient(x, t, G);
      return { loss: r.loss.dataSync()[0], grad: Array.from(r.grad.dataSync()) };
    });
    model.dispose();
    return out;
  };
  const right = lossAndGrad();
  assert.equal(right.loss, 0);
  assert.ok(right.grad.every((g) => g === 0), `${right.grad}`);
  // TensorFlow.js's abs: the gradient of a loss of 0 is that of an error −1 below the target.
  const artefact = lossAndGrad('tfjs-abs');
  const expected = handGradient([ARRAY], new Array(25).fill(0), noise, [TARGET], true, -1);
  const scale = Math.max(...expected.map(Math.abs));
  assert.equal(artefact.loss, 0);
  assert.ok(scale > 0.1, `the push should be sizeable, got ${scale}`);
  artefact.grad.forEach((g, k) => assert.ok(Math.abs(g - expected[k]) <= 1e-4 * scale, `entry ${k}: ${g} against ${expected[k]}`));
  tf.dispose([x, t, G]);
});

for (const head of ['gumbel-softmax', 'st-gumbel-softmax'] as ArgmaxHead[]) {
  test(`${head}: autodiff gradient matches the hand-derived one at a trained kernel (relative 1e-4)`, () => {
    const rows = [ARRAY, [0, 4, 1, 2, 3], [2, 0, 4, 3, 1]];
    const targets = rows.map((r) => r.indexOf(4));
    const model = new ToyArgmaxModel({ head, temperature: TAU });
    trainToyArgmax(model, { x: rows, targets }, { steps: 2, seed: 4, learningRate: 0.1 }); // a kernel that is not zero
    const noise = [[0.3, -0.2, 1.1, 0.4, -0.5], [0.9, 0.1, -0.3, 0.2, 0.05], [-0.4, 0.6, 0.2, 0.8, 0.1]];
    const W = Array.from(model.kernel.dataSync());
    const auto = values(() => model.lossAndGradient(tf.tensor2d(rows), tf.tensor1d(targets), tf.tensor2d(noise)).grad);
    const hand = handGradient(rows, W, noise, targets, head === 'st-gumbel-softmax');
    const scale = Math.max(...hand.map(Math.abs));
    assert.ok(scale > 1e-3, 'the hand gradient is too small to test anything');
    auto.forEach((g, k) => assert.ok(Math.abs(g - hand[k]) <= 1e-4 * scale, `entry ${k}: autodiff ${g}, by hand ${hand[k]}`));
    model.dispose();
  });
}

test('sampled-argmax head: the gradient is zero and the kernel never moves', () => {
  const model = new ToyArgmaxModel({ head: 'sampled-argmax' });
  const history = trainToyArgmax(model, { x: [ARRAY], targets: [TARGET] }, { steps: 3, seed: 10 });
  assert.ok(history.every((h) => h.gradNorm === 0 && Number.isInteger(h.prediction)));
  assert.ok(model.kernel.dataSync().every((w) => w === 0));
  model.dispose();
});

test('the soft head reaches the kink only once its softmax has saturated: both losses train alike (1e-4)', () => {
  const run = (loss: 'absolute-error' | 'tfjs-abs') => {
    const model = new ToyArgmaxModel({ head: 'gumbel-softmax', loss });
    const history = trainToyArgmax(model, { x: [ARRAY], targets: [TARGET] }, { steps: 10, seed: 3 });
    model.dispose();
    return history;
  };
  const [right, artefact] = [run('absolute-error'), run('tfjs-abs')];
  right.forEach((r, i) => {
    assert.ok(Math.abs(r.prediction - artefact[i].prediction) < 1e-4, `step ${i}: ${r.prediction} against ${artefact[i].prediction}`);
    assert.ok(Math.abs(r.gradNorm - artefact[i].gradNorm) < 1e-4, `step ${i}: |∇W| ${r.gradNorm} against ${artefact[i].gradNorm}`);
  });
});

test('construct and dispose leaves the tensor count where it was; training holds it flat', () => {
  const start = tf.memory().numTensors;
  new ToyArgmaxModel({ head: 'gumbel-softmax' }).dispose();
  assert.equal(tf.memory().numTensors, start);
  const model = new ToyArgmaxModel({ head: 'st-gumbel-softmax', numValues: 4 });
  const held = tf.memory().numTensors;
  trainToyArgmax(model, { x: [[0, 3, 1, 2], [2, 1, 3, 0]], targets: [1, 2] }, { steps: 30, seed: 1 });
  toyArgmaxAccuracy(model, [[0, 3, 1, 2]]);
  assert.equal(tf.memory().numTensors, held);
  model.dispose();
  assert.equal(tf.memory().numTensors, start);
});

test('determinism: the same seed gives the same history, another seed another one', () => {
  const run = (seed: number) => {
    const model = new ToyArgmaxModel({ head: 'st-gumbel-softmax' });
    const history = trainToyArgmax(model, { x: [ARRAY], targets: [TARGET] }, { steps: 6, seed });
    model.dispose();
    return history;
  };
  assert.deepEqual(run(5), run(5));
  assert.notDeepEqual(run(5), run(6));
});

test('shuffledArray: a permutation of 0 … K−1 and the position of K − 1, fixed by the seed', () => {
  const { x, target } = shuffledArray(7, 11);
  assert.deepEqual([...x].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6]);
  assert.equal(x[target], 6);
  assert.deepEqual(shuffledArray(7, 11), { x, target });
});

test('shuffledArray rejects a length that is not a whole number in [2, 1024]', () => {
  for (const bad of [0, 1, -3, 2.5, NaN, Infinity, 5000]) throwsWith(() => shuffledArray(bad, 0), /^shuffledArray: numValues must be a whole number in \[2, 1024\], but got /);
  throwsWith(() => shuffledArray(5, -1), /^shuffledArray: seed must be/);
});

test('ToyArgmaxModel rejects bad options with a named error and no leak', () => {
  const cases: [unknown, RegExp][] = [
    [null, /^ToyArgmaxModel: options must be an object, but got null/],
    [{ head: 'argmax' }, /^ToyArgmaxModel: head must be one of sampled-argmax, gumbel-softmax, st-gumbel-softmax, but got "argmax"/],
    [{ head: 'gumbel-softmax', numValues: 0 }, /^ToyArgmaxModel: numValues must be a whole number in \[2, 1024\], but got 0/],
    [{ head: 'gumbel-softmax', numValues: 2.5 }, /^ToyArgmaxModel: numValues must be .* but got 2.5/],
    [{ head: 'gumbel-softmax', temperature: 0 }, /^ToyArgmaxModel: temperature must be a finite number ≥ 2\^-126 .*, but got 0/],
    [{ head: 'gumbel-softmax', temperature: 1e-40 }, /^ToyArgmaxModel: temperature must be .* but got 1e-40/],
    [{ head: 'gumbel-softmax', temperature: Infinity }, /^ToyArgmaxModel: temperature must be .* but got Infinity/],
    [{ head: 'gumbel-softmax', temperature: NaN }, /^ToyArgmaxModel: temperature must be .* but got NaN/],
    [{ head: 'gumbel-softmax', loss: 'l2' }, /^ToyArgmaxModel: loss must be one of absolute-error, tfjs-abs, but got "l2"/],
  ];
  for (const [options, re] of cases) throwsWithoutLeak(() => new ToyArgmaxModel(options as never), re);
});

test('trainToyArgmax rejects bad data and options, naming the argument, with no leak', () => {
  const model = new ToyArgmaxModel({ head: 'gumbel-softmax' });
  const ok = { x: [ARRAY], targets: [TARGET] };
  const cases: [() => unknown, RegExp][] = [
    [() => trainToyArgmax(model, { x: [[0, 1, 2]], targets: [1] }, { steps: 2, seed: 1 }), /^trainToyArgmax: data\.x must be a non-empty array of rows of 5 finite numbers, but got \[0, 1, 2\] at row 0/],
    [() => trainToyArgmax(model, { x: [ARRAY, [1, 2, NaN, 3, 4]], targets: [3, 0] }, { steps: 2, seed: 1 }), /^trainToyArgmax: data\.x must be .* at row 1/],
    [() => trainToyArgmax(model, { x: [], targets: [] }, { steps: 2, seed: 1 }), /^trainToyArgmax: data\.x must be/],
    // A single target would broadcast silently over two rows.
    [() => trainToyArgmax(model, { x: [ARRAY, ARRAY], targets: [3] }, { steps: 2, seed: 1 }), /^trainToyArgmax: data\.targets must be an array of 2 whole numbers in \[0, 5\)/],
    [() => trainToyArgmax(model, { x: [ARRAY], targets: [5] }, { steps: 2, seed: 1 }), /^trainToyArgmax: data\.targets must be .* but got 5 at row 0/],
    [() => trainToyArgmax(model, ok, { steps: 0, seed: 1 }), /^trainToyArgmax: steps must be a whole number ≥ 1, but got 0/],
    [() => trainToyArgmax(model, ok, { steps: 2, learningRate: -1, seed: 1 }), /^trainToyArgmax: learningRate must be a finite number > 0, but got -1/],
    [() => trainToyArgmax(model, ok, { steps: 2, seed: 1.5 }), /^trainToyArgmax: seed must be/],
    [() => trainToyArgmax({} as ToyArgmaxModel, ok, { steps: 2, seed: 1 }), /^trainToyArgmax: model must be a ToyArgmaxModel/],
    [() => toyArgmaxAccuracy(model, [[1, 2]]), /^toyArgmaxAccuracy: arrays must be a non-empty array of rows of 5 finite numbers, but got \[1, 2\] at row 0/],
  ];
  for (const [f, re] of cases) throwsWithoutLeak(f, re);
  assert.ok(model.kernel.dataSync().every((w) => w === 0), 'a refused call changed the kernel');
  model.dispose();
  throwsWithoutLeak(() => trainToyArgmax(model, ok, { steps: 2, seed: 1 }), /^trainToyArgmax: model must be a model that has not been disposed, but got a disposed model/);
  throwsWithoutLeak(() => toyArgmaxAccuracy(model, [ARRAY]), /^toyArgmaxAccuracy: model must be a model that has not been disposed/);
});

test('a step that would make the kernel or loss non-finite is undone: named error, finite kernel, no leak', () => {
  const model = new ToyArgmaxModel({ head: 'gumbel-softmax' });
  // A finite but absurd learning rate: the first step puts ~3e38 in the kernel, the scores of the next overflow.
  throwsWithoutLeak(
    () => trainToyArgmax(model, { x: [ARRAY], targets: [TARGET] }, { steps: 5, seed: 2, learningRate: 1e38 }),
    /^trainToyArgmax: the loss, gradient and new kernel at step [1-4] must be finite \(the step was undone\), but got a loss of NaN/,
  );
  const kernel = Array.from(model.kernel.dataSync());
  assert.ok(kernel.every(Number.isFinite) && kernel.some((w) => w !== 0), `the undone step left ${kernel}`);
  model.dispose();
});

test('no NaN from valid extremes: a tiny temperature gives a one-hot softmax, a huge gradient a finite norm', () => {
  // At τ = 2^-126 a Gumbel draw above about 4 makes G/τ overflow; 500 draws hold several such.
  const cold = new ToyArgmaxModel({ head: 'gumbel-softmax', temperature: FLOAT32_MIN_NORMAL });
  const rows = Array.from({ length: 100 }, (_, i) => shuffledArray(5, i).x);
  const coldHistory = trainToyArgmax(cold, { x: rows, targets: rows.map((r) => r.indexOf(4)) }, { steps: 2, seed: 2 });
  assert.ok(coldHistory.every((h) => Number.isInteger(h.loss) && Number.isFinite(h.gradNorm)), JSON.stringify(coldHistory));
  cold.dispose();
  // Entries near 1e20: the gradient's squares overflow float32, its norm (about 3e19 here) must not.
  const big = new ToyArgmaxModel({ head: 'gumbel-softmax' });
  const [first] = trainToyArgmax(big, { x: [[1e20, 0, 2e20, 3e20, 0]], targets: [0] }, { steps: 1, seed: 2 });
  assert.ok(Number.isFinite(first.gradNorm) && first.gradNorm > 1e18, `${first.gradNorm}`);
  big.dispose();
});

test('predict and lossAndGradient check their tensors, naming the method', () => {
  const model = new ToyArgmaxModel({ head: 'gumbel-softmax' });
  const x = tf.tensor2d([ARRAY]);
  const noise = tf.zeros([1, 5]) as tf.Tensor2D;
  const narrow = tf.zeros([1, 4]) as tf.Tensor2D;
  const flat = tf.tensor1d(ARRAY);
  const twoTargets = tf.tensor1d([3, 1]);
  throwsWithoutLeak(() => model.predict(x, narrow), /^ToyArgmaxModel\.predict: noise must be a live float32 tensor of the shape of x, \[1, 5\], but got a tensor of shape \[1, 4\]/);
  throwsWithoutLeak(() => model.predict(flat as never, noise), /^ToyArgmaxModel\.predict: x must be a live float32 tensor of shape \[b, 5\]/);
  throwsWithoutLeak(() => model.lossAndGradient(x, twoTargets, noise), /^ToyArgmaxModel\.lossAndGradient: targets must be a live float32 tensor of shape \[1\]/);
  throwsWithoutLeak(() => absWithSignGradient([1, 2] as never), /^absWithSignGradient: x must be a tf\.Tensor, but got \[1, 2\]/);
  model.dispose();
  throwsWithoutLeak(() => model.predict(x, noise), /^ToyArgmaxModel\.predict: the model must be a model that has not been disposed/);
  tf.dispose([x, noise, narrow, flat, twoTargets]);
});
