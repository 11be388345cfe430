/**
 * Loading the fused kernels registers their own names and nothing else: every kernel
 * and gradient that TensorFlow.js had registered before is still the same object, and a
 * second registration (a second copy of the library, such as dist/ beside src/) is a
 * silent no-op.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { availableBackends, initBackend } from '../src/backend';
import { FUSED_BACKENDS, fusedKernelName, registerFusedKernel } from '../src/kernels/registry';

/** The kernels the fused ops' references and kernels use, whose gradients must stay TensorFlow.js' own. */
const NEIGHBOURS = ['Softmax', 'ClipByValue', 'Add', 'RealDiv', 'ArgMax', 'OneHot', 'Round', 'Identity', 'Sum', 'Sub'];

test('importing the fused kernels registers only names of their own', async () => {
  // Load the wasm package first, so its kernels are in the registry before ours.
  if (availableBackends().includes('wasm')) await initBackend('wasm');
  const before = new Map(FUSED_BACKENDS.map((b) => [b, new Map(tf.getKernelsForBackend(b).map((k) => [k.kernelName, k]))]));
  const gradients = new Map(NEIGHBOURS.map((name) => [name, tf.getGradient(name)]));
  await import('../src/kernels/relaxed-softmax');
  await import('../src/kernels/straight-through');
  for (const backend of FUSED_BACKENDS) {
    const after = tf.getKernelsForBackend(backend);
    const added = after.filter((k) => !before.get(backend)!.has(k.kernelName)).map((k) => k.kernelName).sort();
    assert.deepEqual(added, ['RelaxedSoftmax', 'RelaxedSoftmaxGrad', 'StraightThroughRound'].map(fusedKernelName).sort(), backend);
    for (const k of after) if (before.get(backend)!.has(k.kernelName)) assert.equal(k, before.get(backend)!.get(k.kernelName), `${backend} ${k.kernelName}`);
  }
  for (const [name, config] of gradients) assert.equal(tf.getGradient(name), config, `the gradient of ${name}`);
});

test('registering a fused name a second time changes nothing and prints nothing', () => {
  const name = fusedKernelName('RelaxedSoftmax');
  const kernels = FUSED_BACKENDS.map((b) => tf.getKernel(name, b));
  const gradient = tf.getGradient(name);
  const warn = console.warn;
  const warnings: unknown[] = [];
  console.warn = (...args: unknown[]) => { warnings.push(args); };
  try {
    const never: tf.KernelFunc = () => { throw new Error('the first registration must stay'); };
    registerFusedKernel(name, { cpu: never, wasm: never }, { gradFunc: () => ({}) });
  } finally {
    console.warn = warn;
  }
  assert.deepEqual(FUSED_BACKENDS.map((b) => tf.getKernel(name, b)), kernels);
  assert.equal(tf.getGradient(name), gradient);
  assert.deepEqual(warnings, []);
});
