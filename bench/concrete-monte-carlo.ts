/**
 * The Concrete Monte Carlo entropy (the peer benchmark's row: `entropy.concreteMonteCarlo`
 * of probabilities [0.5, 0.25, 0.125, 0.125], 10 000 samples, τ = 10 and 1, the value
 * read back) with the fused kernel of src/kernels/concrete-monte-carlo.ts against the
 * code path it replaced, side by side in one process, in interleaved rounds whose order
 * rotates, on cpu and wasm:
 *
 * - 'previous': the sampler and the density fused separately, the mean as its own kernel
 *   (`useFusedKernels([RelaxedSoftmax, ConcreteLogDensity])`), as the library did before;
 * - 'fused': the library now (on cpu one kernel, in WebAssembly; on wasm the same as 'previous');
 * - 'fused, JavaScript loop' (cpu): the same kernel with its WebAssembly loop switched off.
 *
 * The figure is the median over rounds of the per-round ratio variant / previous, on the
 * wall clock and in this process's CPU time (less disturbed by other work on a shared
 * machine). Each variant's estimates from one seed are compared with the previous path's,
 * bit for bit. `--anatomy` also times the pieces of one estimate on each backend.
 *
 * Run: node --import tsx bench/concrete-monte-carlo.ts [--rounds 15] [--repeats 200] [--anatomy]
 */
import * as tf from '@tensorflow/tfjs';
import { availableBackends, initBackend } from '../src/backend';
import { concreteMonteCarloEntropy } from '../src/estimators/entropy';
import { concreteLogDensity } from '../src/kernels/concrete-log-density';
import { concreteMeanLogRatio } from '../src/kernels/concrete-monte-carlo';
import { useWasmConcreteRows } from '../src/kernels/concrete-monte-carlo-wasm';
import { FUSED_BACKENDS, fusedKernelName, FusedSetting, useFusedKernels } from '../src/kernels/registry';
import { relaxedSoftmax } from '../src/kernels/relaxed-softmax';
import { Random } from '../src/random';
import { median, numberFlag } from './stats';

const ROUNDS = numberFlag('--rounds', 15);
const REPEATS = numberFlag('--repeats', 200);
const ANATOMY = process.argv.includes('--anatomy');
const PROBS = [0.5, 0.25, 0.125, 0.125];
const N = 10_000;

interface Variant { name: string; fused: FusedSetting; wasmLoop: boolean }
const PREVIOUS: Variant = { name: 'previous', fused: [fusedKernelName('RelaxedSoftmax'), fusedKernelName('ConcreteLogDensity')], wasmLoop: true };
const VARIANTS: Variant[] = [
  { name: 'fused', fused: true, wasmLoop: true },
  { name: 'fused, JavaScript loop', fused: true, wasmLoop: false },
];

/** Runs `f` with the variant's settings, and puts the previous ones back. */
function within<T>(v: Variant, f: () => T): T {
  const fused = useFusedKernels(v.fused), wasmLoop = useWasmConcreteRows(v.wasmLoop);
  try {
    return f();
  } finally {
    useFusedKernels(fused);
    useWasmConcreteRows(wasmLoop);
  }
}

/** One estimate as the peer benchmark makes it: the call, and the value read back. */
function estimate(logits: tf.Tensor, rng: Random, temperature: number): number {
  const t = concreteMonteCarloEntropy({ logits }, { numSamples: N, seed: rng, temperature });
  const value = t.dataSync()[0];
  t.dispose();
  return value;
}

/** Seconds per estimate on the wall clock and in CPU time. */
interface Chunk { wall: number; cpu: number }

function timeChunk(v: Variant, logits: tf.Tensor, rng: Random, temperature: number): Chunk {
  return within(v, () => {
    const start = performance.now(), cpuStart = process.cpuUsage();
    for (let i = 0; i < REPEATS; i++) estimate(logits, rng, temperature);
    const cpu = process.cpuUsage(cpuStart);
    return { wall: (performance.now() - start) / 1000 / REPEATS, cpu: (cpu.user + cpu.system) / 1e6 / REPEATS };
  });
}

/** The same 20 estimates from one seed, bit for bit? */
function identical(v: Variant, logits: tf.Tensor, temperature: number): boolean {
  const run = (w: Variant) => within(w, () => { const rng = new Random(9); return Array.from({ length: 20 }, () => estimate(logits, rng, temperature)); });
  const ours = run(v), previous = run(PREVIOUS);
  return ours.every((x, i) => Object.is(x, previous[i]));
}

async function kernels(v: Variant, logits: tf.Tensor, temperature: number): Promise<number> {
  return within(v, async () => (await tf.profile(() => { estimate(logits, new Random(3), temperature); })).kernels.length);
}

/** Microseconds of CPU time per call of `f`, the median of 7 chunks of 100 calls after 50 untimed. */
function microseconds(f: () => void): number {
  for (let i = 0; i < 50; i++) f();
  const chunks = Array.from({ length: 7 }, () => {
    const start = process.cpuUsage();
    for (let i = 0; i < 100; i++) f();
    const cpu = process.cpuUsage(start);
    return (cpu.user + cpu.system) / 100;
  });
  return median(chunks);
}

/** The pieces of one estimate at τ = 1 on the active backend, in µs of CPU time. */
function anatomy(backend: string, logits: tf.Tensor): string {
  const rng = new Random(5), logPi = tf.logSoftmax(logits), noise = rng.gumbel([N, PROBS.length]);
  const z = relaxedSoftmax(logits, noise, 1), density = concreteLogDensity(logPi, z, 1);
  const pieces: [string, () => void][] = [
    ['whole estimate (previous)', () => within(PREVIOUS, () => estimate(logits, rng, 1))],
    ['whole estimate (fused)', () => estimate(logits, rng, 1)],
    ['Gumbel noise (Float32Array)', () => rng.gumbelArray(N * PROBS.length)],
    ['Gumbel noise (tensor)', () => rng.gumbel([N, PROBS.length]).dispose()],
    ['relaxed sampler (fused)', () => relaxedSoftmax(logits, noise, 1).dispose()],
    ['log-density (fused)', () => concreteLogDensity(logPi, z, 1).dispose()],
    ['mean', () => tf.mean(density, 0).dispose()],
    ['fused mean log-ratio (one kernel on cpu)', () => concreteMeanLogRatio(logits, noise, logPi, null, 1, 1).dispose()],
    ['logSoftmax of the logits', () => tf.logSoftmax(logits).dispose()],
  ];
  const rows = pieces.map(([name, f]) => `| ${backend} | ${name} | ${microseconds(f).toFixed(0)} |`);
  tf.dispose([logPi, noise, z, density]);
  return rows.join('\n');
}

async function main(): Promise<void> {
  const lines = [
    `| backend | τ | variant | previous ms | variant ms | variant / previous (median of ${ROUNDS} rounds) | range over rounds | the same in CPU time | kernels, previous → variant | identical? |`,
    '|---|---:|---|---:|---:|---:|---:|---:|---:|---|',
  ];
  const pieces: string[] = [];
  for (const backend of availableBackends().filter((b) => (FUSED_BACKENDS as readonly string[]).includes(b))) {
    await initBackend(backend);
    const logits = tf.log(tf.tensor1d(PROBS));
    const variants = [PREVIOUS, ...VARIANTS.filter((v) => backend === 'cpu' || v.wasmLoop)];
    for (const temperature of [10, 1]) {
      const rng = new Random(2);
      for (let i = 0; i < 3; i++) for (const v of variants) timeChunk(v, logits, rng, temperature); // warm-up: V8 compiles every path
      const times: Chunk[][] = variants.map(() => []);
      for (let r = 0; r < ROUNDS; r++) {
        for (let j = 0; j < variants.length; j++) {
          const v = (j + r) % variants.length;
          times[v].push(timeChunk(variants[v], logits, rng, temperature));
        }
      }
      const ms = (t: Chunk[]) => (median(t.map((x) => x.wall)) * 1000).toFixed(3);
      const ratios = (v: number, clock: keyof Chunk) => times[v].map((t, r) => t[clock] / times[0][r][clock]);
      for (let v = 1; v < variants.length; v++) {
        const wall = ratios(v, 'wall');
        lines.push(`| ${backend} | ${temperature} | ${variants[v].name} | ${ms(times[0])} | ${ms(times[v])} | **${median(wall).toFixed(3)}** | ` +
          `${Math.min(...wall).toFixed(2)}–${Math.max(...wall).toFixed(2)} | ${median(ratios(v, 'cpu')).toFixed(3)} | ` +
          `${await kernels(PREVIOUS, logits, temperature)} → ${await kernels(variants[v], logits, temperature)} | ${identical(variants[v], logits, temperature) ? 'yes' : 'no'} |`);
        console.error(lines.at(-1));
      }
    }
    if (ANATOMY) pieces.push(anatomy(backend, logits));
    logits.dispose();
  }
  console.log(`\nConcrete MC entropy, 10 000 samples: the fused kernel against the previous code path; ${ROUNDS} interleaved rounds of ${REPEATS} estimates\n`);
  console.log(lines.join('\n'));
  if (ANATOMY) console.log(['\nOne estimate at τ = 1, piece by piece (µs of CPU time, median of 7 chunks of 100 calls)\n', '| backend | piece | µs |', '|---|---|---:|', ...pieces].join('\n'));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
