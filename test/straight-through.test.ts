import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend';
import { stopGradient, straightThrough } from '../src/estimators/straight-through';
import { RelaxedBernoulli, RelaxedOneHotCategorical } from '../src/distributions';

before(async () => { await initBackend(); });

const values = (f: () => tf.Tensor): number[] => Array.from(tf.tidy(() => f().dataSync()));
/** assert.throws matches a regex against "Error: message"; this matches the message itself. */
const throwsWith = (f: () => unknown, re: RegExp) => assert.throws(f, (e: Error) => re.test(e.message));

test('forward: one-hot argmax along a last axis of size > 1 (first one on ties)', () => {
  const y = [[0.2, 0.5, 0.3], [0.6, 0.1, 0.3], [0.4, 0.4, 0.2]];
  assert.deepEqual(values(() => straightThrough(tf.tensor(y))), [0, 1, 0, 1, 0, 0, 1, 0, 0]);
  const batched = tf.tidy(() => straightThrough(tf.ones([4, 2, 5])));
  assert.deepEqual(batched.shape, [4, 2, 5]);
  assert.equal(batched.dtype, 'float32');
  batched.dispose();
});

test('forward: rounding along a last axis of size 1 (0.5 rounds to even, 0)', () => {
  assert.deepEqual(values(() => straightThrough(tf.tensor([[0.2], [0.7], [0.5], [0.51], [1]]))), [0, 1, 0, 1, 1]);
});

test('backward: the gradient is the identity, for both forms', () => {
  const w = tf.tensor([[1, -2, 3], [0.5, 4, -1]]);
  const g = values(() => tf.grad((y: tf.Tensor) => tf.sum(tf.mul(straightThrough(y), w)))(tf.tensor([[0.2, 0.5, 0.3], [0.6, 0.1, 0.3]])));
  assert.deepEqual(g, [1, -2, 3, 0.5, 4, -1]);
  const gb = values(() => tf.grad((y: tf.Tensor) => tf.sum(tf.mul(straightThrough(y), tf.tensor([[2], [-3]]))))(tf.tensor([[0.3], [0.9]])));
  assert.deepEqual(gb, [2, -3]);
  w.dispose();
});

test('stopGradient: the value of x, and no gradient through it', () => {
  const x = tf.tensor([1, -2, 3]);
  assert.deepEqual(values(() => stopGradient(x)), [1, -2, 3]);
  // d/dx Σ x·stop(x) is stop(x) = x, not 2x.
  assert.deepEqual(values(() => tf.grad((v: tf.Tensor) => tf.sum(tf.mul(v, stopGradient(v))))(x)), [1, -2, 3]);
  x.dispose();
});

test('straight-through Gumbel-Softmax on the squared-error toy: discrete forward values, finite non-zero gradient to logits', () => {
  const target = tf.tensor([0.2, 0.7, 0.1]);
  const loss = (logits: tf.Tensor) => {
    const y = straightThrough(new RelaxedOneHotCategorical({ logits, temperature: 5, validateArgs: false }).sample(1000, 0));
    return tf.mean(tf.sum(tf.square(tf.sub(y, target)), -1));
  };
  const g = values(() => tf.grad(loss)(tf.tensor([1, 1, 1])));
  assert.ok(g.every(Number.isFinite) && g.some((v) => Math.abs(v) > 1e-4), `${g}`);
  // Binary: a [n, ...batchShape] sample has eventShape [], so it needs a trailing axis of 1.
  const binary = new RelaxedBernoulli({ logits: [0.3], temperature: 1 });
  assert.deepEqual(binary.eventShape, []);
  const forward = values(() => straightThrough(binary.sample(200, 1).expandDims(-1)));
  binary.dispose();
  assert.ok(forward.every((v) => v === 0 || v === 1) && forward.includes(0) && forward.includes(1));
  target.dispose();
});

test('no tensors leak over 200 calls, and bad input is rejected with the value shown', () => {
  const y = tf.tensor([[0.2, 0.8]]);
  const start = tf.memory().numTensors;
  for (let i = 0; i < 200; i++) tf.tidy(() => { tf.grad((x: tf.Tensor) => tf.sum(straightThrough(x)))(y); }); // a block: tidy keeps what it returns
  assert.equal(tf.memory().numTensors, start);
  y.dispose();
  throwsWith(() => straightThrough(tf.scalar(0.3)), /^straightThrough: y must be a non-empty tensor of rank ≥ 1 .*, but got a tensor of shape \[\]$/);
  throwsWith(() => straightThrough([0.3, 0.7] as unknown as tf.Tensor), /^straightThrough: y must be a tf\.Tensor, but got \[0\.3, 0\.7\]$/);
  throwsWith(() => straightThrough(tf.tensor([1, 2], [2], 'int32')), /^straightThrough: y must be a float32 tensor, but got a tensor of dtype int32 and shape \[2\]$/);
});
