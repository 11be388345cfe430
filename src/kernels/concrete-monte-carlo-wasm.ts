/**
 * The Concrete Monte Carlo cpu kernel's loop in WebAssembly (wasm/concrete-monte-carlo.wat):
 * the same numbers as the JavaScript loop of concrete-monte-carlo.ts, bit for bit, four
 * rows at a time in SIMD lanes, with exp and log computed as float32Exp and float32Log
 * (test/float32-exp-log.ts, their readable form) do, in place of the calls of Math.exp and Math.log.
 *
 * The module is compiled once, synchronously, on first use (it is 2.9 KB, under the
 * 4 KiB that browsers compile synchronously on the main thread). Where WebAssembly is
 * missing or compiling is forbidden, `concreteRowsKernel` gives null and the JavaScript
 * loop runs, which remains the readable reference (test/fused-concrete-monte-carlo.test.ts
 * compares the two).
 */
import { compileModule, instantiate, LazyKernels, WASM_PAGE_BYTES } from '../wasm-module';
import { CONCRETE_MONTE_CARLO_WASM_BASE64 } from './concrete-monte-carlo-wasm-bytes';
import { DensityConstants } from './concrete-log-density';

/** What one call works on: the kernel's inputs as float32 arrays, and its constants. */
export interface ConcreteRows {
  /** logits and log π [B·K]; the noise [n·B·K]; the prior's log-probabilities [P], P a multiple of K dividing B·K, or null. */
  logits: Float32Array;
  logPi: Float32Array;
  noise: Float32Array;
  prior: Float32Array | null;
  /** The density's constants for q (τ) and for the prior (λ). */
  q: DensityConstants;
  p: DensityConstants;
}

/** The WebAssembly loop, and its float32 exp and log alone (for the tests). */
export interface ConcreteRowsKernel {
  /**
   * Σ_i value_i / n in float64 for each of the B batch entries, as the JavaScript loop sums
   * them; null if the module's memory cannot grow to hold the inputs.
   */
  totals(rows: ConcreteRows): Float64Array | null;
  /** float32Exp (or float32Log, when `log`) of each entry, as the loop computes them. */
  map(values: Float32Array, log: boolean): Float32Array;
}

/** What the module exports (wasm/concrete-monte-carlo.wat). */
interface RowsExports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  map(at: number, n: number, log: number): void;
  rows(noise: number, count: number, b: number, logits: number, logPi: number, prior: number, totals: number,
    scratch: number, K: number, B: number, P: number, n: number, tau: number, tauPlusOne: number, constant: number,
    priorTau: number, priorTauPlusOne: number, priorConstant: number): void;
}

/** Where the caller's arrays start: after the module's own 64 bytes of scratch. */
const ARRAYS = 64;
/** Noise entries copied in a call of `rows`: 256 KiB at a time, so a big sample needs no big memory. */
const CHUNK = 2 ** 16;
/** Above this many logits (per array) the JavaScript loop runs rather than growing the memory further. */
const WASM_MAX_LOGITS = 2 ** 22;

/** The WebAssembly loop takes up to 2^22 logits and a prior of one row (P = K) or one per batch entry (P = B·K). */
export function fitsWasmLoop({ logits, prior, q }: ConcreteRows): boolean {
  return logits.length <= WASM_MAX_LOGITS && (prior === null || prior.length === q.K || prior.length === logits.length);
}

const kernel = new LazyKernels(compile);

/** The WebAssembly loop, or null where the JavaScript loop should run (unavailable, or switched off). */
export function concreteRowsKernel(): ConcreteRowsKernel | null {
  return kernel.get();
}

/**
 * Switches the WebAssembly loop on or off for the whole process and returns the previous
 * setting. The numbers are the same either way; tests and benchmarks compare the two.
 *
 * @example
 * const before = useWasmConcreteRows(false);   // the JavaScript loop from here on
 * useWasmConcreteRows(before);
 */
export function useWasmConcreteRows(on: boolean): boolean {
  return kernel.use(on);
}

function compile(): ConcreteRowsKernel | null {
  // Not compiled (no SIMD, or compiling forbidden): the JavaScript loop gives the same numbers.
  const module = compileModule(CONCRETE_MONTE_CARLO_WASM_BASE64);
  // Math.exp and Math.log decide the float32 roundings the fast values leave uncertain.
  const instance = module === null ? null : instantiate(module, { math: { exp: Math.exp, log: Math.log } });
  return instance === null ? null : wrap(instance as RowsExports);
}

function wrap(wasm: RowsExports): ConcreteRowsKernel {
  return { totals: (rows) => totals(wasm, rows), map: (values, log) => map(wasm, values, log) };
}

/** Room for `bytes` past the start of the caller's arrays, or null where the memory cannot grow that far. */
function reserve(wasm: RowsExports, bytes: number): ArrayBuffer | null {
  const end = ARRAYS + bytes, have = wasm.memory.buffer.byteLength;
  try {
    if (end > have) wasm.memory.grow(Math.ceil((end - have) / WASM_PAGE_BYTES));
  } catch {
    return null; // (a RangeError: the engine's limit on memory)
  }
  return wasm.memory.buffer;
}

function totals(wasm: RowsExports, { logits, logPi, noise, prior, q, p }: ConcreteRows): Float64Array | null {
  const K = q.K, L = logits.length, B = L / K, P = prior === null ? 0 : prior.length, rows = noise.length / K;
  const chunkRows = Math.max(4, Math.floor(CHUNK / K / 4) * 4);
  // The layout: logits, log π, the prior, the totals (8-byte aligned), 3 K vectors of scratch, one chunk of noise.
  const logitsAt = ARRAYS, logPiAt = logitsAt + 4 * L, priorAt = logPiAt + 4 * L;
  const totalsAt = align8(priorAt + 4 * P), scratchAt = align8(totalsAt + 8 * B), noiseAt = scratchAt + 48 * K;
  const buffer = reserve(wasm, noiseAt + 4 * chunkRows * K - ARRAYS);
  if (buffer === null) return null;
  const floats = new Float32Array(buffer), sums = new Float64Array(buffer, totalsAt, B);
  floats.set(logits, logitsAt / 4);
  floats.set(logPi, logPiAt / 4);
  if (prior !== null) floats.set(prior, priorAt / 4);
  sums.fill(0);
  const nf = Math.fround(noise.length / L);
  for (let first = 0; first < rows; first += chunkRows) {
    const count = Math.min(chunkRows, rows - first);
    floats.set(noise.subarray(first * K, (first + count) * K), noiseAt / 4);
    wasm.rows(noiseAt, count, first % B, logitsAt, logPiAt, priorAt, totalsAt, scratchAt, K, B, P, nf,
      q.tau, q.tauPlusOne, q.constant, p.tau, p.tauPlusOne, p.constant);
  }
  return sums.slice();
}

function map(wasm: RowsExports, values: Float32Array, log: boolean): Float32Array {
  const n = Math.ceil(values.length / 4) * 4;
  const buffer = reserve(wasm, 4 * n);
  if (buffer === null) throw new Error(`ConcreteRowsKernel.map: the module's memory cannot grow to hold ${n} values`);
  const floats = new Float32Array(buffer, ARRAYS, n);
  floats.set(values);
  wasm.map(ARRAYS, n, log ? 1 : 0);
  return floats.slice(0, values.length);
}

function align8(bytes: number): number {
  return Math.ceil(bytes / 8) * 8;
}
