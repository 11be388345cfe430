/**
 * The categorical-VAE training step of the peer benchmark's row (`trainVae`,
 * `VAE_CONFIGS.small`, batch 100, ST Gumbel-Softmax at τ = 1, analytic KL, Adam at 1e-3)
 * as version 1 of the library wrote it, against each change made to it, side by side
 * in one process, in interleaved rounds, on every backend that loads (or `--backends`).
 *
 * Version 1 is `referenceTraining` of test/vae-step-reference.ts: the batch gathered on
 * the device, tf.train.adam behind a guard that sums each gradient, the objective op by
 * op. The variants swap one part at a time, and the last is the library's own trainVae:
 *
 * - 'Adam, <layout>': the library's `Adam` (src/train/adam.ts: persistent scalars, β^t on
 *   the host, the guard's sums on the update's own flat groups) in each layout;
 * - 'host batches': the batch copied from the images on the host and uploaded, instead of
 *   tf.gather from the whole set on the device;
 * - 'library objective': `vaeObjective` and the model's own layers instead of the op-by-op reference;
 * - 'trainVae': all of it, as the library runs it (Adam in the backend's FASTEST_ADAM_LAYOUT).
 *
 * Before timing, every variant trains 15 steps from the same weights with the same seed,
 * and the table says whether its weights are identical to version 1's, bit for bit.
 *
 * A second table times the objective's forward and backward pass alone (tf.variableGrads
 * on one batch, fresh noise each call), version 1 against each of its changes
 * (`OBJECTIVE_CHANGES`: 'layers', 'likelihood', 'kl', 'shapes') alone, all of them, and
 * `vaeObjective`; there the check is the objective and gradients at the same noise.
 *
 * Run: node --import tsx bench/vae-step.ts [--rounds 9] [--steps 15] [--backends tensorflow,wasm] [--objective-only]
 */
import * as tf from '@tensorflow/tfjs';
import { availableBackends, BackendName, initBackend } from '../src/backend';
import { Digits } from '../src/data/mnist';
import { Random } from '../src/random';
import { CategoricalVae, trainVae, vaeObjective, VAE_CONFIGS } from '../src/studies/categorical-vae';
import { ADAM_LAYOUTS } from '../src/train/adam';
import { OBJECTIVE_CHANGES, ObjectiveChange, referenceObjective, referenceTraining, ReferenceTrainingOptions } from '../test/vae-step-reference';
import { syntheticDigits } from './peer/synthetic-digits';
import { median, numberFlag } from './stats';

const ROUNDS = numberFlag('--rounds', 9);
const STEPS = numberFlag('--steps', 15);
const CHECK_STEPS = 15;
const BATCH = 100;
const backendsFlag = process.argv.indexOf('--backends');
const BACKENDS = backendsFlag >= 0 ? process.argv[backendsFlag + 1].split(',') as BackendName[] : availableBackends();
const OBJECTIVE_ONLY = process.argv.includes('--objective-only');

/** Trains `vae` for `steps` steps with `seed`, on the first `steps` batches' worth of `digits`, and returns each step's seconds. */
type Variant = [string, (vae: CategoricalVae, digits: Digits, seed: number, steps: number) => number[]];

const VERSION_1: Omit<ReferenceTrainingOptions, 'steps' | 'seed'> = {
  estimator: 'st-gumbel-softmax', temperature: 1, batchSize: BATCH, batches: 'device', optimizer: 'tf.train.adam', objective: 'reference',
};
const reference = (changes: Partial<ReferenceTrainingOptions>): Variant[1] => (vae, digits, seed, steps) =>
  referenceTraining(vae, firstDigits(digits, steps * BATCH), { ...VERSION_1, ...changes, steps, seed }).seconds;

const VARIANTS: Variant[] = [
  ['version 1', reference({})],
  ...ADAM_LAYOUTS.map((layout): Variant => [`Adam, ${layout}`, reference({ optimizer: layout })]),
  ['host batches', reference({ batches: 'host' })],
  ['library objective', reference({ objective: 'library' })],
  ['trainVae', (vae, digits, seed, steps) => {
    const records = trainVae(vae, { train: firstDigits(digits, steps * BATCH) }, {
      estimator: 'st-gumbel-softmax', kl: 'analytic', epochs: 1, batchSize: BATCH, temperature: 1, seed, recordEvery: 1,
    });
    return records.map((r, i) => r.seconds - (i > 0 ? records[i - 1].seconds : 0));
  }],
];

/** One objective: the model, a batch and a generator → the scalar to differentiate. */
type Objective = [string, (vae: CategoricalVae, x: tf.Tensor2D, rng: Random) => tf.Scalar];
const referenceWith = (changes: readonly ObjectiveChange[]): Objective[1] => (vae, x, rng) =>
  referenceObjective(vae, x, { estimator: 'st-gumbel-softmax', temperature: 1, numSamples: 1, rng, changes });
const OBJECTIVES: Objective[] = [
  ['version 1', referenceWith([])],
  ...OBJECTIVE_CHANGES.map((c): Objective => [`only '${c}'`, referenceWith([c])]),
  ['all changes', referenceWith(OBJECTIVE_CHANGES)],
  ['vaeObjective', (vae, x, rng) => vaeObjective(vae, x, { estimator: 'st-gumbel-softmax', kl: 'analytic', temperature: 1, numSamples: 1, rng })],
];

/** The objective and every gradient at one batch, as arrays. */
function objectiveAndGradients(vae: CategoricalVae, x: tf.Tensor2D, objective: Objective[1], rng: Random): Float32Array[] {
  return tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => objective(vae, x, rng), vae.variables());
    return [value, ...vae.variables().map((v) => grads[v.name])].map((t) => t.dataSync() as Float32Array);
  });
}

/** Times the forward and backward pass of each objective; returns the table's rows for `backend`. */
async function objectiveRows(backend: string, digits: Digits): Promise<string[]> {
  const vae = new CategoricalVae({ ...VAE_CONFIGS.small, seed: 0 });
  const x = tf.tensor2d(digits.images.subarray(0, BATCH * 784), [BATCH, 784]);
  const checks = OBJECTIVES.map(([, f]) => objectiveAndGradients(vae, x, f, new Random(7)));
  const calls = backend === 'cpu' ? 2 : 10;
  const rng = new Random(8);
  const measure = (f: Objective[1]) => {
    const start = performance.now();
    for (let i = 0; i < calls; i++) tf.tidy(() => { tf.variableGrads(() => f(vae, x, rng), vae.variables()); });
    return (performance.now() - start) / 1000 / calls;
  };
  OBJECTIVES.forEach(([, f]) => measure(f)); // warm-up
  const times: number[][] = OBJECTIVES.map(() => []);
  for (let r = 0; r < ROUNDS; r++) OBJECTIVES.forEach(([, f], v) => times[v].push(measure(f)));
  const kernels: number[] = [];
  for (const [, f] of OBJECTIVES) {
    kernels.push((await tf.profile(() => { tf.tidy(() => { tf.variableGrads(() => f(vae, x, rng), vae.variables()); }); })).kernels.length);
  }
  tf.dispose(x);
  vae.dispose();
  const ms = (t: number[]) => (median(t) * 1000).toPrecision(3);
  return OBJECTIVES.map(([name], v) => {
    const ratios = times[v].map((t, r) => t / times[0][r]);
    return `| ${backend} | ${name} | ${ms(times[0])} | ${ms(times[v])} | **${median(ratios).toFixed(3)}** | ` +
      `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)} | ${kernels[v]} | ${agreement(checks[0], checks[v])} |`;
  });
}

/** The first `count` digits as their own set (a view, no copy). */
function firstDigits(digits: Digits, count: number): Digits {
  return { images: digits.images.subarray(0, count * 784), labels: digits.labels.subarray(0, count), count };
}

/** 'identical', or the largest difference of any entry from `reference`'s. */
function agreement(reference: Float32Array[], weights: Float32Array[]): string {
  let worst = 0;
  reference.forEach((a, j) => a.forEach((x, i) => { worst = Math.max(worst, Math.abs(x - weights[j][i])); }));
  return worst === 0 ? 'identical' : worst.toExponential(1);
}

async function main(): Promise<void> {
  const digits = syntheticDigits(Math.max(STEPS + 1, CHECK_STEPS) * BATCH);
  const lines = [
    `| backend | variant | version 1 ms | variant ms | variant / version 1 (median of ${ROUNDS} rounds) | range over rounds | kernels per step | weights after ${CHECK_STEPS} steps |`,
    '|---|---|---:|---:|---:|---:|---:|---|',
  ];
  const objectiveLines = [
    `| backend | objective | version 1 ms | variant ms | variant / version 1 (median of ${ROUNDS} rounds) | range over rounds | kernels per pass | objective and gradients |`,
    '|---|---|---:|---:|---:|---:|---:|---|',
  ];
  for (const backend of BACKENDS) {
    await initBackend(backend);
    for (const row of await objectiveRows(backend, digits)) {
      objectiveLines.push(row);
      console.error(row);
    }
    if (OBJECTIVE_ONLY) continue;
    const trained = VARIANTS.map(([, train]) => {
      const vae = new CategoricalVae({ ...VAE_CONFIGS.small, seed: 0 });
      train(vae, digits, 1, CHECK_STEPS);
      const weights = vae.variables().map((x) => x.dataSync() as Float32Array);
      vae.dispose();
      return weights;
    });
    const steps = backend === 'cpu' ? 3 : STEPS;
    const models = VARIANTS.map(() => new CategoricalVae({ ...VAE_CONFIGS.small, seed: 0 }));
    let seed = 2;
    // Each chunk makes a fresh optimiser, whose first step also makes its moments: that step is dropped.
    const measure = (v: number) => median(VARIANTS[v][1](models[v], digits, seed++, steps + 1).slice(1));
    VARIANTS.forEach((_, v) => measure(v)); // warm-up
    const times: number[][] = VARIANTS.map(() => []);
    for (let r = 0; r < ROUNDS; r++) VARIANTS.forEach((_, v) => times[v].push(measure(v)));
    // Kernels of one step: a 3-step chunk minus a 2-step chunk. One variant after the other:
    // tf.profile returns one shared object, which the next call overwrites.
    const kernels: number[] = [];
    for (const [v, [, train]] of VARIANTS.entries()) {
      const count = async (n: number) => (await tf.profile(() => { train(models[v], digits, seed++, n); })).kernels.length;
      const three = await count(3);
      kernels.push(three - (await count(2)));
    }
    models.forEach((m) => m.dispose());
    const ms = (t: number[]) => (median(t) * 1000).toPrecision(3);
    VARIANTS.forEach(([name], v) => {
      const ratios = times[v].map((t, r) => t / times[0][r]);
      lines.push(`| ${backend} | ${name} | ${ms(times[0])} | ${ms(times[v])} | **${median(ratios).toFixed(3)}** | ` +
        `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)} | ${kernels[v]} | ${agreement(trained[0], trained[v])} |`);
      console.error(lines.at(-1));
    });
  }
  console.log(`\nThe VAE step: each variant against version 1, ${ROUNDS} interleaved rounds, the median step of ${STEPS} a chunk (cpu: 3)\n`);
  console.log(lines.join('\n'));
  console.log(`\nThe objective's forward and backward pass alone (batch 100, fresh noise each call): version 1 against its changes, ${ROUNDS} interleaved rounds\n`);
  console.log(objectiveLines.join('\n'));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
