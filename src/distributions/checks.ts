/**
 * Checks that the distributions share: turning a user's numbers into a float32
 * tensor, comparing an argument's shape with the event shape, and reading a few
 * summary values of a tensor in one download.
 *
 * Checking values means reading them back from the backend, which is the slow part.
 * So each check reduces the tensor to a handful of numbers on the backend first and
 * calls `dataSync` once on that short vector.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, fail } from '../validate';

/** Numbers, possibly nested: `0.3`, `[0.2, 0.8]`, `[[1, 2], [3, 4]]`. */
export type NestedNumbers = number | NestedNumbers[];

/** What a parameter or a `logProb` argument may be given as. */
export type TensorInput = tf.Tensor | NestedNumbers;

/**
 * A received value shown as plain text in an error message. `describe` prints an
 * object through `toString`, so this avoids the quotes it puts around strings.
 */
export class Received {
  constructor(private readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/**
 * A float32 tensor from a number, a nested array or a tensor. `owned` says whether
 * it was made here (and so is the caller's to dispose) or is the caller's tensor.
 */
export function toFloatTensor(fn: string, arg: string, value: TensorInput): { tensor: tf.Tensor; owned: boolean } {
  const rule = 'a number, a rectangular (nested) array of numbers or a tf.Tensor';
  if (value instanceof tf.Tensor) {
    if (value.isDisposed) fail(fn, arg, 'a live tensor', new Received('a disposed tensor'));
    if (value.dtype === 'string' || value.dtype === 'complex64') fail(fn, arg, rule, new Received(`a ${value.dtype} tensor`));
    if (value.dtype === 'float32') return { tensor: value, owned: false };
    // A cast of the user's tensor is recorded on the tape, so gradients still reach it.
    return { tensor: tf.cast(value, 'float32'), owned: true };
  }
  // Checked here: some backends accept a ragged array and fail later with an unrelated message.
  if (rectangularShape(value) === null) fail(fn, arg, rule, value);
  return { tensor: tf.tensor(value as number | number[], undefined, 'float32'), owned: true };
}

/** The shape of a rectangular nested array of numbers, or null if it is anything else. */
function rectangularShape(value: unknown): number[] | null {
  if (typeof value === 'number') return [];
  if (!Array.isArray(value) || value.length === 0) return null;
  const shapes = value.map(rectangularShape);
  const first = shapes[0];
  if (first === null || shapes.some((s) => s === null || s.join() !== first.join())) return null;
  return [value.length, ...first];
}

/** How to show a received tensor or array: the array itself, or the tensor's shape and range. */
export function received(value: TensorInput, tensor: tf.Tensor, stats: { min: number; max: number }): unknown {
  if (!(value instanceof tf.Tensor)) return value;
  // Seven significant digits: float32 holds no more, and 0.6 should not print as 0.6000000238418579.
  const show = (v: number) => describe(Number.isFinite(v) ? Number(v.toPrecision(7)) : v);
  return new Received(`${describe(tensor)} with values from ${show(stats.min)} to ${show(stats.max)}`);
}

/**
 * Minimum, maximum and a non-finite flag of a tensor, plus any extra scalars,
 * downloaded together. `finite` is false when any entry is NaN or ±∞: x − x is 0
 * for every finite x and NaN otherwise, and a sum of those keeps the NaN on every
 * backend (unlike `min`/`max`, whose NaN handling differs between kernels).
 */
export function readStats(x: tf.Tensor, extra: (x: tf.Tensor) => tf.Scalar[] = () => []): { finite: boolean; min: number; max: number; extra: number[] } {
  const values = tf.tidy(() => tf.stack([tf.sum(tf.sub(x, x)), tf.min(x), tf.max(x), ...extra(x)]).dataSync());
  return { finite: !Number.isNaN(values[0]), min: values[1], max: values[2], extra: Array.from(values.slice(3)) };
}

/**
 * Checks that `x` has shape [...sampleShape, ...eventShape] (any leading axes) and
 * returns the leading axes. `eventShape` is the batch shape, plus K for one-hot events.
 */
export function checkTrailingShape(fn: string, arg: string, x: tf.Tensor, eventShape: number[]): number[] {
  const lead = x.rank - eventShape.length;
  if (lead < 0 || eventShape.some((d, i) => x.shape[lead + i] !== d)) {
    fail(fn, arg, `a tensor whose shape ends in [${eventShape.join(', ')}]`, x);
  }
  return x.shape.slice(0, lead);
}
