/**
 * The categorical-VAE training step as version 1 of the library wrote it, op by op: the
 * readable reference that the faster step of `trainVae` is tested against (bit for bit,
 * test/vae-step.test.ts) and timed against (bench/vae-step.ts).
 *
 * - `referenceObjective`: the relaxed estimators ('gumbel-softmax', 'st-gumbel-softmax')
 *   with the analytic KL, as `vaeObjective` computed them: the MLPs as matMul, add and
 *   relu layer by layer, log p(x | z) with tf.softplus, the batch tiled S times, the
 *   uniform prior made with tf.fill, every reshape written out; or with some of the
 *   changes since (`OBJECTIVE_CHANGES`).
 * - `referenceTraining`: the loop of `trainVae` (the same random streams, batches and
 *   noise) with a choice of its parts: the batch gathered on the device or copied on the
 *   host, tf.train.adam with the finiteness guard summing each gradient, or the library's
 *   `Adam` in a given layout; and either objective.
 */
import * as tf from '@tensorflow/tfjs';
import { RelaxedOneHotCategorical } from '../src/distributions';
import { analyticLogRatio } from '../src/estimators/entropy/analytic';
import { straightThrough } from '../src/estimators/straight-through';
import { Random, toRandom } from '../src/random';
import { CategoricalVae, Mlp, vaeObjective } from '../src/studies/categorical-vae';
import { meanAnalyticKL } from '../src/studies/categorical-vae/analytic-kl-mean';
import { meanNegativeLogLikelihood } from '../src/studies/categorical-vae/data-likelihood';
import { Adam, AdamLayout } from '../src/train/adam';
import { Digits } from '../src/data/mnist';

/** ReLU with the gradient dy · sign(relu(x)), as version 1's Mlp wrote it (test/mlp-relu-gradient.test.ts: tf.relu's values). */
const signRelu = tf.customGrad((...args) => {
  const save = args[1] as unknown as tf.GradSaveFunc;
  const y = tf.relu(args[0] as tf.Tensor);
  save([y]);
  return { value: y, gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, tf.sign(saved[0])) };
}) as (x: tf.Tensor2D) => tf.Tensor2D;

/** An MLP's forward pass as matMul, add and relu, layer by layer. */
export function referenceMlp(mlp: Mlp, x: tf.Tensor2D): tf.Tensor2D {
  let h = x;
  mlp.weights.forEach((w, i) => {
    h = tf.add(tf.matMul(h, w as tf.Tensor2D), mlp.biases[i]);
    if (i + 1 < mlp.weights.length) h = signRelu(h);
  });
  return h;
}

/**
 * The changes of version 2 that `referenceObjective` can take one at a time, to time and
 * test each alone: 'layers', the MLPs' bias and ReLU with their gradients written out
 * (`Mlp.apply`); 'likelihood', the mean −log p(x | z) with its gradient written out
 * (`meanNegativeLogLikelihood`); 'kl',
 * `meanAnalyticKL` on the objective's own log π, its gradient written out; 'shapes', no
 * tile of one copy, no reshape to the shape a tensor has, the prior as one broadcast
 * value instead of tf.fill, and addN instead of add for the objective's two terms.
 */
export const OBJECTIVE_CHANGES = ['layers', 'likelihood', 'kl', 'shapes'] as const;
export type ObjectiveChange = (typeof OBJECTIVE_CHANGES)[number];

export interface ReferenceObjectiveOptions {
  estimator: 'gumbel-softmax' | 'st-gumbel-softmax';
  temperature: number;
  numSamples: number;
  rng: Random;
  /** Default none: version 1 as it was. */
  changes?: readonly ObjectiveChange[];
}

/** The negative ELBO of one batch with a relaxed estimator and the analytic KL, op by op: x [b, D] → a scalar. */
export function referenceObjective(model: CategoricalVae, x: tf.Tensor2D, o: ReferenceObjectiveOptions): tf.Scalar {
  const changed = (c: ObjectiveChange) => o.changes?.includes(c) ?? false;
  const mlp = (net: Mlp, input: tf.Tensor2D) => (changed('layers') ? net.apply(input) : referenceMlp(net, input));
  return tf.tidy(() => {
    const S = o.numSamples, [b] = x.shape, { numLatents: N, numCategories: K } = model;
    const logits = tf.reshape(mlp(model.encoder, x), [b, N, K]);
    const logPi = tf.logSoftmax(logits);
    const y = new RelaxedOneHotCategorical({ logits: logPi, temperature: o.temperature, validateArgs: false }).sample(S, o.rng);
    const z = o.estimator === 'gumbel-softmax' ? y : straightThrough(y);
    const shapes = changed('shapes');
    const xs = shapes && S === 1 ? x : tf.tile(x, [S, 1]);
    const flat = tf.reshape(z, [S * b, N * K]);
    const pixelLogits = mlp(model.decoder, (shapes ? flat : tf.reshape(flat, [S * b, N * K])) as tf.Tensor2D);
    const recon = changed('likelihood')
      ? meanNegativeLogLikelihood(xs, pixelLogits)
      : tf.mean(tf.neg(tf.reshape(tf.sum(tf.sub(tf.mul(xs, pixelLogits), tf.softplus(pixelLogits)), -1), [S, b])));
    const logPrior = shapes ? tf.scalar(-Math.log(K)) : tf.fill([K], -Math.log(K));
    const kl = changed('kl') ? meanAnalyticKL(logits as tf.Tensor3D, logPi as tf.Tensor3D) : tf.mean(tf.sum(analyticLogRatio(logits, logPrior), -1));
    return (shapes ? tf.addN([recon, kl]) : tf.add(recon, kl)) as tf.Scalar;
  });
}

export interface ReferenceTrainingOptions {
  estimator: 'gumbel-softmax' | 'st-gumbel-softmax';
  temperature: number;
  numSamples?: number;
  learningRate?: number;
  batchSize: number;
  steps: number;
  seed: number;
  /** 'device': tf.gather from the whole set uploaded once (version 1); 'host': rows copied on the host. */
  batches: 'device' | 'host';
  /** 'tf.train.adam' with the guard summing each gradient (version 1), or the library's Adam in a layout. */
  optimizer: 'tf.train.adam' | AdamLayout;
  /** 'reference': `referenceObjective`; 'library': `vaeObjective`. */
  objective: 'reference' | 'library';
  /** Changes to the reference objective (default none). */
  changes?: readonly ObjectiveChange[];
}

/** Trains `model` in place for `steps` steps (within the first epoch) as trainVae does; returns each step's objective and time in seconds. */
export function referenceTraining(model: CategoricalVae, train: Digits, o: ReferenceTrainingOptions): { losses: number[]; seconds: number[] } {
  const rng = toRandom(o.seed, 'referenceTraining');
  const dataRng = rng.split(), noiseRng = rng.split();
  const order = dataRng.permutation(train.count);
  const variables = model.variables();
  const images = o.batches === 'device' ? tf.tensor2d(train.images, [train.count, 784]) : null;
  const learningRate = o.learningRate ?? 1e-3;
  // Typed as the base class, whose applyGradients takes the gradients as variableGrads gives them.
  const builtIn: tf.Optimizer | null = o.optimizer === 'tf.train.adam' ? tf.train.adam(learningRate) : null;
  const ours = o.optimizer === 'tf.train.adam' ? null : new Adam(variables, { learningRate, layout: o.optimizer });
  const objectiveOptions = { estimator: o.estimator, kl: 'analytic' as const, temperature: o.temperature, numSamples: o.numSamples ?? 1, rng: noiseRng };
  const losses: number[] = [], seconds: number[] = [];
  try {
    for (let i = 0; i < o.steps; i++) {
      const start = performance.now();
      losses.push(tf.tidy(() => {
        const rows = order.slice(i * o.batchSize, (i + 1) * o.batchSize);
        const x = images !== null
          ? tf.gather(images, tf.tensor1d(rows, 'int32')) as tf.Tensor2D
          : tf.tensor2d(hostRows(train.images, rows), [rows.length, 784]);
        const { value, grads } = tf.variableGrads(() => (o.objective === 'reference'
          ? referenceObjective(model, x, { ...objectiveOptions, changes: o.changes }) : vaeObjective(model, x, objectiveOptions)), variables);
        if (ours !== null) return ours.guardedStep(grads, value).loss;
        const gradientSum = tf.addN(Object.values(grads).map((g) => tf.sum(g)));
        const [c, g] = tf.stack([value, gradientSum]).dataSync();
        if (Number.isFinite(c) && Number.isFinite(g)) builtIn!.applyGradients(grads);
        return c;
      }));
      seconds.push((performance.now() - start) / 1000);
    }
  } finally {
    images?.dispose();
    builtIn?.dispose();
    ours?.dispose();
  }
  return { losses, seconds };
}

/** The rows `rows` of a set of 784-pixel images, copied. */
function hostRows(images: Float32Array, rows: number[]): Float32Array {
  const out = new Float32Array(rows.length * 784);
  rows.forEach((r, i) => out.set(images.subarray(r * 784, (r + 1) * 784), i * 784));
  return out;
}
