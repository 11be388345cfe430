/**
 * Adam's share of a categorical-VAE step, and what one update over all the variables at
 * once would save. TensorFlow.js' `tf.train.adam` updates each variable on its own, with
 * about 14 kernels each (116 of the 342 kernels of a `trainVae` step of
 * `VAE_CONFIGS.small`, whose 8 variables are 4 weights and 4 biases). `FlatAdam` below
 * concatenates the gradients, runs the same elementwise formula once on the flat vector,
 * and splits the update back: about 40 kernels, whatever the number of variables.
 *
 * The formula and its order of operations are TensorFlow.js' own (the moments, then the
 * bias corrections 1 − β^t kept in float32, then m̂ / (√v̂ + ε) · (−lr) + θ), so every
 * element is computed by the same float32 operations: the check below trains both from
 * the same weights and noise and prints the largest difference of the weights.
 *
 * Run: node --import tsx bench/flat-adam.ts [--rounds 7] [--steps 15]
 *
 * A measurement only: `trainVae` makes its optimiser with `tf.train.adam`, which this
 * script replaces for a chunk of steps; the library itself is unchanged.
 */
import * as tf from '@tensorflow/tfjs';
import { availableBackends, initBackend } from '../src/backend';
import { CategoricalVae, trainVae, VAE_CONFIGS } from '../src/studies/categorical-vae';
import { syntheticDigits } from './peer/synthetic-digits';
import { median, numberFlag } from './stats';

const ROUNDS = numberFlag('--rounds', 7);
const STEPS = numberFlag('--steps', 15);
const BATCH = 100;
const BETA1 = 0.9, BETA2 = 0.999;

/** Adam over the concatenation of all the gradients it is given (the subset of tf.Optimizer that trainVae calls). */
class FlatAdam {
  private m: tf.Variable | null = null;
  private v: tf.Variable | null = null;
  /** β^t in float32, as TensorFlow.js keeps it in a float32 variable. */
  private accBeta1 = 1;
  private accBeta2 = 1;
  private readonly epsilon = tf.backend().epsilon();

  constructor(private readonly learningRate: number) {}

  applyGradients(grads: tf.NamedTensorMap): void {
    const names = Object.keys(grads);
    const variables = names.map((name) => tf.engine().registeredVariables[name]);
    this.accBeta1 = Math.fround(this.accBeta1 * Math.fround(BETA1));
    this.accBeta2 = Math.fround(this.accBeta2 * Math.fround(BETA2));
    tf.tidy(() => {
      const g = tf.concat(names.map((name) => tf.reshape(grads[name], [-1])));
      this.m ??= tf.variable(tf.zerosLike(g), false);
      this.v ??= tf.variable(tf.zerosLike(g), false);
      const m = tf.add(tf.mul(this.m, BETA1), tf.mul(g, 1 - BETA1));
      const v = tf.add(tf.mul(this.v, BETA2), tf.mul(tf.square(g), 1 - BETA2));
      const mHat = tf.div(m, Math.fround(1 - this.accBeta1));
      const vHat = tf.div(v, Math.fround(1 - this.accBeta2));
      const step = tf.mul(tf.div(mHat, tf.add(tf.sqrt(vHat), this.epsilon)), -this.learningRate);
      const pieces = tf.split(step, variables.map((x) => x.size));
      variables.forEach((x, i) => x.assign(tf.add(tf.reshape(pieces[i], x.shape), x)));
      this.m.assign(m);
      this.v.assign(v);
    });
  }

  dispose(): void {
    tf.dispose([this.m!, this.v!].filter(Boolean));
  }
}

const builtIn = tf.train.adam;
const OPTIMISERS: [string, (lr: number) => tf.Optimizer][] = [
  ['tf.train.adam', builtIn],
  ['FlatAdam', (lr) => new FlatAdam(lr) as unknown as tf.Optimizer],
];

function withOptimiser<T>(make: (lr: number) => tf.Optimizer, f: () => T): T {
  (tf.train as { adam: unknown }).adam = make;
  try {
    return f();
  } finally {
    (tf.train as { adam: unknown }).adam = builtIn;
  }
}


async function main(): Promise<void> {
  const digits = syntheticDigits((STEPS + 1) * BATCH);
  const lines = [
    `| backend | tf.train.adam ms | FlatAdam ms | FlatAdam / tf.train.adam (median of ${ROUNDS} rounds) | range over rounds | kernels per step | largest weight difference after ${STEPS} steps |`,
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const backend of availableBackends()) {
    await initBackend(backend);
    const steps = backend === 'cpu' ? 3 : STEPS;
    const chunk = { images: digits.images.subarray(0, (steps + 1) * BATCH * 784), labels: digits.labels.subarray(0, (steps + 1) * BATCH), count: (steps + 1) * BATCH };
    const train = (vae: CategoricalVae, seed: number, data = chunk) => trainVae(vae, { train: data }, {
      estimator: 'st-gumbel-softmax', kl: 'analytic', epochs: 1, temperature: 1, seed, recordEvery: 1,
    });
    // Same weights, data and noise, one optimiser each: how far apart are the trained weights?
    const trained = OPTIMISERS.map(([, make]) => {
      const vae = new CategoricalVae({ ...VAE_CONFIGS.small, seed: 0 });
      withOptimiser(make, () => train(vae, 0));
      const values = vae.variables().map((x) => x.dataSync() as Float32Array);
      vae.dispose();
      return values;
    });
    let difference = 0;
    trained[0].forEach((a, j) => a.forEach((x, i) => { difference = Math.max(difference, Math.abs(x - trained[1][j][i])); }));

    const vae = new CategoricalVae({ ...VAE_CONFIGS.small, seed: 0 });
    let seed = 1;
    const measure = () => { const r = train(vae, seed++); return (r.at(-1)!.seconds - r[0].seconds) / steps; };
    for (const [, make] of OPTIMISERS) withOptimiser(make, measure); // warm-up
    const times: number[][] = OPTIMISERS.map(() => []);
    for (let r = 0; r < ROUNDS; r++) OPTIMISERS.forEach(([, make], o) => times[o].push(withOptimiser(make, measure)));
    const ratios = times[1].map((t, r) => t / times[0][r]);
    // Kernels of one step: a 3-step chunk minus a 2-step chunk (each pays Adam's set-up once).
    const kernels: number[] = [];
    for (const [, make] of OPTIMISERS) {
      const count = async (n: number) => (await tf.profile(() => withOptimiser(make, () => { train(vae, seed++, { ...chunk, count: n * BATCH, images: chunk.images.subarray(0, n * BATCH * 784) }); }))).kernels.length;
      const three = await count(3), two = await count(2);
      kernels.push(three - two);
    }
    vae.dispose();
    const ms = (t: number[]) => (median(t) * 1000).toPrecision(3);
    lines.push(`| ${backend} | ${ms(times[0])} | ${ms(times[1])} | **${median(ratios).toFixed(3)}** | ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)} | ${kernels.join(' → ')} | ${difference.toExponential(1)} |`);
    console.error(lines.at(-1));
  }
  console.log(`\nAdam in a trainVae step (VAE_CONFIGS.small, ST-GS, analytic KL, batch 100): ${ROUNDS} interleaved rounds, ${STEPS} steps a chunk (cpu: 3)\n`);
  console.log(lines.join('\n'));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
