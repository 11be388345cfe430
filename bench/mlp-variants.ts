/**
 * Ways to write the layers of `Mlp`, timed in the categorical VAE against the op-by-op
 * reference (matMul, add, tf.relu), side by side in one process, in interleaved rounds
 * on every backend that loads: a `trainVae` step (ST Gumbel-Softmax, analytic KL, batch
 * 100, `VAE_CONFIGS.small`), and a forward pass without the tape (as `evaluateVae` runs
 * one). Each variant is first checked to give the reference's objective and gradients.
 *
 * - 'library': `Mlp.apply` as it is: each layer's bias and relu one custom-gradient op,
 *   whose backward pass is tf.add's less its two reshapes and relu's as dy · sign(relu(x)),
 *   TensorFlow.js' dy · step(x) value for value (1 where x > 0, 0 where x ≤ 0) in two
 *   kernels (tfjs-node builds `step` from six ops and two uploads).
 * - 'fused': `tf.fused.matMul` with bias and activation. Under the gradient tape
 *   TensorFlow.js fuses only a linear activation (its fused op has no relu gradient), so
 *   in training the relu layers still run unfused; only the linear output layers fuse.
 *   On the tensorflow backend the fused kernel is itself matMul, add and activation.
 *   Measured slower or no faster, so the library does not use it.
 * - 'explicit transposes': each layer one custom-gradient op whose backward pass
 *   multiplies by tf.transpose(W) and tf.transpose(h) instead of matMul's transpose
 *   flags (TensorFlow.js' own matMul gradient), and computes the input's gradient even
 *   for the first layer (a custom gradient is not lazy). On `wasm` a matMul with a
 *   transpose flag is many times slower than a transpose and a plain matMul; the sums
 *   then run in another order, so on `wasm` the gradients differ at float32 rounding
 *   (the last column). Identical on `cpu` and `tensorflow`. Measured only: the VAE's
 *   backend is `tensorflow`, and the library keeps wasm's numbers as they are.
 *
 * Run: node --import tsx bench/mlp-variants.ts [--rounds 7] [--steps 15] [--backends tensorflow,wasm]
 *
 * The variants are swapped in by replacing `Mlp.prototype.apply` for a chunk of steps,
 * so the rest of the step is the library's own.
 */
import * as tf from '@tensorflow/tfjs';
import { availableBackends, BackendName, initBackend } from '../src/backend';
import { Random } from '../src/random';
import { CategoricalVae, Mlp, trainVae, vaeObjective, VAE_CONFIGS } from '../src/studies/categorical-vae';
import { syntheticDigits } from './peer/synthetic-digits';
import { median, numberFlag } from './stats';

const ROUNDS = numberFlag('--rounds', 7);
const STEPS = numberFlag('--steps', 15);
const backendsFlag = process.argv.indexOf('--backends');
const BACKENDS = backendsFlag >= 0 ? process.argv[backendsFlag + 1].split(',') as BackendName[] : availableBackends();
const BATCH = 100;

type Forward = (mlp: Mlp, x: tf.Tensor2D) => tf.Tensor2D;

/** The reference: each layer as matMul, add and relu. */
const opByOp: Forward = (mlp, x) => tf.tidy(() => {
  let h: tf.Tensor2D = x;
  mlp.weights.forEach((w, i) => {
    h = tf.add(tf.matMul(h, w as tf.Tensor2D), mlp.biases[i]);
    if (i + 1 < mlp.weights.length) h = tf.relu(h);
  });
  return h;
});

/** Each layer as one tf.fused.matMul with its bias and activation. */
const fused: Forward = (mlp, x) => tf.tidy(() => {
  let h: tf.Tensor2D = x;
  mlp.weights.forEach((w, i) => {
    const activation = i + 1 < mlp.weights.length ? 'relu' : 'linear';
    h = tf.fused.matMul({ a: h, b: w as tf.Tensor2D, bias: mlp.biases[i], activation }) as tf.Tensor2D;
  });
  return h;
});

const original = Mlp.prototype.apply;
/** The library's own forward pass. */
const library: Forward = (mlp, x) => original.call(mlp, x);

/** A layer act(h·W + b) whose gradient multiplies by explicit transposes. */
const transposedLayer = (relu: boolean) => tf.customGrad((...args) => {
  const [h, w, b, save] = args as unknown as [tf.Tensor2D, tf.Tensor2D, tf.Tensor, tf.GradSaveFunc];
  const z = tf.add(tf.matMul(h, w), b);
  const y = relu ? tf.relu(z) : z;
  save([h, w, y]);
  return {
    value: y,
    gradFunc: (dy: tf.Tensor, [input, weights, output]: tf.Tensor[]) => {
      const dz = (relu ? tf.mul(dy, tf.sign(output)) : tf.clone(dy)) as tf.Tensor2D;
      return [tf.matMul(dz, tf.transpose(weights as tf.Tensor2D)), tf.matMul(tf.transpose(input as tf.Tensor2D), dz), tf.sum(dz, 0)];
    },
  };
}) as unknown as (h: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor) => tf.Tensor2D;
const hiddenTransposed = transposedLayer(true), outputTransposed = transposedLayer(false);

/** Each layer as one op whose gradient uses tf.transpose instead of matMul's transpose flags. */
const explicitTransposes: Forward = (mlp, x) => tf.tidy(() => {
  let h: tf.Tensor2D = x;
  mlp.weights.forEach((w, i) => {
    h = (i + 1 < mlp.weights.length ? hiddenTransposed : outputTransposed)(h, w as tf.Tensor2D, mlp.biases[i]);
  });
  return h;
});

const VARIANTS: [string, Forward][] = [['op-by-op', opByOp], ['library', library], ['fused', fused], ['explicit transposes', explicitTransposes]];

function withForward<T>(forward: Forward, f: () => T): T {
  Mlp.prototype.apply = function (this: Mlp, x: tf.Tensor2D) { return forward(this, x); };
  try {
    return f();
  } finally {
    Mlp.prototype.apply = original;
  }
}

/** The objective and gradients of one batch at fixed noise, under a variant. */
function objectiveAndGradients(vae: CategoricalVae, x: tf.Tensor2D, forward: Forward): { value: number; grads: Float32Array[] } {
  return withForward(forward, () => {
    const { value, grads } = tf.variableGrads(() => vaeObjective(vae, x, {
      estimator: 'st-gumbel-softmax', kl: 'analytic', temperature: 1, numSamples: 1, rng: new Random(7),
    }), vae.variables());
    const out = { value: value.dataSync()[0], grads: vae.variables().map((v) => grads[v.name].dataSync() as Float32Array) };
    tf.dispose([value, ...Object.values(grads)]);
    return out;
  });
}

/**
 * The variant's objective minus the reference's, and its largest gradient difference
 * |a − b| / max(|b|, 1e-3 · max|b|) over every entry (0 means identical values).
 */
function agreement(vae: CategoricalVae, x: tf.Tensor2D, forward: Forward): string {
  const reference = objectiveAndGradients(vae, x, opByOp);
  const candidate = objectiveAndGradients(vae, x, forward);
  let worst = 0;
  reference.grads.forEach((ref, j) => {
    const scale = ref.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    ref.forEach((b, i) => { worst = Math.max(worst, Math.abs(candidate.grads[j][i] - b) / Math.max(Math.abs(b), 1e-3 * scale)); });
  });
  return `${(candidate.value - reference.value).toExponential(1)} | ${worst.toExponential(1)}`;
}


async function main(): Promise<void> {
  const digits = syntheticDigits((STEPS + 1) * BATCH);
  const lines = [
    `| backend | what | variant | op-by-op ms | variant ms | variant / op-by-op (median of ${ROUNDS} rounds) | range over rounds | kernels op-by-op → variant | objective − reference | largest gradient difference |`,
    '|---|---|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const backend of BACKENDS) {
    await initBackend(backend);
    const vae = new CategoricalVae({ ...VAE_CONFIGS.small, seed: 0 });
    const x = tf.tensor2d(digits.images.subarray(0, BATCH * 784), [BATCH, 784]);
    const z = tf.tidy(() => tf.oneHot(tf.argMax(vae.encode(x), -1), VAE_CONFIGS.small.numCategories).toFloat());
    const agreements = VARIANTS.map(([, f]) => agreement(vae, x, f));
    const steps = backend === 'cpu' ? 3 : STEPS;
    let seed = 0;
    const chunk = { images: digits.images.subarray(0, (steps + 1) * BATCH * 784), labels: digits.labels.subarray(0, (steps + 1) * BATCH), count: (steps + 1) * BATCH };
    const train = () => trainVae(vae, { train: chunk }, {
      estimator: 'st-gumbel-softmax', kl: 'analytic', epochs: 1, temperature: 1, seed: seed++, recordEvery: 1,
    });
    const forward = () => { tf.dispose(vae.encode(x)); tf.dispose(vae.decode(z)); };
    const measures: [string, () => number][] = [
      ['trainVae step', () => { const r = train(); return (r.at(-1)!.seconds - r[0].seconds) / steps; }],
      ['forward pass, no tape (encode + decode)', () => {
        const start = performance.now();
        for (let i = 0; i < 5 * steps; i++) forward();
        return (performance.now() - start) / 1000 / (5 * steps);
      }],
    ];
    for (const [what, measure] of measures) {
      for (const [, f] of VARIANTS) withForward(f, measure); // warm-up
      const times: number[][] = VARIANTS.map(() => []);
      for (let r = 0; r < ROUNDS; r++) VARIANTS.forEach(([, f], v) => times[v].push(withForward(f, measure)));
      // One variant after the other: tf.profile returns one shared object, which the next call overwrites.
      const kernels: number[] = [];
      for (const [, f] of VARIANTS) {
        Mlp.prototype.apply = function (this: Mlp, input: tf.Tensor2D) { return f(this, input); };
        try {
          kernels.push((await tf.profile(() => { if (what.startsWith('trainVae')) train(); else forward(); })).kernels.length);
        } finally {
          Mlp.prototype.apply = original;
        }
      }
      const ms = (t: number[]) => (median(t) * 1000).toPrecision(3);
      for (let v = 1; v < VARIANTS.length; v++) {
        const ratios = times[v].map((t, r) => t / times[0][r]);
        lines.push(`| ${backend} | ${what} | ${VARIANTS[v][0]} | ${ms(times[0])} | ${ms(times[v])} | **${median(ratios).toFixed(3)}** | ` +
          `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)} | ${kernels[0]} → ${kernels[v]} | ${agreements[v]} |`);
        console.error(lines.at(-1));
      }
    }
    tf.dispose([x, z]);
    vae.dispose();
  }
  console.log(`\nMlp layers: each variant against the op-by-op reference, ${ROUNDS} interleaved rounds, ${STEPS} steps a chunk (cpu: 3); kernels counted over one whole chunk\n`);
  console.log(lines.join('\n'));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
