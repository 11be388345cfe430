/**
 * The assertion the hardening tests share: a refused call throws an Error named for the
 * function the user called, and leaves no tensor behind.
 */
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';

/**
 * Asserts that `call` throws an Error whose message starts with `name: ` (or `name(`, for
 * a call by name such as `estimateGradient('reinforce')`) and leaks no tensor. A result,
 * if the call returns one, is freed before the check.
 */
export function refusedBy(name: string, call: () => unknown): void {
  const before = tf.memory().numTensors;
  let error: unknown;
  try {
    const result = call();
    tf.dispose(result as tf.TensorContainer);
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof Error, `${name}: expected an Error, got ${error === undefined ? 'no error' : String(error)}`);
  assert.ok(error.message.startsWith(`${name}: `) || error.message.startsWith(`${name}(`), `expected "${name}: …", got "${error.message.slice(0, 160)}"`);
  assert.equal(tf.memory().numTensors, before, `${name}: tensors leaked`);
}
