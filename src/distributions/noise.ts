/**
 * The noise that drives sampling, drawn from the project's seeded `Random` and
 * computed in float64 before upload, so every backend sees the same float32 values.
 */
import * as tf from '@tensorflow/tfjs';
import { noiseKernelsFor } from '../noise-wasm';
import { Random } from '../random';

/** Standard Gumbel noise −log(−log u), shape `shape`. */
export function gumbelNoise(rng: Random, shape: number[]): tf.Tensor {
  return rng.gumbel(shape);
}

/**
 * Standard logistic noise log u − log(1 − u), shape `shape`. A logistic variable is
 * the difference of two Gumbels, which is why it drives the binary distributions.
 * `Random` keeps u in [2^−24, 1 − 2^−24], so every draw is finite (|L| ≤ 16.7).
 */
export function logisticNoise(rng: Random, shape: number[]): tf.Tensor {
  const values = rng.uniformArray(shape.reduce((a, b) => a * b, 1));
  // In place, in WebAssembly for bulk draws (the same bits as this loop: noise-wasm.ts).
  const wasm = noiseKernelsFor(values.length);
  if (wasm) wasm.toLogistic(values, values);
  else for (let i = 0; i < values.length; i++) values[i] = Math.log(values[i]) - Math.log1p(-values[i]);
  return tf.tensor(values, shape);
}

/**
 * float32's smallest normal number, 2^−126. Below it float32 loses precision and soon
 * reaches 0, whose log is −∞; relaxed samples are kept at or above it.
 */
export const TINY = 2 ** -126;

/** The largest float32 below 1, 1 − 2^−24; relaxed binary samples are kept at or below it. */
export const BELOW_ONE = 1 - 2 ** -24;

/**
 * Keeps relaxed samples where float32 can still take their log: at low temperature (or
 * with large logits) a coordinate can round to exactly 0, or a binary sample to 1, and
 * then `logProb` of the sample would be −∞ or NaN. The clamp moves a sample by less than
 * 6e-8 and only where the sample's gradient is already that small.
 *
 * Its gradient is 0 where it acts. A clamp, not tf.maximum: its gradient selects
 * rather than multiplies, so an infinite gradient arriving at a clamped point (from the
 * log of 2^−126 scaled by τ + 1 > 4, in a Concrete density) gives 0 there, not NaN.
 */
export function keepInside(y: tf.Tensor, upper = 1): tf.Tensor {
  let clamp = CLAMPS.get(upper);
  if (clamp === undefined) CLAMPS.set(upper, (clamp = selectingClamp(upper)));
  return clamp(y);
}

/** One clamp per upper bound (two are used: 1 and BELOW_ONE). */
const CLAMPS = new Map<number, (y: tf.Tensor) => tf.Tensor>();

/**
 * clipByValue(y, TINY, upper) with the same gradient as TensorFlow.js gives it, dy where
 * the clamp did not act and 0 where it did (or at NaN), written as one select on
 * clamped == y: three backward kernels instead of clipByValue's five (two comparisons
 * with uploaded scalars and their logical and). bench/relaxed-clamp.ts compares the two.
 */
function selectingClamp(upper: number): (y: tf.Tensor) => tf.Tensor {
  const clamp = tf.customGrad((...args) => {
    const save = args[1] as unknown as tf.GradSaveFunc;
    const y = args[0] as tf.Tensor;
    const clamped = tf.clipByValue(y, TINY, upper);
    save([y, clamped]);
    return {
      value: clamped,
      gradFunc: (dy: tf.Tensor, [input, output]: tf.Tensor[]) => tf.where(tf.equal(output, input), dy, tf.zerosLike(dy)),
    };
  });
  return (y) => clamp(y) as tf.Tensor;
}
