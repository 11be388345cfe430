/**
 * The project's own seeded random numbers.
 *
 * TensorFlow.js seeds are not reliable across ops and backends (initialisers ignore
 * them; `multinomial` falls back to `Math.random`). So every random number in this
 * library is drawn here, on the host, and uploaded as a tensor. The same seed
 * then gives bitwise-identical draws on the tensorflow, wasm and cpu backends.
 *
 * The core is xoshiro128** (Blackman & Vigna, 2018): 128 bits of state, 32-bit
 * integer arithmetic only, fast in JavaScript and well tested statistically.
 *
 * Bulk draws (bits, uniforms, Gumbel, normal) run in WebAssembly where it loads
 * (noise-wasm.ts): the same steps and the same bits as the loops here, which stay as the
 * reference and serve small calls and engines without WebAssembly.
 */
import * as tf from '@tensorflow/tfjs';
import { noiseKernelsFor } from './noise-wasm';
import { fail } from './validate';

/** A seed is either a whole number or a generator to draw from. */
export type Seed = number | Random;

const TWO_POW_23 = 8388608;
const TWO_POW_32 = 4294967296;

/** SplitMix32 step: spreads a seed's bits so that nearby seeds give unrelated states. */
function splitMix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  let z = x;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * Seeds are 32-bit: every seed in [0, 2^32) starts its own stream (the state is a
 * bijective function of it). Larger numbers would have to share streams with smaller
 * ones, so they are refused rather than folded in silently.
 */
export const MAX_SEED = TWO_POW_32 - 1;

/**
 * The most draws one call makes: 2^27, i.e. 512 MiB of float32 (plus as much again of
 * float64 scratch for normal draws), so that a mistyped size fails at once instead of
 * exhausting memory.
 */
export const MAX_DRAWS = 2 ** 27;

function checkSeed(fn: string, seed: unknown): void {
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) {
    fail(fn, 'seed', 'a whole number in [0, 2^32) or a Random', seed);
  }
}

/**
 * A seeded generator of uniform, normal and Gumbel draws, as arrays or tensors.
 *
 * @example
 * const rng = new Random(42);
 * const g = rng.gumbel([1000, 3]);   // tf.Tensor of shape [1000, 3]
 * const other = rng.split();         // an independent stream
 */
export class Random {
  private s = new Uint32Array(4);

  constructor(seed: number) {
    checkSeed('Random', seed);
    // splitMix32(0) is where an older 53-bit seeding mixed in the high word: keeping it
    // keeps every 32-bit seed's stream (and every notebook's output) as it was.
    let x = splitMix32((seed >>> 0) ^ splitMix32(0));
    for (let i = 0; i < 4; i++) {
      x = splitMix32(x + i);
      this.s[i] = x;
    }
    // xoshiro must not start from the all-zero state.
    if ((this.s[0] | this.s[1] | this.s[2] | this.s[3]) === 0) this.s[0] = 1;
  }

  /** The next 32 random bits, as an unsigned integer. */
  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /**
   * One uniform draw strictly inside (0, 1).
   *
   * It is (k + 1/2) / 2^23 for a random 23-bit k, so it lies in [2^−24, 1 − 2^−24].
   * Zero and one are excluded on purpose: Gumbel noise is −log(−log u), which is
   * infinite at both ends, and an infinity would turn a whole gradient into NaN.
   * 23 bits, not 24: 1 − 2^−24 is the largest float32 below 1, so every value
   * stays inside (0, 1) and unchanged after upload as float32.
   */
  nextUniform(): number {
    return toUniform(this.nextUint32());
  }

  /** `n` draws of 32 random bits, as unsigned integers: the sequence of `nextUint32`. */
  bitsArray(n: number): Uint32Array {
    const out = new Uint32Array(checkCount('Random.bitsArray', n));
    const wasm = noiseKernelsFor(n);
    if (wasm) wasm.bits(this.s, out);
    else this.fill(out, (bits) => bits);
    return out;
  }

  /**
   * Fills `out` with convert(bits) for successive 32-bit draws: the same sequence as
   * calling `nextUint32` once per entry. The loop keeps the state in local variables
   * and writes it back once at the end, because reading and writing the typed array at
   * every step makes bulk draws (tens of thousands per estimate) about twice as slow.
   */
  private fill(out: Float32Array | Float64Array | Uint32Array, convert: (bits: number) => number): void {
    // `| 0` keeps the four words as 32-bit integers throughout (the same bits as the array's).
    let s0 = this.s[0] | 0, s1 = this.s[1] | 0, s2 = this.s[2] | 0, s3 = this.s[3] | 0;
    for (let i = 0; i < out.length; i++) {
      const bits = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = rotl(s3, 11);
      out[i] = convert(bits);
    }
    this.s.set([s0, s1, s2, s3]);
  }

  /** Fills `out` with uniform draws: the same sequence as calling `nextUniform` once per entry. */
  private fillUniform(out: Float32Array | Float64Array): void {
    const wasm = noiseKernelsFor(out.length);
    if (wasm) wasm.uniforms(this.s, out);
    else this.fill(out, toUniform);
  }

  /** `n` uniform draws strictly inside (0, 1). */
  uniformArray(n: number): Float32Array {
    const out = new Float32Array(checkCount('Random.uniformArray', n));
    this.fillUniform(out);
    return out;
  }

  /** `n` standard normal draws (Box–Muller, both outputs of each pair used). */
  normalArray(n: number): Float32Array {
    const out = new Float32Array(checkCount('Random.normalArray', n));
    // One pair of uniforms per pair of outputs; an odd n still uses a whole pair.
    const pairs = Math.ceil(n / 2);
    const wasm = noiseKernelsFor(2 * pairs);
    if (wasm) {
      const u = new Float32Array(2 * pairs);
      wasm.uniforms(this.s, u);
      const z = u.length === n ? out : new Float32Array(u.length);
      wasm.toNormal(u, z);
      // NaN marks the pairs whose float32 rounding the fast path left open (about one in 400).
      for (let i = 0; i < z.length; i += 2) if (z[i] !== z[i]) boxMuller(u[i], u[i + 1], z, i);
      if (z !== out) out.set(z.subarray(0, n));
      return out;
    }
    const u = new Float64Array(2 * pairs);
    this.fill(u, toUniform);
    for (let i = 0; i < out.length; i += 2) boxMuller(u[i], u[i + 1], out, i);
    return out;
  }

  /** `n` standard Gumbel draws, −log(−log u); finite because u is never 0 or 1. */
  gumbelArray(n: number): Float32Array {
    const out = new Float32Array(checkCount('Random.gumbelArray', n));
    const wasm = noiseKernelsFor(n);
    if (wasm) {
      wasm.gumbel(this.s, out);
      return out;
    }
    // Uniforms first, then transformed in place: a uniform has 24 significant bits, so
    // float32 holds it exactly and the logs see the same double as before.
    this.fill(out, toUniform);
    for (let i = 0; i < out.length; i++) out[i] = -Math.log(-Math.log(out[i]));
    return out;
  }

  /** A tensor of uniform draws strictly inside (0, 1). */
  uniform(shape: number[]): tf.Tensor {
    return tf.tensor(this.uniformArray(sizeOf('Random.uniform', shape)), shape);
  }

  /** A tensor of standard normal draws. */
  normal(shape: number[]): tf.Tensor {
    return tf.tensor(this.normalArray(sizeOf('Random.normal', shape)), shape);
  }

  /** A tensor of standard Gumbel draws. */
  gumbel(shape: number[]): tf.Tensor {
    return tf.tensor(this.gumbelArray(sizeOf('Random.gumbel', shape)), shape);
  }

  /** A whole number drawn uniformly from [0, n). */
  integer(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > TWO_POW_32) fail('Random.integer', 'n', 'a whole number in [1, 2^32]', n);
    return Math.floor((this.nextUint32() / TWO_POW_32) * n);
  }

  /** A random permutation of 0 … n−1 (Fisher–Yates). */
  permutation(n: number): number[] {
    checkCount('Random.permutation', n);
    const order = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = this.integer(i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
    return order;
  }

  /**
   * Splits off an independent generator. The child is seeded from this stream's
   * next draws, so the parent moves on and the two never share a sequence.
   */
  split(): Random {
    const child = new Random(0);
    for (let i = 0; i < 4; i++) child.s[i] = splitMix32(this.nextUint32() ^ Math.imul(i + 1, 0x27d4eb2d));
    if ((child.s[0] | child.s[1] | child.s[2] | child.s[3]) === 0) child.s[0] = 1;
    return child;
  }
}

/**
 * The pair of standard normals √(−2 log u1) · (cos 2πu2, sin 2πu2) into out[i] and, if
 * it exists, out[i + 1]: the reference the WebAssembly path reproduces bit for bit.
 */
function boxMuller(u1: number, u2: number, out: Float32Array, i: number): void {
  const radius = Math.sqrt(-2 * Math.log(u1));
  const angle = 2 * Math.PI * u2;
  out[i] = radius * Math.cos(angle);
  if (i + 1 < out.length) out[i + 1] = radius * Math.sin(angle);
}

/** 32 random bits → (k + 1/2) / 2^23 with k their top 23 bits (see `nextUniform`). */
function toUniform(bits: number): number {
  return ((bits >>> 9) + 0.5) / TWO_POW_23;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

function checkCount(fn: string, n: number): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > MAX_DRAWS) {
    fail(fn, 'n', `a whole number in [0, ${MAX_DRAWS}] (MAX_DRAWS)`, n);
  }
  return n;
}

function sizeOf(fn: string, shape: number[]): number {
  if (!Array.isArray(shape) || shape.some((d) => typeof d !== 'number' || !Number.isInteger(d) || d < 0)) {
    fail(fn, 'shape', 'an array of whole numbers ≥ 0', shape);
  }
  const size = shape.reduce((a, b) => a * b, 1);
  if (size > MAX_DRAWS) fail(fn, 'shape', `of at most ${MAX_DRAWS} entries in all (MAX_DRAWS)`, shape);
  return size;
}

/**
 * Turns a user's seed into a generator: a number starts a fresh stream, a
 * `Random` is used as it is (and advances).
 */
export function toRandom(seed: Seed, fn: string): Random {
  if (seed instanceof Random) return seed;
  if (seed === undefined) fail(fn, 'seed', 'given: a whole number in [0, 2^32) or a Random', seed);
  checkSeed(fn, seed);
  return new Random(seed);
}
