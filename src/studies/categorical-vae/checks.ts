/**
 * Argument checks the VAE's functions share: tensors of a stated shape that are still
 * alive, and sets of digits. Each names the function the user called, and runs before
 * anything is allocated.
 */
import * as tf from '@tensorflow/tfjs';
import { Digits, PIXELS } from '../../data/mnist';
import { readStats, received, Received } from '../../distributions/checks';
import { fail } from '../../validate';

/**
 * Checks a live float32 tensor of shape `dims`: a number is a fixed size, a name
 * (`'b'`, `'S'`) any size ≥ 1. Returns it.
 */
export function checkTensor(fn: string, arg: string, value: unknown, dims: (number | string)[]): tf.Tensor {
  const rule = `a tensor of shape [${dims.join(', ')}]`;
  if (!(value instanceof tf.Tensor)) fail(fn, arg, rule, value);
  if (value.isDisposed) fail(fn, arg, 'a live tensor', new Received('a disposed tensor'));
  if (value.dtype !== 'float32') fail(fn, arg, `${rule} of float32`, new Received(`a ${value.dtype} tensor`));
  const fits = value.rank === dims.length && dims.every((d, i) => (typeof d === 'number' ? value.shape[i] === d : value.shape[i] >= 1));
  if (!fits) fail(fn, arg, rule, value);
  return value;
}

/**
 * Checks that a tensor is finite everywhere and that its least and greatest entries pass
 * `inRange`, in one download; `rule` says what was wanted.
 */
export function checkTensorValues(
  fn: string, arg: string, x: tf.Tensor, rule = 'finite everywhere', inRange: (min: number, max: number) => boolean = () => true,
): void {
  const stats = readStats(x);
  if (!stats.finite || !inRange(stats.min, stats.max)) fail(fn, arg, rule, received(x, x, stats));
}

/**
 * Checks a set of digits {images, labels, count}: `count` ≥ 1 images of 784 pixels in
 * [0, 1] (binary if `binary`), as `loadDigits` and `binarise` return them.
 */
export function checkDigitSet(fn: string, arg: string, digits: unknown, binary = false): Digits {
  const rule = `a Digits set {images, labels, count} of ${PIXELS} pixels per digit`;
  if (digits === null || typeof digits !== 'object') fail(fn, arg, rule, digits);
  const { images, count } = digits as Digits;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1) fail(fn, `${arg}.count`, 'a whole number ≥ 1', count);
  if (!(images instanceof Float32Array) || images.length !== count * PIXELS) {
    fail(fn, `${arg}.images`, `a Float32Array of count × ${PIXELS} = ${count * PIXELS} pixels`, images);
  }
  for (let i = 0; i < images.length; i++) {
    const v = images[i];
    if (binary ? v !== 0 && v !== 1 : !(v >= 0 && v <= 1)) {
      const want = binary ? 'binary digits (0 or 1 per pixel; binarise them first)' : 'pixels in [0, 1]';
      fail(fn, arg, want, new Received(`${v} at pixel ${i % PIXELS} of digit ${Math.floor(i / PIXELS)}`));
    }
  }
  return digits as Digits;
}
