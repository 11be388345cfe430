/**
 * Adam's update alone, with the finiteness guard of a training step, for the variables of the categorical VAE (`VAE_CONFIGS.small`: 4
 * weights and 4 biases, 505 304 parameters), on fixed gradients: `tf.train.adam` against
 * the library's `Adam` (src/train/adam.ts) in each of its layouts, side by side in one
 * process, in interleaved rounds, on every backend that loads.
 *
 * `tf.train.adam` (behind version 1's guard: each gradient summed, the sums added and read
 * back) updates each variable with 14 kernels and uploads six scalars per variable and step; `Adam` keeps those scalars, tracks β^t on the host, and in the
 * 'flat' layout runs the 14 kernels once on all the variables concatenated (its kept
 * flat copy of the weights saves concatenating them again each step). The formula and
 * its order of operations are TensorFlow.js', so the check below, after 20 steps from
 * the same weights and gradients, finds every weight identical. bench/vae-step.ts times
 * the same layouts inside the whole training step, which is how FASTEST_ADAM_LAYOUT was chosen.
 *
 * A second table times the guard's read-back: the loss and the gradients' sum stacked
 * and read once (version 1), against two scalar reads (`Adam.guardedStep`).
 *
 * Run: node --import tsx bench/flat-adam.ts [--rounds 15] [--steps 10]
 */
import * as tf from '@tensorflow/tfjs';
import { availableBackends, initBackend } from '../src/backend';
import { Random } from '../src/random';
import { Adam, ADAM_LAYOUTS } from '../src/train/adam';
import { median, numberFlag } from './stats';

const ROUNDS = numberFlag('--rounds', 15);
const STEPS = numberFlag('--steps', 10);
const CHECK_STEPS = 20;
/** The shapes of `CategoricalVae.variables()` for VAE_CONFIGS.small: encoder weights, encoder biases, decoder weights, decoder biases. */
const SHAPES = [[784, 256], [256, 200], [256], [200], [200, 256], [256, 784], [256], [784]];

/** An optimiser under test: made over some variables, it applies one set of gradients. */
type Make = (variables: tf.Variable[]) => { step: (grads: tf.Tensor[]) => void; dispose: () => void };

const VARIANTS: [string, Make][] = [
  ['tf.train.adam', (variables) => {
    // Typed as the base class, whose applyGradients takes a map of gradients by name.
    const adam: tf.Optimizer = tf.train.adam(1e-3);
    const loss = tf.scalar(0);
    return {
      // Version 1's guard first, as trainVae ran it: the sum of each gradient, added, read back with the loss.
      step: (grads) => tf.tidy(() => {
        const [, sum] = tf.stack([loss, tf.addN(grads.map((g) => tf.sum(g)))]).dataSync();
        if (Number.isFinite(sum)) adam.applyGradients(Object.fromEntries(variables.map((x, i) => [x.name, grads[i]])));
      }),
      dispose: () => { adam.dispose(); loss.dispose(); },
    };
  }],
  ...ADAM_LAYOUTS.map((layout): [string, Make] => [`Adam, ${layout}`, (variables) => {
    const adam = new Adam(variables, { learningRate: 1e-3, layout });
    const loss = tf.scalar(0);
    return {
      step: (grads) => { adam.guardedStep(Object.fromEntries(variables.map((x, i) => [x.name, grads[i]])), loss); },
      dispose: () => { adam.dispose(); loss.dispose(); },
    };
  }]),
];

const PARAMETERS = SHAPES.reduce((n, shape) => n + shape.reduce((a, b) => a * b, 1), 0);
const READ_REPEATS = 20;
const readLines = [
  `| backend | stacked, one read µs | two reads µs | two reads / stacked (median of ${ROUNDS} rounds) | range over rounds |`,
  '|---|---:|---:|---:|---:|',
];

/** The loss and the sum of all gradient entries read back stacked (version 1) and as two scalars; one table row. */
async function readBackRow(backend: string): Promise<string> {
  const g = tf.tidy(() => new Random(1).normal([PARAMETERS])), loss = tf.scalar(1);
  const ways: (() => void)[] = [
    () => tf.tidy(() => { tf.stack([loss, tf.sum(g)]).dataSync(); }),
    () => tf.tidy(() => { tf.sum(g).dataSync(); loss.dataSync(); }),
  ];
  const measure = (f: () => void) => {
    const begin = performance.now();
    for (let i = 0; i < READ_REPEATS; i++) f();
    return (performance.now() - begin) / READ_REPEATS;
  };
  ways.forEach(measure); // warm-up
  const times: number[][] = [[], []];
  for (let r = 0; r < ROUNDS; r++) ways.forEach((f, w) => times[w].push(measure(f)));
  tf.dispose([g, loss]);
  const ratios = times[1].map((t, r) => t / times[0][r]);
  const us = (t: number[]) => (median(t) * 1000).toPrecision(3);
  return `| ${backend} | ${us(times[0])} | ${us(times[1])} | **${median(ratios).toFixed(3)}** | ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)} |`;
}

async function main(): Promise<void> {
  const lines = [
    `| backend | variant | tf.train.adam ms | variant ms | variant / tf.train.adam (median of ${ROUNDS} rounds) | range over rounds | kernels per step | weights after ${CHECK_STEPS} steps |`,
    '|---|---|---:|---:|---:|---:|---:|---|',
  ];
  for (const backend of availableBackends()) {
    await initBackend(backend);
    const rng = new Random(0);
    const start = SHAPES.map((shape) => rng.normalArray(shape.reduce((a, b) => a * b, 1)));
    const gradients = Array.from({ length: 5 }, () => SHAPES.map((shape) => tf.tidy(() => rng.normal(shape))));
    const fresh = () => start.map((values, i) => tf.tidy(() => tf.variable(tf.tensor(values, SHAPES[i]))));
    // The same weights and gradients through every variant: are the weights the same after CHECK_STEPS steps?
    const trained = VARIANTS.map(([, make]) => {
      const variables = fresh(), optimiser = make(variables);
      for (let t = 0; t < CHECK_STEPS; t++) optimiser.step(gradients[t % gradients.length]);
      const weights = variables.map((x) => x.dataSync() as Float32Array);
      optimiser.dispose();
      tf.dispose(variables);
      return weights;
    });
    const runners = VARIANTS.map(([, make]) => {
      const variables = fresh(), optimiser = make(variables);
      optimiser.step(gradients[0]); // the first step makes tf.train.adam's moments
      return { variables, optimiser };
    });
    const steps = backend === 'cpu' ? 2 : STEPS;
    const measure = (v: number) => {
      const begin = performance.now();
      for (let t = 0; t < steps; t++) runners[v].optimiser.step(gradients[t % gradients.length]);
      return (performance.now() - begin) / 1000 / steps;
    };
    VARIANTS.forEach((_, v) => measure(v)); // warm-up
    const times: number[][] = VARIANTS.map(() => []);
    for (let r = 0; r < ROUNDS; r++) VARIANTS.forEach((_, v) => times[v].push(measure(v)));
    // One variant after the other: tf.profile returns one shared object, which the next call overwrites.
    const kernels: number[] = [];
    for (const runner of runners) kernels.push((await tf.profile(() => runner.optimiser.step(gradients[0]))).kernels.length);
    runners.forEach(({ variables, optimiser }) => { optimiser.dispose(); tf.dispose(variables); });
    tf.dispose(gradients);
    readLines.push(await readBackRow(backend));
    const ms = (t: number[]) => (median(t) * 1000).toPrecision(3);
    VARIANTS.forEach(([name], v) => {
      const ratios = times[v].map((t, r) => t / times[0][r]);
      let worst = 0;
      trained[0].forEach((a, j) => a.forEach((x, i) => { worst = Math.max(worst, Math.abs(x - trained[v][j][i])); }));
      lines.push(`| ${backend} | ${name} | ${ms(times[0])} | ${ms(times[v])} | **${median(ratios).toFixed(3)}** | ` +
        `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)} | ${kernels[v]} | ${worst === 0 ? 'identical' : worst.toExponential(1)} |`);
      console.error(lines.at(-1));
    });
  }
  console.log(`\nAdam alone on the VAE's 8 variables: each optimiser against tf.train.adam, ${ROUNDS} interleaved rounds of ${STEPS} steps (cpu: 2)\n`);
  console.log(lines.join('\n'));
  console.log(`\nThe guard's read-back of two scalars (a loss, and the sum of ${PARAMETERS} gradient entries): ${READ_REPEATS} reads a round, ${ROUNDS} interleaved rounds\n`);
  console.log(readLines.join('\n'));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
