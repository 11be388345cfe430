/**
 * Pictures from a categorical VAE: reconstructions through one-hot latents, samples
 * from the prior, and the rows that the `heatmap` chart builder draws digits from.
 */
import * as tf from '@tensorflow/tfjs';
import { Digits, PIXELS } from '../../data/mnist';
import { OneHotCategorical } from '../../distributions';
import { Seed, toRandom } from '../../random';
import { checkPositiveInteger, fail } from '../../validate';
import { CategoricalVae } from './categorical-vae';

/**
 * Reconstructions of the first `count` digits: z ~ q(z | x) one-hot, then the pixel
 * probabilities σ(decoder(z)). Returns `count`·784 values in [0, 1].
 *
 * @example
 * const digits = { images: new Float32Array(4 * 784).map((_, i) => (i % 7 === 0 ? 1 : 0)), labels: new Int32Array(4), count: 4 };
 * const vae = new CategoricalVae({ numLatents: 2, numCategories: 3, hidden: [8], seed: 0 });
 * const pictures = reconstructDigits(vae, digits, { count: 2, seed: 0 });   // 2 · 784 pixel probabilities
 * vae.dispose();
 */
export function reconstructDigits(model: CategoricalVae, digits: Digits, options: { count: number; seed: Seed }): Float32Array {
  const fn = 'reconstructDigits';
  const count = checkPositiveInteger(fn, 'count', options?.count);
  if (count > digits.count) fail(fn, 'count', `at most the ${digits.count} digits given`, count);
  const rng = toRandom(options.seed, fn);
  return tf.tidy(() => {
    const x = tf.tensor2d(digits.images.subarray(0, count * PIXELS), [count, PIXELS]);
    const z = new OneHotCategorical({ logits: model.encode(x) }).sample(1, rng);
    return tf.sigmoid(model.decode(tf.squeeze(z, [0]))).dataSync() as Float32Array;
  });
}

/**
 * `count` digits generated from the prior: every latent uniform over its K classes,
 * one-hot, then σ(decoder(z)) as pixel probabilities. Returns `count`·784 values.
 *
 * @example
 * const vae = new CategoricalVae({ numLatents: 2, numCategories: 3, hidden: [8], seed: 0 });
 * const pictures = samplePrior(vae, { count: 3, seed: 0 });   // 3 · 784 pixel probabilities
 * vae.dispose();
 */
export function samplePrior(model: CategoricalVae, options: { count: number; seed: Seed }): Float32Array {
  const fn = 'samplePrior';
  const count = checkPositiveInteger(fn, 'count', options?.count);
  const rng = toRandom(options.seed, fn);
  return tf.tidy(() => {
    const uniform = tf.zeros([model.numLatents, model.numCategories]);
    const z = new OneHotCategorical({ logits: uniform }).sample(count, rng); // [count, N, K]
    return tf.sigmoid(model.decode(z)).dataSync() as Float32Array;
  });
}

/** One heatmap cell: which picture, its pixel's row and column, and its ink in [0, 1]. */
export interface ImageRow {
  [field: string]: number | string;
  image: string;
  row: number;
  col: number;
  ink: number;
}

/**
 * Chart rows for `heatmap({ data, x: 'col', y: 'row', value: 'ink', facet: { field: 'image' } })`.
 *
 * Near-white pixels (ink < `minInk`) are left out, which shrinks the SVG about
 * fivefold; the top row and left column are always kept so that every panel's
 * ordinal axes still hold all 28 positions, and a missing cell shows as white.
 *
 * @param images `names.length` pictures of 28·28 values, row-major
 * @param names one label per picture, e.g. 'test 3' or 'recon 3'
 */
export function imageRows(images: ArrayLike<number>, names: string[], options: { minInk?: number; side?: number } = {}): ImageRow[] {
  const side = options.side ?? 28, minInk = options.minInk ?? 0.02;
  if (images.length !== names.length * side * side) {
    fail('imageRows', 'images', `${names.length} pictures of ${side}·${side} values (${names.length * side * side} in all)`, `${images.length} values`);
  }
  const rows: ImageRow[] = [];
  names.forEach((image, i) => {
    for (let r = 0; r < side; r++) {
      for (let c = 0; c < side; c++) {
        const ink = images[i * side * side + r * side + c];
        if (ink >= minInk || r === 0 || c === 0) rows.push({ image, row: r, col: c, ink: Math.round(ink * 1000) / 1000 });
      }
    }
  });
  return rows;
}
