/**
 * The WebAssembly noise generator (wasm/noise.wat, src/noise-wasm.ts) against the
 * JavaScript reference in src/random.ts (test/wasm-modules.test.ts checks that the
 * committed bytes are the assembled text): every possible uniform goes through the Gumbel and logistic transforms to the same
 * float32 bits as Math.log gives, the normal draws' radius and angle factors stay within
 * the bound their rounding guard assumes for every possible uniform, and Random's
 * streams are the same with either path.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend';
import { logisticNoise } from '../src/distributions/noise';
import { NOISE_WASM_BASE64 } from '../src/noise-wasm-bytes';
import { noiseKernelsFor, setWasmNoise, WASM_MIN_DRAWS, wasmNoiseLoaded, type NoiseKernels } from '../src/noise-wasm';
import { Random } from '../src/random';

const ROOT = join(__dirname, '..');
const GRID = 2 ** 23; // the uniforms are (k + 1/2) / 2^23, k = 0 … 2^23 − 1
const gridPoint = (k: number) => (k + 0.5) / GRID;

before(async () => { await initBackend('cpu'); }); // logisticNoise makes a tensor
after(() => { setWasmNoise(true); });

/** The kernels, which every test below needs to have loaded (else it would compare JavaScript with itself). */
function kernels(): NoiseKernels {
  const k = noiseKernelsFor(WASM_MIN_DRAWS);
  assert.ok(k, 'WebAssembly with SIMD did not load in this Node');
  return k;
}

/** A fresh instance of the module, with its raw exports, for what the wrapper does not show. */
function instance(): Record<string, any> {
  const bytes = Uint8Array.from(atob(NOISE_WASM_BASE64), (c) => c.charCodeAt(0));
  return new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports as Record<string, any>;
}

test('every possible uniform gives the JavaScript Gumbel draw −log(−log u), bit for bit', () => {
  const u = Float32Array.from({ length: GRID }, (_, k) => gridPoint(k));
  const wasm = new Float32Array(GRID);
  kernels().toGumbel(u, wasm);
  const js = u.map((x) => -Math.log(-Math.log(x)));
  const a = new Uint32Array(wasm.buffer), b = new Uint32Array(js.buffer);
  let differ = 0;
  for (let k = 0; k < GRID; k++) if (a[k] !== b[k]) differ++;
  assert.equal(differ, 0, `${differ} of 2^23 uniforms give another float32`);
});

test('every possible uniform gives the JavaScript logistic draw log u − log1p(−u), bit for bit', () => {
  const u = Float32Array.from({ length: GRID }, (_, k) => gridPoint(k));
  const wasm = new Float32Array(GRID);
  kernels().toLogistic(u, wasm);
  const js = u.map((x) => Math.log(x) - Math.log1p(-x));
  const a = new Uint32Array(wasm.buffer), b = new Uint32Array(js.buffer);
  let differ = 0;
  for (let k = 0; k < GRID; k++) if (a[k] !== b[k]) differ++;
  assert.equal(differ, 0, `${differ} of 2^23 uniforms give another float32`);
});

test('the fast log keeps the error bound the rounding guard assumes, and the exact path stays rare', () => {
  // The guard recomputes a pair where the fast double is within 2^-42 (1 + |v|) of a float32
  // rounding boundary; that is safe if the fast path is within that of fdlibm's double. Measured
  // here over the whole grid: the inner logs must stay below 2^-46 (relative), the composite
  // −log(−log u) below 2^-45 (1 + |g|), a margin of 8 or more.
  const wasm = instance();
  const capacity: number = wasm.capacity.value;
  const draws = new Float32Array(wasm.memory.buffer, wasm.buffer.value, capacity);
  const logs = new Float64Array(wasm.memory.buffer, wasm.scratch.value, 2 * capacity);
  let inner = 0, composite = 0;
  const exactBefore = wasm.exactPairs.value;
  for (let start = 0; start < GRID; start += capacity) {
    for (let j = 0; j < capacity; j++) draws[j] = gridPoint(start + j);
    wasm.toLogistic(capacity);
    for (let j = 0; j < capacity; j++) {
      const u = gridPoint(start + j);
      inner = Math.max(inner, Math.abs(logs[j] / Math.log(u) - 1), Math.abs(logs[capacity + j] / Math.log1p(-u) - 1));
    }
    for (let j = 0; j < capacity; j++) draws[j] = gridPoint(start + j);
    wasm.toGumbel(capacity);
    for (let j = 0; j < capacity; j++) {
      const g = Math.log(-Math.log(gridPoint(start + j)));
      composite = Math.max(composite, Math.abs(logs[j] - g) / (1 + Math.abs(g)));
    }
  }
  assert.ok(inner < 2 ** -46, `inner log: relative error 2^${Math.log2(inner).toFixed(2)}`);
  assert.ok(composite < 2 ** -45, `composite: error 2^${Math.log2(composite).toFixed(2)} (1 + |g|)`);
  // Two transforms of 2^22 pairs each; a fast path that stopped deciding would show here.
  const exact = wasm.exactPairs.value - exactBefore;
  assert.ok(exact > 0 && exact < 2 ** 23 / 1000, `${exact} of 2^23 pairs took the exact path`);
});

test('the normal draws\' factors keep the bound the rounding guard assumes, over every possible uniform', () => {
  // The guard of toNormal (wasm/noise.wat) keeps the float32 rounding of p = r·x when [p − d, p + d],
  // d = r·2^-37, holds no rounding boundary. With |r − R| ≤ E_r R for V8's radius R = √(−2 log u1)
  // and |x − C| ≤ E_c for V8's factor C = cos 2πu2 (or sin), |p − P| for V8's product P is at most
  // r (E_r + E_c)(1 + ε) + 2^-53 (|p| + |P|), and the interval's ends move by 2^-53 (|p| + d): d
  // covers all of it when E_r + E_c + 2^-51 ≤ 2^-37 / 1.01. E_r and E_c are measured here over all
  // 2^23 values of u1 and of u2 (the pairs (u_k, u_k) run through both), so the bound holds for
  // every one of the 2^46 pairs, and each pair's float32 draws are V8's or left to JavaScript.
  const wasm = instance();
  const capacity: number = wasm.capacity.value, scratch: number = wasm.scratch.value;
  const draws = new Float32Array(wasm.memory.buffer, wasm.buffer.value, capacity);
  const logs = new Float64Array(wasm.memory.buffer, scratch, capacity / 2);
  const cosines = new Float64Array(wasm.memory.buffer, scratch + 8 * capacity, capacity / 2);
  const sines = new Float64Array(wasm.memory.buffer, scratch + 12 * capacity, capacity / 2);
  let radius = 0, factor = 0, open = 0;
  for (let start = 0; start < GRID; start += capacity / 2) {
    for (let j = 0; j < capacity / 2; j++) draws[2 * j] = draws[2 * j + 1] = gridPoint(start + j);
    wasm.toNormal(capacity);
    for (let j = 0; j < capacity / 2; j++) {
      const u = gridPoint(start + j), q = Math.round(4 * u); // 4u is never halfway between two whole numbers
      const R = Math.sqrt(-2 * Math.log(u)), r = Math.sqrt(-2 * logs[j]);
      radius = Math.max(radius, Math.abs(r - R) / R);
      const angle = 2 * Math.PI * u;
      const x = (q === 1 || q === 2 ? -1 : 1) * cosines[j], y = (q === 2 || q === 3 ? -1 : 1) * sines[j];
      factor = Math.max(factor, Math.abs(x - Math.cos(angle)), Math.abs(y - Math.sin(angle)));
      if (Number.isNaN(draws[2 * j])) open++;
    }
  }
  assert.ok(radius + factor + 2 ** -51 <= 2 ** -37 / 1.01,
    `radius 2^${Math.log2(radius).toFixed(2)} (relative), factors 2^${Math.log2(factor).toFixed(2)}: the guard needs d larger than r · 2^-37`);
  // A fast path that stopped deciding would show here; JavaScript recomputes the pairs left open.
  assert.ok(open > 0 && open < GRID / 100, `${open} of 2^23 pairs left open`);
});

test('normal draws from the WebAssembly path are Random\'s JavaScript draws, bit for bit, on 2^22 pairs', () => {
  kernels();
  let differ = 0;
  for (let seed = 0; seed < 64; seed++) {
    const [a, b] = [true, false].map((on) => {
      const previous = setWasmNoise(on);
      try {
        return new Uint32Array(new Random(seed).normalArray(2 ** 17 + (seed % 3)).buffer);
      } finally {
        setWasmNoise(previous);
      }
    });
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) differ++;
  }
  assert.equal(differ, 0, `${differ} normal draws differ`);
});

/** What a generator gives through a sequence of calls, with the WebAssembly path on or off. */
function transcript(on: boolean, calls: (rng: Random) => ArrayLike<number>[]): number[][] {
  const previous = setWasmNoise(on);
  try {
    const rng = new Random(2024);
    return [...calls(rng).map((values) => Array.from(new Uint32Array(Float32Array.from(values).buffer))), [rng.nextUint32()]];
  } finally {
    setWasmNoise(previous);
  }
}

test('Random gives the same streams with either path, across the buffer boundary, and leaves the same state', () => {
  kernels();
  const capacity = instance().capacity.value as number;
  for (const n of [0, 1, WASM_MIN_DRAWS - 1, WASM_MIN_DRAWS, WASM_MIN_DRAWS + 1, capacity - 1, capacity, capacity + 1, 3 * capacity + 5]) {
    const calls = (rng: Random) => {
      const logistic = logisticNoise(rng, [n]);
      const values = logistic.dataSync();
      logistic.dispose();
      // bitsArray's words as floats would collapse NaN patterns: compare them as words.
      return [Float32Array.from(new Float32Array(rng.bitsArray(n).buffer)), rng.uniformArray(n), rng.gumbelArray(n), rng.normalArray(n), values];
    };
    assert.deepEqual(transcript(true, calls), transcript(false, calls), `n = ${n}`);
  }
});

test('bulk draws interleave with nextUint32, split, integer and small draws as before', () => {
  const calls = (rng: Random) => {
    const out: ArrayLike<number>[] = [];
    for (let i = 0; i < 5; i++) {
      out.push(rng.gumbelArray(1000 + i), [rng.nextUint32(), rng.nextUniform(), rng.integer(7)]);
      const child = rng.split();
      out.push(child.uniformArray(5000), rng.gumbelArray(3), child.gumbelArray(40), rng.uniformArray(2));
    }
    return out;
  };
  assert.deepEqual(transcript(true, calls), transcript(false, calls));
});

test('where WebAssembly cannot compile (no SIMD, a content security policy), Random draws the same numbers in JavaScript', () => {
  const here = Array.from(new Uint32Array(new Random(3).gumbelArray(5000).buffer).slice(0, 4999));
  assert.ok(wasmNoiseLoaded());
  const script = [
    // As an engine without SIMD, or a page whose policy forbids compiling, would refuse.
    "WebAssembly.Module = function () { throw new WebAssembly.CompileError('refused'); };",
    "const { Random } = require('./src/random');",
    "const { wasmNoiseLoaded } = require('./src/noise-wasm');",
    'const g = new Random(3).gumbelArray(5000);',
    'console.log(JSON.stringify({ loaded: wasmNoiseLoaded(), words: Array.from(new Uint32Array(g.buffer).slice(0, 4999)) }));',
  ].join('\n');
  const run = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const { loaded, words } = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { loaded: boolean; words: number[] };
  assert.equal(loaded, false);
  assert.deepEqual(words, here);
});

test('bulk draws make no tensors and keep the tensor count flat', () => {
  const rng = new Random(5);
  const before = tf.memory().numTensors;
  for (let i = 0; i < 20; i++) { rng.gumbelArray(10_000); logisticNoise(rng, [100, 30]).dispose(); }
  assert.equal(tf.memory().numTensors, before);
});
