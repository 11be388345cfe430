/**
 * Binary stand-ins for MNIST digits that the TypeScript and Python sides of the peer
 * benchmark generate identically, with no download and no shared file: pixel d of image
 * n is ink when a 32-bit hash of its flat index 784·n + d falls under a threshold that
 * is high inside a centred disc and low outside it, so every image has a blob of ink
 * roughly where a digit's strokes are. `synthetic_digits.py` is the same function in numpy.
 *
 * Only the timing depends on the pixels' count and shape, not on their look; the same
 * pixels on both sides let the benchmark check that both compute the same loss.
 */
import { Digits } from '../../src/data/mnist';

/** Ink thresholds out of 2^24 (integers, so both languages compare exactly): about 0.45 inside the disc, 0.02 outside. */
export const INK_INSIDE = 7_549_747;
export const INK_OUTSIDE = 335_544;
/** The disc: centre (13.5, 13.5), radius 9 pixels, in a 28 × 28 image. */
const SIDE = 28, RADIUS_SQUARED = 81;

/** The murmur3 finaliser: a well-mixed 32-bit hash of a 32-bit integer. */
export function mix32(value: number): number {
  let h = value >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** `count` binary images of 784 pixels, the same on every run and in `synthetic_digits.py`. */
export function syntheticDigits(count: number): Digits {
  const pixels = SIDE * SIDE;
  const images = new Float32Array(count * pixels);
  for (let i = 0; i < images.length; i++) {
    const d = i % pixels, row = Math.floor(d / SIDE), col = d % SIDE;
    const inside = (row - 13.5) ** 2 + (col - 13.5) ** 2 <= RADIUS_SQUARED;
    images[i] = mix32(i) >>> 8 < (inside ? INK_INSIDE : INK_OUTSIDE) ? 1 : 0;
  }
  return { images, labels: new Int32Array(count), count };
}
