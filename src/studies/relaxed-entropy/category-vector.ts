/** The study works on one categorical: logits [K], given as a tensor or plain numbers. */
import * as tf from '@tensorflow/tfjs';
import { readStats, received, TensorInput, toFloatTensor } from '../../distributions/checks';
import { fail } from '../../validate';

/**
 * Checks that `value` holds the finite logits of one categorical, [K] with K ≥ 2, and runs
 * `body` on them as a float32 tensor; a tensor made from numbers is freed afterwards.
 */
export function withCategoryVector<T>(fn: string, arg: string, value: TensorInput, body: (logits: tf.Tensor) => T): T {
  const { tensor, owned } = toFloatTensor(fn, arg, value);
  try {
    if (tensor.rank !== 1 || tensor.shape[0] < 2) fail(fn, arg, 'of shape [K] with K ≥ 2 (one categorical)', tensor);
    const stats = readStats(tensor);
    if (!stats.finite) fail(fn, arg, 'finite everywhere', received(value, tensor, stats));
    return body(tensor);
  } finally {
    if (owned) tensor.dispose();
  }
}

/** Checks the problem object of a study function and runs `withCategoryVector` on its logits. */
export function withProblemLogits<T>(fn: string, problem: { logits: TensorInput }, body: (logits: tf.Tensor) => T): T {
  if (problem === null || typeof problem !== 'object' || Array.isArray(problem) || problem instanceof tf.Tensor) {
    fail(fn, 'problem', 'an object {logits}', problem);
  }
  return withCategoryVector(fn, 'problem.logits', problem.logits, body);
}
