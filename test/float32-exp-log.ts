/**
 * Math.fround(Math.exp(y)) and Math.fround(Math.log(x)), the float32 results of the
 * cpu backend's Exp and Log kernels, computed the way the WebAssembly kernel of
 * wasm/concrete-monte-carlo.wat computes them, four at a time. Each value is first computed
 * by a short method in double, accurate to about 1e-14 relative; where the float32
 * rounding of that value is certain, it is the answer, and where it is not (a value
 * within 2^−40 of halfway between two float32 numbers, a few calls in 10^5), Math.exp
 * or Math.log itself is called. So the results are Math.fround of Math's, bit for bit,
 * on any engine whose Math.exp and Math.log are within 2^−41 of the exact value (V8's
 * fdlibm ports are within 2^−52). Checked against Math on every float32 argument they
 * take fast (bench/float32-exp-log-exhaustive.ts) and on a sample in the tests.
 *
 * The readable form of the module's method, for those checks only: the library runs the
 * module itself, or, where it does not load, its JavaScript loop with Math.exp and Math.log.
 *
 * The methods are the textbook ones, without tables: for exp, y = k ln2 + r with
 * |r| ≤ ln2/2 and e^r by its Taylor polynomial to r^11 (truncation below 1.2e-14
 * relative); for log, x = 2^k z with z in [√½, √2), s = (z − 1)/(z + 1) and
 * log z = 2 atanh s = 2 (s + s³/3 + … + s^17/17) (|s| ≤ 0.1716; truncation below 1e-15);
 * both polynomials by Estrin's scheme.
 * In JavaScript they are no faster than Math's calls; in WebAssembly, two or four lanes
 * at a time, they are.
 */

/** The relative half-width of the bracket whose float32 rounding decides: 2^−40, some 70 times the methods' error bound. */
const BRACKET = 2 ** -40;

/** 2^j for j in [−160, 160], exact, at index j + 160. */
const POW2 = (() => {
  const table = new Float64Array(321);
  table[160] = 1;
  for (let j = 1; j <= 160; j++) {
    table[160 + j] = table[159 + j] * 2;
    table[160 - j] = table[161 - j] / 2;
  }
  return table;
})();

/**
 * Σ c_i x^i for 9 to 12 coefficients by Estrin's scheme, in the grouping the WebAssembly
 * kernel uses: pairs q_j = c_2j + x c_2j+1, then (q0 + x² q1) + x⁴ (q2 + x² q3) + x⁸ (q4 + x² q5)
 * (a missing coefficient counts as 0, and x⁸ c8 stands for the last term with 9). Its chain
 * of dependent steps is a quarter of Horner's.
 */
function estrin(c: readonly number[], x: number): number {
  const x2 = x * x, x4 = x2 * x2;
  const head = (pair(c, 0, x) + x2 * pair(c, 1, x)) + x4 * (pair(c, 2, x) + x2 * pair(c, 3, x));
  return c.length === 9 ? head + x4 * x4 * c[8] : head + x4 * x4 * (pair(c, 4, x) + x2 * pair(c, 5, x));
}

/** c_2j + x c_2j+1. */
function pair(c: readonly number[], j: number, x: number): number {
  return c[2 * j] + x * c[2 * j + 1];
}

// ── exp ─────────────────────────────────────────────────────────────────────

/** Added and taken away, it rounds a double below 2^51 in magnitude to a whole number (ties to even). */
const ROUNDING_SHIFT = 1.5 * 2 ** 52;
/** ln2 in two parts: the first has 29 significant bits, so k times it is exact for |k| < 2^24. */
const LN2_HIGH = Math.round(Math.LN2 * 2 ** 32) / 2 ** 32;
const LN2_LOW = Math.LN2 - LN2_HIGH;
/** 1/n! for n = 0 … 11, the Taylor coefficients of e^r. */
const INVERSE_FACTORIALS = (() => {
  const c = [1];
  for (let n = 1, factorial = 1; n <= 11; n++) c.push(1 / (factorial *= n));
  return c;
})();

/**
 * Below this argument float32 exp is 0 or a subnormal of few bits; 2^k is then near the
 * end of the table of powers. Such arguments go to Math.exp, as do those above 0.
 */
const EXP_FAST_MIN = -103;

/**
 * Math.fround(Math.exp(y)) for any number y. Fast for y in [−103, 0], where the relaxed
 * samplers and densities use it (an argument minus the row's maximum); Math.exp elsewhere.
 *
 * @example
 * float32Exp(-1) === Math.fround(Math.exp(-1));   // true
 */
export function float32Exp(y: number): number {
  // (NaN fails both comparisons and goes to Math.exp as well.)
  if (!(y >= EXP_FAST_MIN && y <= 0)) return Math.fround(Math.exp(y));
  const k = y * (1 / Math.LN2) + ROUNDING_SHIFT - ROUNDING_SHIFT;
  const r = (y - k * LN2_HIGH) - k * LN2_LOW;
  const e = estrin(INVERSE_FACTORIALS, r) * POW2[160 + k];
  const low = Math.fround(e - e * BRACKET);
  return low === Math.fround(e + e * BRACKET) ? low : Math.fround(Math.exp(y));
}

// ── log ─────────────────────────────────────────────────────────────────────

/** The float32 bits of a value, read through a shared one-element buffer. */
const FLOAT = new Float32Array(1);
const BITS = new Int32Array(FLOAT.buffer);

/** The bits of float32 √½: x's bits minus these, shifted, give k with x = 2^k z, z in [√½, √2). */
const SQRT_HALF_BITS = 0x3f3504f3;
/** 1/(2m + 1) for m = 0 … 8, the series of atanh(s)/s in s². */
const INVERSE_ODDS = Array.from({ length: 9 }, (_, m) => 1 / (2 * m + 1));

/**
 * Math.fround(Math.log(x)) for any number x. Fast for x a float32 value of the normal
 * range (x ≥ 2^−126, finite), which relaxed samples are kept in; Math.log elsewhere.
 *
 * @example
 * float32Log(Math.fround(0.3)) === Math.fround(Math.log(Math.fround(0.3)));   // true
 */
export function float32Log(x: number): number {
  FLOAT[0] = x;
  const bits = BITS[0];
  // Not a float32 value, or not a positive normal one (0, subnormal, negative, NaN and ±∞ each fail a test): Math.log.
  if (FLOAT[0] !== x || bits < 0x00800000 || bits >= 0x7f800000) return Math.fround(Math.log(x));
  const k = (bits - SQRT_HALF_BITS) >> 23;
  // z = x / 2^k exactly; z − 1 and z + 1 are exact too, so s carries one rounding.
  const z = x * POW2[160 - k], s = (z - 1) / (z + 1), w = s * s;
  const l = k * Math.LN2 + (s + s) * estrin(INVERSE_ODDS, w);
  const halfWidth = Math.abs(l) * BRACKET;
  const low = Math.fround(l - halfWidth);
  return low === Math.fround(l + halfWidth) ? low : Math.fround(Math.log(x));
}
