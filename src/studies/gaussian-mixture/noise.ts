/**
 * The noise of the Gaussian z = μ + σ ε in the mixture's estimates. One row of L2
 * draws ε is shared by every bucket draw of one estimate. Expanding the square over
 * the draws gives, exactly,
 *
 *     (1/L2) Σ_j (μ + σ ε_j)² = (μ + σ ε̄)² + σ² s²,   ε̄ = mean of ε, s² = (1/L2) Σ_j (ε_j − ε̄)²,
 *
 * so the value and its gradient in μ and σ are those of the average over the [m, L2]
 * grid of z, without building the grid (two non-negative terms: no cancellation). The
 * estimates need only ε̄ and s² (./chain-rule), so the row stays on the host.
 */
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
  // Indexed loops: for…of over a Float32Array took twice as long. The same sums in the same
  // order; d * d is (ε − ε̄) ** 2 exactly (V8's pow, fdlibm's, returns x * x for y = 2).
  let sum = 0;
  for (let j = 0; j < eps.length; j++) sum += eps[j];
  const mean = sum / eps.length;
  let squares = 0;
  for (let j = 0; j < eps.length; j++) {
    const d = eps[j] - mean;
    squares += d * d;
  }
  return { mean, variance: squares / eps.length };
}
