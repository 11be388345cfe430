/**
 * The categorical-VAE row of the peer benchmark: one training step of the library's
 * `trainVae` (batch 100, network 784-256-(20×10)-256-784 = `VAE_CONFIGS.small`, ST
 * Gumbel-Softmax, analytic KL, Adam at 1e-3, τ = 1) against the same step in Python
 * TensorFlow (vae_tf.py: eager and tf.function) and JAX (vae_jax.py: jit).
 *
 * Same work on every side: the same weights (the TS model's, written to files the
 * Python peers load), the same synthetic binary digits (synthetic-digits.ts), and per
 * step a batch gather, fresh Gumbel noise, forward and backward, the finiteness test of
 * the loss and of the sum of all gradients read back to the host, then Adam. Before
 * any timing, every peer evaluates the loss and gradients at the TS side's first batch
 * and noise, and the report prints how far they are from ours.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { Random } from '../../src/random';
import { CategoricalVae, trainVae, vaeObjective, VAE_CONFIGS, VaeRecord } from '../../src/studies/categorical-vae';
import { PeerServer } from './peer-server';
import { syntheticDigits } from './synthetic-digits';
import { Digits } from '../../src/data/mnist';

export const VAE_EXPERIMENT = 'categorical-vae st-gumbel-softmax';
const CONFIG = VAE_CONFIGS.small;
const BATCH = 100, TEMPERATURE = 1, LEARNING_RATE = 1e-3;
/** Synthetic digits both sides hold; each timed chunk draws its batches from them. */
const DIGIT_COUNT = 2000;
/** The seed of the noise of the agreement check (the timed steps draw their own). */
const AGREEMENT_SEED = 7;

/** float32 arrays with their names and shapes, as peer_common.load_weights reads them. */
function writeArrays(prefix: string, arrays: { name: string; shape: number[]; values: Float32Array }[]): void {
  writeFileSync(`${prefix}.json`, JSON.stringify({ names: arrays.map((a) => a.name), shapes: arrays.map((a) => a.shape) }));
  const total = arrays.reduce((n, a) => n + a.values.length, 0);
  const flat = new Float32Array(total);
  let offset = 0;
  for (const a of arrays) { flat.set(a.values, offset); offset += a.values.length; }
  writeFileSync(`${prefix}.bin`, Buffer.from(flat.buffer)); // little-endian on every machine Node runs on
}

/** Names the VAE's variables in `CategoricalVae.variables()` order, as the Python peers unpack them. */
const VARIABLE_NAMES = ['encoder/w0', 'encoder/w1', 'encoder/b0', 'encoder/b1', 'decoder/w0', 'decoder/w1', 'decoder/b0', 'decoder/b1'];

/** The first `count` digits as their own set (a view, no copy). */
function firstDigits(digits: Digits, count: number): Digits {
  return { images: digits.images.subarray(0, count * 784), labels: digits.labels.subarray(0, count), count };
}

export interface VaeAgreement { peer: string; loss: number; lossDifference: number; worstGradient: string; worstRelative: number }

/** Our loss and gradients at step 0 on the current backend; writes them, the weights and the noise under `dir`. */
function writeStepZero(dir: string): { loss: number; weights: string; noise: string; grads: string } {
  const vae = new CategoricalVae({ ...CONFIG, seed: 0 });
  const digits = syntheticDigits(BATCH);
  const variables = vae.variables();
  if (variables.length !== VARIABLE_NAMES.length) throw new Error(`vae-row: the VAE has ${variables.length} variables, not ${VARIABLE_NAMES.length}`);
  const x = tf.tensor2d(digits.images, [BATCH, 784]);
  const { value, grads } = tf.variableGrads(() => vaeObjective(vae, x, {
    estimator: 'st-gumbel-softmax', kl: 'analytic', temperature: TEMPERATURE, numSamples: 1, rng: new Random(AGREEMENT_SEED),
  }), variables);
  // The objective's only draw is the relaxed sample's Gumbel noise [S = 1, b, N, K], so a
  // generator with the same seed gives exactly the noise it used.
  const noise = new Random(AGREEMENT_SEED).gumbelArray(BATCH * CONFIG.numLatents * CONFIG.numCategories);
  const files = { weights: join(dir, 'vae-weights'), noise: join(dir, 'vae-noise'), grads: join(dir, 'vae-grads') };
  const named = (tensors: tf.Tensor[]) => tensors.map((t, i) => ({ name: VARIABLE_NAMES[i], shape: t.shape, values: t.dataSync() as Float32Array }));
  writeArrays(files.weights, named(variables));
  writeArrays(files.grads, named(variables.map((v) => grads[v.name])));
  writeArrays(files.noise, [{ name: 'gumbel', shape: [1, BATCH, CONFIG.numLatents, CONFIG.numCategories], values: noise }]);
  const loss = value.dataSync()[0];
  tf.dispose([x, value, ...Object.values(grads)]);
  vae.dispose();
  return { loss, ...files };
}

/** Loads the TS model's weights into every peer and compares their step-0 loss and gradients with ours. */
export async function setUpVaePeers(dir: string, peers: PeerServer[]): Promise<VaeAgreement[]> {
  mkdirSync(dir, { recursive: true });
  const step0 = writeStepZero(dir);
  const out: VaeAgreement[] = [];
  for (const peer of peers) {
    await peer.request(['vae-load', '--weights', step0.weights, '--digits', DIGIT_COUNT, '--latents', CONFIG.numLatents,
      '--categories', CONFIG.numCategories, '--batch', BATCH, '--temperature', TEMPERATURE, '--learning-rate', LEARNING_RATE]);
    const [row] = (await peer.request(['vae-agree', '--noise', step0.noise, '--grads', step0.grads, '--loss', step0.loss])).rows;
    const [worstGradient, worstRelative] = Object.entries(row.gradient_relative_differences as Record<string, number>)
      .reduce((a, b) => (b[1] > a[1] ? b : a));
    out.push({ peer: peer.label, loss: row.loss, lossDifference: row.loss_difference, worstGradient, worstRelative });
  }
  out.unshift({ peer: 'TS (reference)', loss: step0.loss, lossDifference: 0, worstGradient: '–', worstRelative: 0 });
  return out;
}

/** The TS side on one backend: a model of its own, trained on in chunks of steps. */
export class TsVaeSide {
  private readonly vae = new CategoricalVae({ ...CONFIG, seed: 0 });
  private readonly digits = syntheticDigits(DIGIT_COUNT);
  private chunk = 0;

  /**
   * Seconds per step over `steps` trainVae steps. trainVae makes a fresh Adam, whose
   * first step also creates its moments, so the chunk runs one step more and drops it
   * (with recordEvery 1, each record's `seconds` is the training time up to its step).
   */
  time(steps: number): number {
    if (steps + 1 > DIGIT_COUNT / BATCH) throw new Error(`vae-row: at most ${DIGIT_COUNT / BATCH - 1} steps a chunk`);
    const records = this.run(steps + 1);
    return (records.at(-1)!.seconds - records[0].seconds) / steps;
  }

  /** One trainVae call of `steps` steps, each recorded (also used to count kernels). */
  run(steps: number): VaeRecord[] {
    return trainVae(this.vae, { train: firstDigits(this.digits, steps * BATCH) }, {
      estimator: 'st-gumbel-softmax', kl: 'analytic', epochs: 1, batchSize: BATCH, learningRate: LEARNING_RATE,
      temperature: TEMPERATURE, seed: this.chunk++, recordEvery: 1,
    });
  }

  dispose(): void {
    this.vae.dispose();
  }
}
