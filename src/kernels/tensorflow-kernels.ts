/**
 * The fused kernels on the `tensorflow` backend (tfjs-node): the relaxed sampler's two,
 * the straight-through rounding and logSoftmax's two. Each runs the TensorFlow ops of
 * its op-by-op reference, in the reference's order, so it gives the reference's float32
 * numbers (TensorFlow's exp, and its flushing of subnormal numbers, included); what it
 * saves is the engine's dispatch and the tape's bookkeeping of each op (about 10 µs an
 * op), by calling the backend's kernels directly from inside one kernel.
 */
import * as tf from '@tensorflow/tfjs';
import { TINY } from '../distributions/noise';
import { kernelRunner } from './backend-kernels';

/** tfjs-node's kernels return engine tensors; the intermediates are freed here. */
const free = (...tensors: tf.TensorInfo[]) => { for (const t of tensors) (t as tf.Tensor).dispose(); };

/**
 * keepInside(softmax((logits + noise) / τ)), as the reference runs it here: Add,
 * RealDiv by the float32 scalar τ, Softmax, then the clamp as tfjs-node's ClipByValue
 * computes it (Minimum with 1, then Maximum with 2^−126). Returns [sample, unclamped].
 */
export function relaxedForwardTensorflow({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo[] {
  const run = kernelRunner('tensorflow', backend);
  const { logits, noise } = inputs as { logits: tf.TensorInfo; noise: tf.TensorInfo };
  const tau = tf.scalar(attrs!.temperature as number), one = tf.scalar(1), lowest = tf.scalar(TINY);
  const perturbed = run('Add', { a: logits, b: noise });
  const scores = run('RealDiv', { a: perturbed, b: tau });
  const unclamped = run('Softmax', { logits: scores }, { dim: noise.shape.length - 1 });
  const capped = run('Minimum', { a: unclamped, b: one });
  const sample = run('Maximum', { a: capped, b: lowest });
  free(perturbed, scores, capped, tau, one, lowest);
  return [sample, unclamped];
}

/**
 * The gradient the tape takes through the reference, op for op: dy where the clamp let
 * y through (2^−126 ≤ y ≤ 1: the same mask as the reference's clamped == y) and 0
 * elsewhere, softmax's t − (Σ_k t_k) y with t = that · y, divided by τ, and summed over
 * the sample axis when `sumSamples` (the gradient of the logits).
 */
export function relaxedBackwardTensorflow({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const run = kernelRunner('tensorflow', backend);
  const { dy, y } = inputs as { dy: tf.TensorInfo; y: tf.TensorInfo };
  const tau = tf.scalar(attrs!.temperature as number), one = tf.scalar(1), lowest = tf.scalar(TINY);
  const above = run('GreaterEqual', { a: y, b: lowest }), below = run('LessEqual', { a: y, b: one });
  const inside = run('LogicalAnd', { a: above, b: below });
  const zeros = run('ZerosLike', { x: dy });
  const passed = run('Select', { condition: inside, t: dy, e: zeros });
  const t = run('Multiply', { a: passed, b: y });
  const total = run('Sum', { x: t }, { axis: [y.shape.length - 1], keepDims: true });
  const share = run('Multiply', { a: total, b: y });
  const difference = run('Sub', { a: t, b: share });
  const g = run('RealDiv', { a: difference, b: tau });
  free(above, below, inside, zeros, passed, t, total, share, difference, tau, one, lowest);
  if (!(attrs!.sumSamples as boolean)) return g;
  const summed = run('Sum', { x: g }, { axis: [0], keepDims: false });
  free(g);
  return summed;
}

/**
 * The straight-through rounding as its reference computes it: one-hot of the first
 * argmax along the last axis (Round where K = 1), plus the row sums of y − y (0, or NaN
 * for a row that is not finite). The one-hot is made in float32 directly: its 0 and 1
 * are the values the reference's int32 one-hot is cast to.
 */
export function straightThroughRoundTensorflow({ inputs, backend }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const run = kernelRunner('tensorflow', backend);
  const { y } = inputs as { y: tf.TensorInfo };
  const last = y.shape.length - 1, K = y.shape[last];
  let hard: tf.TensorInfo;
  if (K === 1) hard = run('Round', { x: y });
  else {
    const index = run('ArgMax', { x: y }, { axis: last });
    hard = run('OneHot', { indices: index }, { depth: K, onValue: 1, offValue: 0, dtype: 'float32' });
    free(index);
  }
  const zeroOrNaN = run('Sub', { a: y, b: y });
  const poison = run('Sum', { x: zeroOrNaN }, { axis: [last], keepDims: true });
  const rounded = run('Add', { a: hard, b: poison });
  free(hard, zeroOrNaN, poison);
  return rounded;
}

/**
 * tf.logSoftmax along the last axis, its ops in its order: shifted = x − max(x), then
 * shifted − log Σ exp(shifted). (Its cast of the float32 `shifted` to float32 leaves the
 * values as they are, and is left out.)
 */
export function logSoftmaxForwardTensorflow({ inputs, backend }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const run = kernelRunner('tensorflow', backend);
  const { logits } = inputs as { logits: tf.TensorInfo };
  const last = [logits.shape.length - 1];
  const top = run('Max', { x: logits }, { reductionIndices: last, keepDims: true });
  const shifted = run('Sub', { a: logits, b: top });
  const exps = run('Exp', { x: shifted });
  const total = run('Sum', { x: exps }, { axis: last, keepDims: true });
  const logTotal = run('Log', { x: total });
  const value = run('Sub', { a: shifted, b: logTotal });
  free(top, shifted, exps, total, logTotal);
  return value;
}

/** tf.logSoftmax's gradient from its saved value, its ops in its order: dy − (Σ dy) · exp(value). */
export function logSoftmaxBackwardTensorflow({ inputs, backend }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const run = kernelRunner('tensorflow', backend);
  const { dy, value } = inputs as { dy: tf.TensorInfo; value: tf.TensorInfo };
  const probs = run('Exp', { x: value });
  const total = run('Sum', { x: dy }, { axis: [dy.shape.length - 1], keepDims: true });
  const share = run('Multiply', { a: total, b: probs });
  const dx = run('Sub', { a: dy, b: share });
  free(probs, total, share);
  return dx;
}
