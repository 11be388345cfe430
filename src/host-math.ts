/**
 * Softmax and sigmoid on plain numbers, for closed forms and small results that live
 * on the host rather than in tensors. Both are written to stay finite for any finite
 * input: softmax subtracts the largest logit, sigmoid never exponentiates a positive number.
 */

/** softmax(logits), in float64. */
export function softmax(logits: readonly number[]): number[] {
  const m = maxOf(logits);
  const e = logits.map((l) => Math.exp(l - m));
  const z = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / z);
}

/** σ(x) = 1 / (1 + e^−x), in float64. */
export function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/**
 * The largest entry of a list (−∞ for an empty one). A loop rather than
 * `Math.max(...values)`, whose spread overflows the call stack past ~10^5 entries.
 */
export function maxOf(values: ArrayLike<number>): number {
  let m = -Infinity;
  for (let i = 0; i < values.length; i++) if (values[i] > m || Number.isNaN(values[i])) m = values[i];
  return m;
}

/**
 * The Euclidean norm √(Σ x_i²) of a list of any length, like `Math.hypot` but without
 * spreading its argument (see `maxOf`). Scaled by the largest |x_i| so that squares of
 * large entries cannot overflow.
 */
export function norm(values: ArrayLike<number>): number {
  let scale = 0;
  for (let i = 0; i < values.length; i++) scale = Math.max(scale, Math.abs(values[i]));
  if (scale === 0 || !Number.isFinite(scale)) return scale;
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += (values[i] / scale) ** 2;
  return scale * Math.sqrt(sum);
}
