/**
 * The noise of the Gaussian z = μ + σ ε in the mixture's estimates. One row of L2
 * draws ε is shared by every bucket draw of one estimate; the estimates only need its
 * mean and variance (see `meanSquareOverNoise`), so the row stays on the host.
 */
import * as tf from '@tensorflow/tfjs';
import { Random } from '../../random';
import { checkPositiveInteger } from '../../validate';

/** The row of noise ε shared by one estimate, summarised by its sample mean and (1/L2) variance. */
export interface NoiseMoments {
  mean: number;
  variance: number;
}

/** Draws the estimate's `numNoise` standard normals ε and returns their moments, in float64. */
export function drawNoise(fn: string, rng: Random, numNoise: number): NoiseMoments {
  const eps = rng.normalArray(checkPositiveInteger(fn, 'numNoise', numNoise));
  let sum = 0;
  for (const e of eps) sum += e;
  const mean = sum / eps.length;
  let squares = 0;
  for (const e of eps) squares += (e - mean) ** 2;
  return { mean, variance: squares / eps.length };
}

/**
 * z² averaged over the noise draws, z = μ + σ ε, for each row of means and log scales: [m, 1] → [m, 1].
 *
 * Expanding the square over the draws gives, exactly,
 *
 *     (1/L2) Σ_j (μ + σ ε_j)² = (μ + σ ε̄)² + σ² s²,   ε̄ = mean of ε, s² = (1/L2) Σ_j (ε_j − ε̄)²,
 *
 * so the value and its gradient in μ and σ are those of the average over the [m, L2]
 * grid of z, without building the grid (two non-negative terms: no cancellation).
 */
export function meanSquareOverNoise(mu: tf.Tensor2D, logSigma: tf.Tensor2D, noise: NoiseMoments): tf.Tensor2D {
  const sigma = tf.exp(logSigma);
  const centre = tf.add(mu, tf.mul(sigma, noise.mean));
  return tf.add(tf.square(centre), tf.mul(tf.square(sigma), noise.variance));
}
