/**
 * The categorical VAE of [2] Jang et al. 2017 (section 4.3) and [1] Maddison et al. 2017:
 * N independent categorical latents with K classes each, an MLP encoder, an MLP decoder
 * with Bernoulli pixels, and a uniform categorical prior.
 */
import * as tf from '@tensorflow/tfjs';
import { Received } from '../../distributions/checks';
import { Seed, toRandom } from '../../random';
import { checkPositiveInteger, fail, orDefault } from '../../validate';
import { checkTensor } from './checks';
import { checkLayerSizes, Mlp } from './mlp';

/** The sizes of a categorical VAE. */
export interface CategoricalVaeConfig {
  /** N, the number of independent categorical latents. */
  numLatents: number;
  /** K ≥ 2, the classes of each latent. */
  numCategories: number;
  /** Hidden widths of the encoder, input side first; the decoder mirrors them. */
  hidden: number[];
  /** Pixels per image; default 784 (28 × 28). */
  numPixels?: number;
}

/**
 * Named configurations. `small` fits a notebook that re-executes in minutes;
 * `full` is the network of [2]: 784-512-256-(20×10) and its mirror image.
 */
export const VAE_CONFIGS: Readonly<Record<'small' | 'full', CategoricalVaeConfig>> = Object.freeze({
  small: { numLatents: 20, numCategories: 10, hidden: [256] },
  full: { numLatents: 20, numCategories: 10, hidden: [512, 256] },
});

/**
 * Encoder x [b, D] → logits [b, N, K]; decoder z [b, N, K] (one-hot or relaxed) →
 * Bernoulli logits of the pixels [b, D]. Weights are drawn from the seeded generator.
 *
 * @example
 * const vae = new CategoricalVae({ ...VAE_CONFIGS.small, seed: 0 });
 * const x = tf.zeros([2, 784]) as tf.Tensor2D;                     // two blank digits
 * const logits = vae.encode(x);                                     // [2, 20, 10]
 * const z = tf.cast(tf.oneHot(tf.argMax(logits, -1), 10), 'float32'); // one code per digit
 * const pixelLogits = vae.decode(z);                                // [2, 784]
 * vae.logLikelihood(x, pixelLogits).print();                        // [2], log p(x | z) in nats
 * tf.dispose([x, logits, z, pixelLogits]);
 * vae.dispose();
 */
export class CategoricalVae {
  readonly numLatents: number;
  readonly numCategories: number;
  readonly numPixels: number;
  readonly hidden: number[];
  readonly encoder: Mlp;
  readonly decoder: Mlp;

  constructor(options: CategoricalVaeConfig & { seed: Seed }) {
    const fn = 'CategoricalVae';
    if (options === null || typeof options !== 'object') fail(fn, 'options', 'an object {numLatents, numCategories, hidden, seed}', options);
    this.numLatents = checkPositiveInteger(fn, 'numLatents', options.numLatents);
    this.numCategories = checkPositiveInteger(fn, 'numCategories', options.numCategories);
    if (this.numCategories < 2) fail(fn, 'numCategories', 'a whole number ≥ 2', options.numCategories);
    this.numPixels = checkPositiveInteger(fn, 'numPixels', orDefault(options.numPixels, 784));
    if (!Array.isArray(options.hidden)) fail(fn, 'hidden', 'an array of layer widths', options.hidden);
    options.hidden.forEach((h, i) => checkPositiveInteger(fn, `hidden[${i}]`, h));
    this.hidden = options.hidden.slice();
    const latent = this.numLatents * this.numCategories;
    // Both networks are sized before either is made, so a refused size leaves nothing behind.
    const encoderSizes = checkLayerSizes(fn, 'numPixels, hidden and numLatents × numCategories', [this.numPixels, ...this.hidden, latent]);
    const decoderSizes = [...encoderSizes].reverse();
    const rng = toRandom(options.seed, fn);
    this.encoder = new Mlp(encoderSizes, rng);
    this.decoder = new Mlp(decoderSizes, rng);
  }

  /** Unnormalised logits of q(z | x): x [b, D] → [b, N, K]. */
  encode(x: tf.Tensor2D): tf.Tensor3D {
    this.checkLive('CategoricalVae.encode');
    checkTensor('CategoricalVae.encode', 'x', x, ['b', this.numPixels]);
    return tf.tidy(() => tf.reshape(this.encoder.apply(x), [x.shape[0], this.numLatents, this.numCategories]));
  }

  /** Bernoulli logits of p(x | z): z [b, N, K] or [b, N·K] → [b, D]. */
  decode(z: tf.Tensor): tf.Tensor2D {
    const fn = 'CategoricalVae.decode';
    this.checkLive(fn);
    const latent = this.numLatents * this.numCategories;
    if (!(z instanceof tf.Tensor) || z.rank < 2 || z.shape[0] < 1 || z.size / z.shape[0] !== latent) {
      fail(fn, 'z', `a tensor of shape [b, ${this.numLatents}, ${this.numCategories}] or [b, ${latent}]`, z);
    }
    checkTensor(fn, 'z', z, z.shape);
    // A reshape is a kernel on some backends: none when z is already [b, N·K].
    return tf.tidy(() => this.decoder.apply(z.rank === 2 ? z as tf.Tensor2D : tf.reshape(z, [z.shape[0], latent]) as tf.Tensor2D));
  }

  /**
   * log p(x | z) = Σ_d [x_d l_d − softplus(l_d)] for binary pixels x [b, D] and pixel
   * logits l [b, D] → [b]. This is x log σ(l) + (1 − x) log σ(−l), written with one
   * softplus so that it neither cancels nor overflows for large |l|.
   */
  logLikelihood(x: tf.Tensor, pixelLogits: tf.Tensor): tf.Tensor1D {
    const fn = 'CategoricalVae.logLikelihood';
    if (!(x instanceof tf.Tensor) || !(pixelLogits instanceof tf.Tensor) || x.shape.join() !== pixelLogits.shape.join() || x.rank !== 2) {
      fail(fn, 'x and pixelLogits', 'tensors of the same shape [b, D]', [x?.shape, pixelLogits?.shape]);
    }
    checkTensor(fn, 'x', x, x.shape);
    checkTensor(fn, 'pixelLogits', pixelLogits, pixelLogits.shape);
    return tf.tidy(() => tf.sum(tf.sub(tf.mul(x, pixelLogits), tf.softplus(pixelLogits)), -1) as tf.Tensor1D);
  }

  /** log p(z) of the uniform prior for any one-hot z: −N log K per datum. */
  get priorLogProb(): number {
    return -this.numLatents * Math.log(this.numCategories);
  }

  /** Every trainable variable: encoder then decoder. */
  variables(): tf.Variable[] {
    return [...this.encoder.variables(), ...this.decoder.variables()];
  }

  /** The number of trainable parameters. */
  get numParameters(): number {
    return this.variables().reduce((n, v) => n + v.size, 0);
  }

  dispose(): void {
    this.encoder.dispose();
    this.decoder.dispose();
  }

  /** True once `dispose` has run. */
  get isDisposed(): boolean {
    return this.encoder.isDisposed || this.decoder.isDisposed;
  }

  private checkLive(fn: string): void {
    if (this.isDisposed) fail(fn, 'this CategoricalVae', 'one that has not been disposed', new Received('a disposed one'));
  }
}

/** Checks that `model` is a CategoricalVae that has not been disposed, naming `fn`. */
export function checkVae(fn: string, model: unknown, arg = 'model'): CategoricalVae {
  if (!(model instanceof CategoricalVae)) fail(fn, arg, 'a CategoricalVae', model);
  if (model.isDisposed) fail(fn, arg, 'a CategoricalVae that has not been disposed', new Received('a disposed one'));
  return model;
}
