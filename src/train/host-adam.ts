/**
 * Adam's state and update on the host, in WebAssembly (wasm/adam.wat): the gradients,
 * both moments and the weights of all variables as flat float32 vectors in one memory,
 * updated four lanes at a time in TensorFlow.js' order of float32 operations.
 *
 * A tensor implementation passes over the half million weights of the categorical VAE
 * about fourteen times a step, each pass a kernel; here it is one pass, at the price of
 * reading the gradients down and writing the new weights back (bench/flat-adam.ts).
 *
 * The tensorflow backend's kernels flush subnormal numbers to zero, inputs and results;
 * the module does the same on request, so that the weights stay bit-identical to the
 * backend's own update there as well as on wasm and cpu (test/adam.test.ts).
 */
import { compileModule, instantiate, LazyKernels, WASM_PAGE_BYTES, webAssembly } from '../wasm-module';
import { ADAM_WASM_BASE64 } from './adam-wasm-bytes';

/** The largest number of weights kept on the host: four vectors of them fill 1 GiB. */
export const HOST_ADAM_MAX_WEIGHTS = 2 ** 26;

/** The update's float32 scalars (JavaScript numbers, rounded to float32 on the way in). */
export interface AdamScalars {
  beta1: number;
  oneMinusBeta1: number;
  beta2: number;
  oneMinusBeta2: number;
  epsilon: number;
  negLearningRate: number;
}

/** What the module exports (wasm/adam.wat). */
interface AdamExports {
  update(n: number, g: number, m: number, v: number, theta: number,
    beta1: number, oneMinusBeta1: number, beta2: number, oneMinusBeta2: number,
    epsilon: number, negLearningRate: number, correction1: number, correction2: number, tiny: number): void;
  prepare(n: number, at: number, tiny: number): number;
}

/** The smallest positive normal float32, 2^−126: below it the tensorflow backend flushes to zero. */
const SMALLEST_NORMAL = 2 ** -126;

const compiled = new LazyKernels(() => compileModule(ADAM_WASM_BASE64));

/** The magnitude below which the module flushes a number to zero: 2^−126, or 0 for none. */
const tininess = (flushSubnormals: boolean) => (flushSubnormals ? SMALLEST_NORMAL : 0);

/**
 * Flat host storage for Adam over variables of the given sizes: each variable's entries
 * start at `offsets[i]` of every vector, on a 4-float boundary (the gaps stay zero and
 * are updated harmlessly: a zero gradient, moment and weight stay zero).
 */
export class HostAdamState {
  /** Where each variable starts in the flat vectors. */
  readonly offsets: number[];
  /** The gradients, written by the caller before each step. */
  readonly gradients: Float32Array;
  /** The weights: written by the caller where a variable changed since the last step, updated by `update`. */
  readonly weights: Float32Array;
  private readonly wasm: AdamExports;
  private readonly length: number;
  private readonly bytes: { g: number; m: number; v: number; theta: number };

  private constructor(wasm: AdamExports, memory: { buffer: ArrayBuffer }, offsets: number[], length: number) {
    this.wasm = wasm;
    this.offsets = offsets;
    this.length = length;
    const vectorBytes = length * 4;
    this.bytes = { g: 0, m: vectorBytes, v: 2 * vectorBytes, theta: 3 * vectorBytes };
    // The memory never grows, so these views stay valid.
    this.gradients = new Float32Array(memory.buffer, this.bytes.g, length);
    this.weights = new Float32Array(memory.buffer, this.bytes.theta, length);
  }

  /**
   * Storage for variables of these sizes, with zero moments; null where WebAssembly or
   * its SIMD is missing or compiling is forbidden, or beyond HOST_ADAM_MAX_WEIGHTS, or
   * where the engine will not give the memory (the tensor layouts give the same numbers).
   */
  static create(sizes: readonly number[]): HostAdamState | null {
    const offsets: number[] = [];
    let length = 0;
    for (const size of sizes) {
      offsets.push(length);
      length += Math.ceil(size / 4) * 4;
    }
    if (length > HOST_ADAM_MAX_WEIGHTS) return null;
    const module = compiled.get();
    if (module === null) return null;
    let memory: { buffer: ArrayBuffer };
    try {
      memory = new (webAssembly()!.Memory)({ initial: Math.max(1, Math.ceil((16 * length) / WASM_PAGE_BYTES)) });
    } catch {
      return null;
    }
    const instance = instantiate(module, { host: { memory } });
    return instance === null ? null : new HostAdamState(instance as AdamExports, memory, offsets, length);
  }

  /**
   * Makes the gradients ready for `update` (subnormal entries flushed to zero where
   * `flushSubnormals`, as the tensorflow backend's kernels read them) and says whether
   * every entry is finite (NaN and ±∞ are not; there is no sum that could overflow).
   */
  prepareGradients(flushSubnormals: boolean): boolean {
    return this.wasm.prepare(this.length, this.bytes.g, tininess(flushSubnormals)) === 1;
  }

  /** The same for the weights, after the caller wrote some afresh (their finiteness is not tested). */
  prepareWeights(flushSubnormals: boolean): void {
    this.wasm.prepare(this.length, this.bytes.theta, tininess(flushSubnormals));
  }

  /**
   * One update of the moments and weights in place, with 1 − β^t as the float32
   * `correction1` and `correction2`, after `prepareGradients` (and `prepareWeights` if
   * weights were written) with the same `flushSubnormals`.
   */
  update(scalars: AdamScalars, correction1: number, correction2: number, flushSubnormals: boolean): void {
    const s = scalars, { g, m, v, theta } = this.bytes;
    const tiny = tininess(flushSubnormals);
    // A subnormal scalar (a learning rate below 2^−126) is flushed as the backend's kernels would flush it.
    const flush = (x: number) => (Math.abs(Math.fround(x)) < tiny ? 0 * Math.sign(x) : x);
    this.wasm.update(this.length, g, m, v, theta,
      flush(s.beta1), flush(s.oneMinusBeta1), flush(s.beta2), flush(s.oneMinusBeta2), flush(s.epsilon), flush(s.negLearningRate),
      flush(correction1), flush(correction2), tiny);
  }
}
