/**
 * What the WebAssembly noise generator (src/noise-wasm.ts, wasm/noise.wat) saves against
 * Random's JavaScript loops, which give the same bits. Timed side by side in one process,
 * in interleaved rounds (the order of the two paths alternates from round to round), with
 * `setWasmNoise` switching between them:
 *
 * 1. host only: bitsArray, uniformArray, gumbelArray, normalArray and logisticNoise (the cpu backend,
 *    whose upload keeps the array as it is) for n = 3 … 200 000 draws a call;
 * 2. the crossing for small n: Random's JavaScript path against a direct call of the
 *    kernels (state synced in and out, output copied), which sets WASM_MIN_DRAWS;
 * 3. the peer benchmark's relaxed-entropy rows (10 000 samples of K = 4, τ = 10 and 1,
 *    value read back) on the backends named by --backends.
 *
 * Every case first checks that the two paths give bitwise-identical draws.
 *
 * Run: node --import tsx bench/noise.ts [--rounds 9] [--backends wasm,tensorflow]
 */
import * as tf from '@tensorflow/tfjs';
import { availableBackends, initBackend } from '../src/backend';
import { logisticNoise } from '../src/distributions/noise';
import { concreteMonteCarloEntropy, discreteMonteCarloEntropy, relaxedLogMassEntropy } from '../src/estimators/entropy';
import { noiseKernelsFor, setWasmNoise, WASM_MIN_DRAWS } from '../src/noise-wasm';
import { Random } from '../src/random';
import { median, numberFlag } from './stats';

const ROUNDS = numberFlag('--rounds', 9);
const flag = process.argv.indexOf('--backends');
const BACKENDS = flag >= 0 ? process.argv[flag + 1].split(',') : ['wasm'];
const SIZES = [3, 100, 3_000, 40_000, 200_000];

type Draws = Float32Array | Uint32Array;
type Draw = (rng: Random, n: number) => Draws;
const KINDS: [string, Draw][] = [
  ['bits', (rng, n) => rng.bitsArray(n)],
  ['uniform', (rng, n) => rng.uniformArray(n)],
  ['Gumbel', (rng, n) => rng.gumbelArray(n)],
  ['normal', (rng, n) => rng.normalArray(n)],
  ['logistic', (rng, n) => { const t = logisticNoise(rng, [n]); const v = t.dataSync() as Float32Array; t.dispose(); return v; }],
];

/** Seconds per call of `f`, over `reps` calls. */
function secondsPerCall(f: () => unknown, reps: number): number {
  const start = performance.now();
  for (let i = 0; i < reps; i++) f();
  return (performance.now() - start) / 1000 / reps;
}

/** Times `js` and `wasm` in interleaved rounds; returns [js median, wasm median, per-round ratios wasm / js]. */
function sideBySide(js: () => unknown, wasm: () => unknown, reps: number): [number, number, number[]] {
  const t: number[][] = [[], []];
  const run = (v: number) => { const was = setWasmNoise(v === 1); t[v].push(secondsPerCall(v === 0 ? js : wasm, reps)); setWasmNoise(was); };
  run(0); run(1); t[0].length = t[1].length = 0; // warm-up
  for (let r = 0; r < ROUNDS; r++) for (const v of r % 2 ? [1, 0] : [0, 1]) run(v);
  return [median(t[0]), median(t[1]), t[1].map((x, r) => x / t[0][r])];
}

/** The same words, bit for bit (floats compared as their bits). */
function identical(a: Draws, b: Draws): boolean {
  const words = (d: Draws) => (d instanceof Uint32Array ? d : new Uint32Array(d.buffer, d.byteOffset, d.length));
  const x = words(a), y = words(b);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/** Both paths' draws from the same seed, and the generator's next word after them. */
function bothPaths(draw: Draw, n: number): [Draws, number][] {
  return [false, true].map((on) => {
    const was = setWasmNoise(on);
    const rng = new Random(n + 1);
    const values = draw(rng, n);
    const next = rng.nextUint32();
    setWasmNoise(was);
    return [values, next];
  });
}

const us = (s: number) => (s * 1e6).toPrecision(3);
const range = (ratios: number[]) => `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}`;

async function main(): Promise<void> {
  await initBackend('cpu');
  const host = [
    `| draws | n | JS µs a call | wasm µs a call | JS ns a draw | wasm ns a draw | wasm / JS (median of ${ROUNDS} rounds) | range | same bits? |`,
    '|---|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const [kind, draw] of KINDS) {
    for (const n of SIZES) {
      const [[a, nextA], [b, nextB]] = bothPaths(draw, n);
      const same = identical(a, b) && nextA === nextB;
      const rng = new Random(7);
      const [js, wasm, ratios] = sideBySide(() => draw(rng, n), () => draw(rng, n), Math.max(3, Math.round(4e5 / (n + 20))));
      host.push(`| ${kind} | ${n} | ${us(js)} | ${us(wasm)} | ${(js / n * 1e9).toPrecision(3)} | ${(wasm / n * 1e9).toPrecision(3)} | ` +
        `**${median(ratios).toFixed(3)}** | ${range(ratios)} | ${same ? 'yes' : '**no**'} |`);
      console.error(host.at(-1));
    }
  }

  // Below WASM_MIN_DRAWS, Random stays in JavaScript; here the kernels are called directly.
  const kernels = noiseKernelsFor(WASM_MIN_DRAWS);
  const crossing = [
    `| draws | n | JS µs a call | wasm µs a call | wasm / JS (median of ${ROUNDS} rounds) | range |`,
    '|---|---:|---:|---:|---:|---:|',
  ];
  if (kernels) {
    for (const [kind, fill] of [['uniform', kernels.uniforms], ['Gumbel', kernels.gumbel]] as const) {
      for (const n of [1, 2, 4, 8, 16, 32, 64]) {
        const rng = new Random(7), state = Uint32Array.from([1, 2, 3, 4]);
        const jsDraw = kind === 'uniform' ? () => rng.uniformArray(n) : () => rng.gumbelArray(n);
        const [js, wasm, ratios] = sideBySide(jsDraw, () => { const out = new Float32Array(n); fill(state, out); return out; }, 20_000);
        crossing.push(`| ${kind} | ${n} | ${us(js)} | ${us(wasm)} | **${median(ratios).toFixed(3)}** | ${range(ratios)} |`);
        console.error(crossing.at(-1));
      }
    }
  }

  const entropy = [
    `| backend | estimate | ms with JS noise | ms with wasm noise | wasm / JS (median of ${ROUNDS} rounds) | range | same value? |`,
    '|---|---|---:|---:|---:|---:|---|',
  ];
  for (const backend of BACKENDS.filter((b) => availableBackends().includes(b as never))) {
    await initBackend(backend);
    const logits = tf.log(tf.tensor1d([0.5, 0.25, 0.125, 0.125]));
    const read = (t: tf.Tensor) => { const v = t.dataSync()[0]; t.dispose(); return v; };
    for (const tau of [10, 1]) {
      const cases: [string, typeof discreteMonteCarloEntropy][] = [
        ['discrete MC', discreteMonteCarloEntropy], ['eq. 21', relaxedLogMassEntropy], ['Concrete MC', concreteMonteCarloEntropy],
      ];
      for (const [name, estimate] of cases) {
        const values = [false, true].map((on) => { const was = setWasmNoise(on); const v = read(estimate({ logits }, { numSamples: 10_000, seed: 3, temperature: tau })); setWasmNoise(was); return v; });
        const rng = new Random(5);
        const f = () => read(estimate({ logits }, { numSamples: 10_000, seed: rng, temperature: tau }));
        for (let i = 0; i < 100; i++) f(); // the peer benchmark's warm-up
        const [js, wasm, ratios] = sideBySide(f, f, 40);
        entropy.push(`| ${backend} | ${name} τ = ${tau} | ${(js * 1e3).toPrecision(3)} | ${(wasm * 1e3).toPrecision(3)} | ` +
          `**${median(ratios).toFixed(3)}** | ${range(ratios)} | ${Object.is(values[0], values[1]) ? 'yes' : '**no**'} |`);
        console.error(entropy.at(-1));
      }
    }
    logits.dispose();
  }

  console.log(`\nHost noise, Random's JavaScript against WebAssembly (${ROUNDS} interleaved rounds)\n`);
  console.log(host.join('\n'));
  console.log(`\nSmall calls: Random's JavaScript against the kernels called directly (Random uses them from n = ${WASM_MIN_DRAWS})\n`);
  console.log(kernels ? crossing.join('\n') : 'WebAssembly with SIMD did not load here: nothing to compare.');
  console.log('\nRelaxed-entropy estimates of the peer benchmark, ms an estimate with each noise path\n');
  console.log(entropy.join('\n'));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
