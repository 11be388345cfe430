/** The assertion the fused-kernel tests share: two tensors hold the same float32 values, bit for bit. */
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';

/**
 * Fails unless `ours` and `reference` have one shape and equal entries under Object.is
 * (so NaN equals NaN, and 0 differs from −0), naming the first entry that differs.
 */
export function assertSame(what: string, ours: tf.Tensor, reference: tf.Tensor): void {
  assert.deepEqual(ours.shape, reference.shape, `${what}: shape`);
  const a = ours.dataSync(), b = reference.dataSync();
  let i = a.length === b.length ? -1 : 0;
  for (let j = 0; i === -1 && j < a.length; j++) if (!Object.is(a[j], b[j])) i = j;
  assert.equal(i, -1, `${what}: entry ${i} is ${a[i]}, the reference's ${b[i]}`);
}
