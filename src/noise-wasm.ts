/**
 * Bulk noise in WebAssembly: the xoshiro128** steps and the uniform, Gumbel, logistic and
 * normal transforms of `Random` (wasm/noise.wat), bit-identical to its JavaScript and
 * faster from a few dozen draws a call: from a few thousand, about 2× for bits and
 * uniforms, 3× for normal and 4–5× for Gumbel and logistic draws (bench/noise.ts).
 *
 * The module is compiled once, synchronously, on first use. Where WebAssembly or its SIMD
 * is missing, or compiling is forbidden (a content security policy), `noiseKernelsFor`
 * gives null and the callers keep their JavaScript loops, which give the same numbers and
 * remain the readable reference (test/random-wasm.test.ts compares the two).
 */
import { NOISE_WASM_BASE64 } from './noise-wasm-bytes';
import { compileModule, instantiate, LazyKernels } from './wasm-module';

/**
 * Below this many draws a call stays in JavaScript: entering the module, syncing the
 * generator's four words and copying the draws out cost about 0.1 µs, which uniforms
 * earn back from about 32 draws and Gumbel draws from about 8 (bench/noise.ts).
 */
export const WASM_MIN_DRAWS = 32;

/** The draws of one call; Random's four state words are read and written back. */
export interface NoiseKernels {
  /** Fills `out` with successive 32-bit outputs, advancing `state` as nextUint32 would. */
  bits(state: Uint32Array, out: Uint32Array): void;
  /** Fills `out` with uniforms (k + 1/2) / 2^23, the sequence of nextUniform. */
  uniforms(state: Uint32Array, out: Float32Array | Float64Array): void;
  /** Fills `out` with −log(−log u) of successive uniforms, as Random.gumbelArray. */
  gumbel(state: Uint32Array, out: Float32Array): void;
  /** out[i] = −log(−log u[i]) in float32, for u on the uniforms' grid (`out` may be `u`). */
  toGumbel(u: Float32Array, out: Float32Array): void;
  /** out[i] = log u[i] − log1p(−u[i]) in float32, for u on the uniforms' grid (`out` may be `u`). */
  toLogistic(u: Float32Array, out: Float32Array): void;
  /**
   * Box–Muller normals from pairs of uniforms on the grid (u of even length, `out` as long,
   * `out` may be `u`): √(−2 log u[2i]) · (cos 2πu[2i+1], sin 2πu[2i+1]) in float32, as
   * Random.normalArray makes them, except that out[2i] is NaN where the pair must be
   * recomputed in JavaScript (see wasm/noise.wat).
   */
  toNormal(u: Float32Array, out: Float32Array): void;
}

/** What the module exports (wasm/noise.wat). */
interface NoiseExports {
  memory: { buffer: ArrayBuffer };
  buffer: { value: number };
  capacity: { value: number };
  bits(n: number): void;
  uniforms(n: number): void;
  gumbel(n: number): void;
  toGumbel(n: number): void;
  toLogistic(n: number): void;
  toNormal(n: number): void;
}

const kernels = new LazyKernels(compile);

/**
 * The WebAssembly kernels for a call of `n` draws, or null where JavaScript should
 * make them: too few draws to pay for the call, WebAssembly unavailable, or switched off.
 */
export function noiseKernelsFor(n: number): NoiseKernels | null {
  return n < WASM_MIN_DRAWS ? null : kernels.get();
}

/**
 * Switches the WebAssembly path on or off for the whole process and returns the previous
 * setting. The numbers are the same either way; tests and benchmarks use it to compare
 * the two paths.
 */
export function setWasmNoise(on: boolean): boolean {
  return kernels.use(on);
}

/** Whether the module compiled here (false before the first bulk call). */
export function wasmNoiseLoaded(): boolean {
  return kernels.loaded;
}

function compile(): NoiseKernels | null {
  // No WebAssembly or SIMD, or compiling forbidden: the JavaScript path gives the same numbers.
  const module = compileModule(NOISE_WASM_BASE64);
  const instance = module === null ? null : instantiate(module, {});
  return instance === null ? null : wrap(instance as NoiseExports);
}

function wrap(wasm: NoiseExports): NoiseKernels {
  // The module's memory never grows, so these views stay valid.
  const memory = wasm.memory.buffer, capacity = wasm.capacity.value;
  const words = new Uint32Array(memory, 0, 4);
  const asBits = new Uint32Array(memory, wasm.buffer.value, capacity);
  const asFloats = new Float32Array(memory, wasm.buffer.value, capacity);

  /** Draws `out.length` values, a buffer's worth at a time, with `state` carried through. */
  const draw = (run: (n: number) => void, view: Uint32Array | Float32Array) =>
    (state: Uint32Array, out: Uint32Array | Float32Array | Float64Array): void => {
      words.set(state);
      for (let start = 0; start < out.length; start += capacity) {
        const n = Math.min(capacity, out.length - start);
        run(n);
        out.set(n === capacity ? view : view.subarray(0, n), start);
      }
      state.set(words);
    };
  /** Transforms `u` into `out`, a buffer's worth at a time. */
  const transform = (run: (n: number) => void) => (u: Float32Array, out: Float32Array): void => {
    for (let start = 0; start < u.length; start += capacity) {
      const n = Math.min(capacity, u.length - start);
      asFloats.set(u.subarray(start, start + n));
      run(n);
      out.set(n === capacity ? asFloats : asFloats.subarray(0, n), start);
    }
  };
  return {
    bits: draw(wasm.bits, asBits),
    uniforms: draw(wasm.uniforms, asFloats),
    gumbel: draw(wasm.gumbel, asFloats),
    toGumbel: transform(wasm.toGumbel),
    toLogistic: transform(wasm.toLogistic),
    toNormal: transform(wasm.toNormal),
  };
}
