/**
 * Pictures from a categorical VAE: reconstructions through one-hot latents, samples
 * from the prior, and the rows that the `heatmap` chart builder draws digits from.
 */
import * as tf from '@tensorflow/tfjs';
import { Digits, PIXELS } from '../../data/mnist';
import { OneHotCategorical } from '../../distributions';
import { Seed, toRandom } from '../../random';
import { checkBudget, checkFiniteValues, checkOptionsObject, checkPositiveInteger, fail, orDefault } from '../../validate';
import { CategoricalVae, checkVae } from './categorical-vae';
import { checkDigitSet } from './checks';

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
  checkVae(fn, model);
  if (model.numPixels !== PIXELS) fail(fn, 'model.numPixels', `${PIXELS} for MNIST digits`, model.numPixels);
  checkDigitSet(fn, 'digits', digits);
  checkOptionsObject(fn, 'options', options, ['count', 'seed']);
  const count = checkPositiveInteger(fn, 'count', options.count);
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
  checkVae(fn, model);
  checkOptionsObject(fn, 'options', options, ['count', 'seed']);
  const count = checkPositiveInteger(fn, 'count', options.count);
  checkBudget(fn, 'count × max(numPixels, numLatents × numCategories)', count * Math.max(model.numPixels, model.numLatents * model.numCategories));
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
 * @param images `names.length` pictures of side·side finite values, row-major
 * @param names one label per picture, e.g. 'test 3' or 'recon 3'
 * @param options.minInk default 0.02; `side`, the picture's width in pixels, default 28
 *
 * @example
 * const rows = imageRows([0, 0.5, 1, 0.25], ['a'], { side: 2, minInk: 0.3 });   // 3 cells: the 0.25 is left out, the top row and left column always kept
 */
export function imageRows(images: ArrayLike<number>, names: string[], options: { minInk?: number; side?: number } = {}): ImageRow[] {
  const fn = 'imageRows';
  if (!Array.isArray(names) || names.some((n) => typeof n !== 'string')) fail(fn, 'names', 'an array of strings, one label per picture', names);
  checkOptionsObject(fn, 'options', options, ['minInk', 'side'], true);
  const side = checkPositiveInteger(fn, 'side', orDefault(options.side, 28));
  const minInk = orDefault(options.minInk, 0.02);
  if (typeof minInk !== 'number' || Number.isNaN(minInk)) fail(fn, 'minInk', 'a number (pixels with less ink are left out)', minInk);
  if (!(Array.isArray(images) || ArrayBuffer.isView(images))) fail(fn, 'images', 'an array of pixel values', images);
  if (images.length !== names.length * side * side) {
    fail(fn, 'images', `${names.length} pictures of ${side}·${side} values (${names.length * side * side} in all)`, `${images.length} values`);
  }
  checkFiniteValues(fn, 'images', images);
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
