/**
 * Paired comparisons of held-out bounds. Two models scored on the same digits differ
 * by less, digit to digit, than either bound varies across digits, so the standard
 * error of the mean difference is far smaller than the two separate errors combined.
 * It measures the evaluation's own noise (which digits, which samples), not how much a
 * result would move with another training seed: compare seeds for that.
 */
import { fail } from '../../validate';
import { VaeEvaluation } from './evaluate';

/** The mean of a − b over paired values, its standard error, and the number of pairs. */
export interface PairedDifference {
  mean: number;
  standardError: number;
  count: number;
}

/**
 * The mean of a_i − b_i and its standard error sd/√n (sample standard deviation).
 *
 * @example
 * pairedDifference([160, 150, 170], [158, 149, 167]);   // { mean: 2, standardError: 0.577…, count: 3 }
 */
export function pairedDifference(a: ArrayLike<number>, b: ArrayLike<number>): PairedDifference {
  const fn = 'pairedDifference';
  if (a?.length === undefined || b?.length === undefined || a.length !== b.length || a.length < 2) {
    fail(fn, 'a and b', 'arrays of the same length ≥ 2', [a?.length, b?.length]);
  }
  const n = a.length;
  let sum = 0, sumSquares = 0;
  for (let i = 0; i < n; i++) {
    const d = a[i] - b[i];
    if (!Number.isFinite(d)) fail(fn, `a[${i}] − b[${i}]`, 'finite', d);
    sum += d;
    sumSquares += d * d;
  }
  const mean = sum / n;
  const variance = Math.max(0, (sumSquares - n * mean * mean) / (n - 1));
  return { mean, standardError: Math.sqrt(variance / n), count: n };
}

/**
 * How much model `a`'s bound exceeds model `b`'s on the same held-out digits, in nats per
 * digit, with the standard error over digits. Negative means `a` is better.
 *
 * @example
 * const digits = { images: new Float32Array(4 * 784).map((_, i) => (i % 7 === 0 ? 1 : 0)), labels: new Int32Array(4), count: 4 };
 * const a = new CategoricalVae({ numLatents: 2, numCategories: 3, hidden: [8], seed: 0 });
 * const b = new CategoricalVae({ numLatents: 2, numCategories: 3, hidden: [8], seed: 1 });
 * const d = compareBounds(evaluateVae(a, digits, { numSamples: 5, seed: 0 }), evaluateVae(b, digits, { numSamples: 5, seed: 0 }), 'negElbo');
 * console.log(`${d.mean.toFixed(1)} ± ${d.standardError.toFixed(1)} nats per digit`);
 * a.dispose();
 * b.dispose();
 */
export function compareBounds(a: VaeEvaluation, b: VaeEvaluation, bound: 'negElbo' | 'negIwae'): PairedDifference {
  const fn = 'compareBounds';
  if (bound !== 'negElbo' && bound !== 'negIwae') fail(fn, 'bound', "'negElbo' or 'negIwae'", bound);
  for (const [arg, e] of [['a', a], ['b', b]] as const) {
    if (e === null || typeof e !== 'object' || !(e.perDigit?.[bound] instanceof Float64Array)) fail(fn, arg, 'a VaeEvaluation from evaluateVae', e);
  }
  if (a.count !== b.count) fail(fn, 'b.count', `${a.count}, the digits of a (paired digit by digit)`, b.count);
  return pairedDifference(a.perDigit[bound], b.perDigit[bound]);
}
