/**
 * Softmax and sigmoid on plain numbers, for closed forms and small results that live
 * on the host rather than in tensors. Both are written to stay finite for any finite
 * input: softmax subtracts the largest logit, sigmoid never exponentiates a positive number.
 */

/** softmax(logits), in float64. */
export function softmax(logits: readonly number[]): number[] {
  const m = Math.max(...logits);
  const e = logits.map((l) => Math.exp(l - m));
  const z = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / z);
}

/** σ(x) = 1 / (1 + e^−x), in float64. */
export function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}
