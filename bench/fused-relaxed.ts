/**
 * The fused kernels (src/kernels/) against their op-by-op references, side by side in
 * one process: each case runs the same library call with the fused kernels on and off
 * (`useFusedKernels`), in interleaved rounds, on every backend that has them (cpu and
 * wasm). The figure is the median over rounds of the per-round ratio fused / reference,
 * on the wall clock and, less disturbed by other work on a shared machine, in this
 * process's CPU time.
 *
 * Cases, at the settings of the peer benchmark's rows (bench/peer/README.md):
 * - 'relaxed sample + gradient': ∇ Σ w ⊙ RelaxedOneHotCategorical.sample, K = 3, 1000 samples, τ = 5;
 * - 'squared-error ST-GS step' / 'GS step': `optimize` steps of the squared-error toy
 *   (K = 3, 1000 samples, τ = 5, lr 0.01), the loss read every 500 steps as in the peer run;
 * - 'mixture Gumbel-Softmax': `gumbelSoftmaxMixtureGradient`, L1 = 100, L2 = 1000, τ = 0.01;
 * - 'Concrete MC entropy τ = 10 / 1': `concreteMonteCarloEntropy`, 10 000 samples, value read back.
 *
 * The squared-error ST-GS step and the Concrete MC entropy are also timed with one
 * fused kernel at a time. Each variant's outputs (the logits after the steps, the
 * recorded losses, the gradients, the estimates) are compared with the reference's
 * from the same seed, bit for bit ('identical?' column).
 *
 * Run: node --import tsx bench/fused-relaxed.ts [--rounds 9] [--repeats 200] [--only mixture,entropy]
 */
import * as tf from '@tensorflow/tfjs';
import { availableBackends, initBackend } from '../src/backend';
import { RelaxedOneHotCategorical } from '../src/distributions';
import { concreteMonteCarloEntropy } from '../src/estimators/entropy';
import { FUSED_BACKENDS, fusedKernelName, FusedSetting, useFusedKernels } from '../src/kernels/registry';
import { Random } from '../src/random';
import { GaussianMixtureModel } from '../src/studies/gaussian-mixture/model';
import { gumbelSoftmaxMixtureGradient } from '../src/studies/gaussian-mixture/gradients';
import { SQUARED_ERROR_CATEGORICAL_TARGET, squaredErrorLoss } from '../src/studies/squared-error/problem';
import { optimize } from '../src/train/optimize';
import { median, numberFlag } from './stats';

const ROUNDS = numberFlag('--rounds', 9);
/** Calls per timed chunk (each case's own unit: a gradient, a step, an estimate). */
const REPEATS = numberFlag('--repeats', 200);
const ONLY = (() => { const i = process.argv.indexOf('--only'); return i >= 0 ? process.argv[i + 1].split(',') : null; })();

/** One case: `run(rng)` does `units` units of work and returns the numbers to compare. */
interface Case { name: string; units: number; run: (rng: Random) => Float32Array; variants?: string[] }

/** What runs fused in each variant; the reference is `false` (every op by op). */
const VARIANTS: Record<string, FusedSetting> = {
  'all fused': true,
  'relaxed softmax only': [fusedKernelName('RelaxedSoftmax')],
  'straight-through only': [fusedKernelName('StraightThroughRound')],
  'Concrete log-density only': [fusedKernelName('ConcreteLogDensity')],
};

/** Steps per `optimize` call: its set-up (checks, optimiser, the first record) is then a small share of a step. */
const STEPS_PER_CALL = 50;

const read = (t: tf.Tensor): Float32Array => { const v = t.dataSync() as Float32Array; t.dispose(); return v; };

/** The cases on the active backend, and what frees their tensors. */
function cases(): { list: Case[]; dispose: () => void } {
  const logits = tf.tensor1d([0.5, -0.2, 0.1]);
  const weights = tf.tensor2d(Array.from({ length: 1000 }, (_, i) => [Math.sin(i), Math.cos(i), Math.sin(2 * i)]));
  const loss = squaredErrorLoss(SQUARED_ERROR_CATEGORICAL_TARGET);
  const step = (estimator: 'st-gumbel-softmax' | 'gumbel-softmax') => (rng: Random) => {
    const x = tf.variable(tf.tensor1d([1, 1, 1]));
    const history = optimize(x, { family: 'categorical', loss }, {
      estimator, steps: STEPS_PER_CALL, learningRate: 0.01, numSamples: 1000, seed: rng, temperature: 5, recordEvery: 500,
    });
    const out = Float32Array.from([...(x.dataSync() as Float32Array), ...history.map((record) => record.loss)]);
    x.dispose();
    return out;
  };
  const model = new GaussianMixtureModel({ seed: 1 });
  const all: Case[] = [
    {
      name: 'relaxed sample + gradient', units: 1,
      run: (rng) => read(tf.tidy(() => tf.grad((l: tf.Tensor) => {
        const q = new RelaxedOneHotCategorical({ logits: l, temperature: 5, validateArgs: false });
        return tf.sum(tf.mul(q.sample(1000, rng), weights)) as tf.Scalar;
      })(logits))),
    },
    { name: 'squared-error ST-GS step', units: STEPS_PER_CALL, run: step('st-gumbel-softmax'), variants: ['all fused', 'relaxed softmax only', 'straight-through only'] },
    { name: 'squared-error GS step', units: STEPS_PER_CALL, run: step('gumbel-softmax') },
    {
      name: 'mixture Gumbel-Softmax', units: 1,
      run: (rng) => {
        const { grads } = gumbelSoftmaxMixtureGradient(model, { numSamples: 100, numNoise: 1000, seed: rng, temperature: 0.01 });
        return Float32Array.from(Object.values<Float32Array>(grads).flatMap((g) => Array.from(g)));
      },
    },
    ...[10, 1].map((temperature) => ({
      name: `Concrete MC entropy τ = ${temperature}`, units: 1,
      run: (rng: Random) => read(concreteMonteCarloEntropy({ logits: [Math.log(0.5), Math.log(0.25), Math.log(0.125), Math.log(0.125)] }, { numSamples: 10_000, seed: rng, temperature })),
      variants: ['all fused', 'relaxed softmax only', 'Concrete log-density only'],
    })),
  ];
  const list = ONLY === null ? all : all.filter((c) => ONLY.some((word) => c.name.toLowerCase().includes(word)));
  return { list, dispose: () => { tf.dispose([logits, weights]); model.dispose(); } };
}

/** A chunk's seconds per unit: on the wall clock, and in this process's CPU time (user + system). */
interface Chunk { wall: number; cpu: number }

/** Times about `REPEATS` units with the fused kernels set as given. */
function timeChunk(c: Case, fused: FusedSetting, rng: Random): Chunk {
  const previous = useFusedKernels(fused);
  const calls = Math.max(1, Math.round(REPEATS / c.units));
  try {
    const start = performance.now(), cpuStart = process.cpuUsage();
    for (let i = 0; i < calls; i++) c.run(rng);
    const cpu = process.cpuUsage(cpuStart);
    const units = calls * c.units;
    return { wall: (performance.now() - start) / 1000 / units, cpu: (cpu.user + cpu.system) / 1e6 / units };
  } finally {
    useFusedKernels(previous);
  }
}

async function kernels(c: Case, fused: FusedSetting): Promise<number> {
  const previous = useFusedKernels(fused);
  try {
    return Math.round((await tf.profile(() => { c.run(new Random(3)); })).kernels.length / c.units);
  } finally {
    useFusedKernels(previous);
  }
}

/** Does the variant give the reference's numbers, bit for bit (NaN equal to NaN), from the same seed? */
function identical(c: Case, fused: FusedSetting): boolean {
  const outputs = [fused, false].map((setting) => {
    const previous = useFusedKernels(setting);
    try { return c.run(new Random(4)); } finally { useFusedKernels(previous); }
  });
  return outputs[0].length === outputs[1].length && outputs[0].every((v, i) => Object.is(v, outputs[1][i]));
}

async function main(): Promise<void> {
  const lines = [
    `| backend | case | variant | reference ms | variant ms | variant / reference (median of ${ROUNDS} rounds) | range over rounds | the same in CPU time | kernels per unit, reference → variant | identical? |`,
    '|---|---|---|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const backend of availableBackends().filter((b) => (FUSED_BACKENDS as readonly string[]).includes(b))) {
    await initBackend(backend);
    const { list, dispose } = cases();
    for (const c of list) {
      const variants = c.variants ?? ['all fused'];
      const settings: FusedSetting[] = [false, ...variants.map((v) => VARIANTS[v])];
      const rng = new Random(2);
      for (let i = 0; i < 3; i++) for (const setting of settings) timeChunk(c, setting, rng); // warm-up: V8 compiles every path
      const times: Chunk[][] = settings.map(() => []);
      for (let r = 0; r < ROUNDS; r++) {
        // Rotate which goes first, so that none always runs on a warmer or colder machine.
        for (let j = 0; j < settings.length; j++) {
          const v = (j + r) % settings.length;
          times[v].push(timeChunk(c, settings[v], rng));
        }
      }
      const ms = (t: Chunk[]) => (median(t.map((x) => x.wall)) * 1000).toPrecision(3);
      const ratios = (v: number, clock: keyof Chunk) => times[v].map((t, r) => t[clock] / times[0][r][clock]);
      const referenceKernels = await kernels(c, false);
      for (let v = 1; v < settings.length; v++) {
        const wall = ratios(v, 'wall');
        lines.push(`| ${backend} | ${c.name} | ${variants[v - 1]} | ${ms(times[0])} | ${ms(times[v])} | **${median(wall).toFixed(3)}** | ` +
          `${Math.min(...wall).toFixed(2)}–${Math.max(...wall).toFixed(2)} | ${median(ratios(v, 'cpu')).toFixed(3)} | ` +
          `${referenceKernels} → ${await kernels(c, settings[v])} | ${identical(c, settings[v]) ? 'yes' : 'no'} |`);
        console.error(lines.at(-1));
      }
    }
    dispose();
  }
  console.log(`\nFused kernels against their op-by-op references; ${ROUNDS} interleaved rounds of ${REPEATS} calls\n`);
  console.log(lines.join('\n'));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
