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
  return differenceOf('pairedDifference', a, b, ['a', 'b']);
}

/** `pairedDifference` with the caller's name and argument names in its messages. */
function differenceOf(fn: string, a: ArrayLike<number>, b: ArrayLike<number>, [nameA, nameB]: [string, string]): PairedDifference {
  const isList = (v: unknown): v is ArrayLike<number> => Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView));
  if (!isList(a) || !isList(b) || a.length !== b.length || a.length < 2) {
    fail(fn, `${nameA} and ${nameB}`, 'arrays of the same length ≥ 2', [isList(a) ? a.length : a, isList(b) ? b.length : b]);
  }
  const n = a.length;
  let sum = 0, sumSquares = 0;
  for (let i = 0; i < n; i++) {
    for (const [name, list] of [[nameA, a], [nameB, b]] as const) {
      if (typeof list[i] !== 'number') fail(fn, `${name}[${i}]`, 'a number', list[i]);
    }
    const d = a[i] - b[i];
    if (!Number.isFinite(d)) fail(fn, `${nameA}[${i}] − ${nameB}[${i}]`, 'finite', d);
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
    const perDigit = e !== null && typeof e === 'object' ? (e.perDigit as Partial<VaeEvaluation['perDigit']> | null | undefined) : undefined;
    const values = perDigit !== null && typeof perDigit === 'object' ? perDigit[bound] : undefined;
    if (!(values instanceof Float64Array)) fail(fn, arg, 'a VaeEvaluation from evaluateVae', e);
    const { count } = e;
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 2 || values.length !== count) {
      fail(fn, `${arg}.count`, `the number of digits in ${arg}.perDigit.${bound} (${values.length}), at least 2`, count);
    }
  }
  if (a.count !== b.count) fail(fn, 'b.count', `${a.count}, the digits of a (paired digit by digit)`, b.count);
  return differenceOf(fn, a.perDigit[bound], b.perDigit[bound], [`a.perDigit.${bound}`, `b.perDigit.${bound}`]);
}
