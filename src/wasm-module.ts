/**
 * The project's small WebAssembly modules (wasm/*.wat, assembled into base64 strings by
 * scripts/assemble-wasm.mjs) are compiled here: synchronously, which browsers allow
 * for modules under 4 KiB, and once per module. Each caller keeps a JavaScript path
 * that gives the same numbers for where this gives null.
 */

/** The size of a WebAssembly memory page, the unit memories are made and grown in. */
export const WASM_PAGE_BYTES = 65536;

/** The part of the WebAssembly API the modules use (the build's lib has no DOM types). */
export interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  Memory: new (descriptor: { initial: number }) => { buffer: ArrayBuffer };
}

/** The engine's WebAssembly, or null where it (or atob, to decode the bytes) is missing. */
export function webAssembly(): WebAssemblyApi | null {
  const api = (globalThis as unknown as { WebAssembly?: WebAssemblyApi }).WebAssembly;
  return api === undefined || typeof atob !== 'function' ? null : api;
}

/**
 * The compiled module of base64-encoded bytes, or null where it cannot be compiled:
 * no WebAssembly, no SIMD, or compiling forbidden (a content security policy).
 */
export function compileModule(base64: string): object | null {
  const api = webAssembly();
  if (api === null) return null;
  try {
    return new api.Module(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
  } catch {
    return null;
  }
}

/** An instance of a compiled module with its imports, or null if instantiating fails (e.g. memory the engine will not give). */
export function instantiate(module: object, imports: object): unknown | null {
  const api = webAssembly();
  if (api === null) return null;
  try {
    return new api.Instance(module, imports).exports;
  } catch {
    return null;
  }
}

/**
 * A module's compiled kernels, made on first use and kept (null where they cannot be
 * made), with a process-wide switch: tests and benchmarks turn a WebAssembly path off to
 * compare it with its JavaScript path, which gives the same numbers.
 */
export class LazyKernels<T> {
  private made: T | null | undefined; // undefined: not made yet
  private enabled = true;

  constructor(private readonly make: () => T | null) {}

  /** The kernels, or null where they cannot be made or are switched off. */
  get(): T | null {
    if (!this.enabled) return null;
    if (this.made === undefined) this.made = this.make();
    return this.made;
  }

  /** Switches the kernels on or off and returns the previous setting. */
  use(on: boolean): boolean {
    const previous = this.enabled;
    this.enabled = on;
    return previous;
  }

  /** Whether the kernels were made (false before the first `get`). */
  get loaded(): boolean {
    return this.made !== undefined && this.made !== null;
  }
}
