/**
 * The Concrete (Gumbel-Softmax) distribution: a continuous relaxation of the one-hot
 * categorical, on the open simplex.
 */
import * as tf from '@tensorflow/tfjs';
import { Seed } from '../random';
import { checkPositive, fail } from '../validate';
import { checkTrailingShape, received, readStats, TensorInput, toFloatTensor } from './checks';
import { concreteLogDensity } from '../kernels/concrete-log-density';
import { relaxedSoftmax } from '../kernels/relaxed-softmax';
import { gumbelNoise } from './noise';
import { ParameterizedDistribution } from './parameterized-distribution';
import { LogitsOrProbs, SIMPLEX_TOLERANCE } from './parameters';

/** The largest temperature at which `RelaxedOneHotCategorical.logProb` stays within 1e-2 nats. */
export const MAX_LOG_PROB_TEMPERATURE = 1e4;

/**
 * The Concrete distribution [1], also called Gumbel-Softmax [2], over points of the
 * simplex in K dimensions.
 *
 * A sample is softmax((logits + G) / τ) with G_k standard Gumbel noise. It is
 * reparameterised (`reparameterized` is true): gradients reach `logits` or `probs` (a
 * tensor or variable you passed) through the sample. This is the library's one copy
 * of the formula: the Gumbel-Softmax estimators and the VAE draw through this class.
 *
 * Temperature limits: as τ → 0 samples approach the vertices, one-hot vectors
 * distributed as `OneHotCategorical` with the same logits; as τ → ∞ they approach the
 * centre (1/K, …, 1/K). At every τ, argmax of a sample is distributed as
 * softmax(logits) [1]. At low τ the small coordinates of a sample would underflow to 0
 * in float32; they are kept at 2^−126 (float32's smallest normal number) instead, so
 * `logProb` of a sample is always finite.
 *
 * Shapes: `logits`/`probs` [...batchShape, K] with K ≥ 2 (`eventShape` [K]); `sample(n)`
 * [n, ...batchShape, K]; `logProb(x)` maps [...sampleShape, ...batchShape, K] to
 * [...sampleShape, ...batchShape]. The properties `logits` and `probs` hold what was
 * given; `logitsParameter()` (logSoftmax) and `probsParameter()` are new tensors to
 * dispose. `validateArgs: false` skips the value checks of the parameter and of
 * `logProb`'s x.
 *
 * References:
 * [1] Maddison, Mnih and Teh (2017), "The Concrete Distribution: A Continuous Relaxation
 *     of Discrete Random Variables", ICLR.
 * [2] Jang, Gu and Poole (2017), "Categorical Reparameterization with Gumbel-Softmax", ICLR.
 *
 * @example
 * const d = new RelaxedOneHotCategorical({ logits: [1, 2, 0], temperature: 0.5 });
 * const y = d.sample(1000, 42);   // [1000, 3], rows on the simplex
 * const lp = d.logProb(y);        // [1000]
 * d.dispose();
 */
export class RelaxedOneHotCategorical extends ParameterizedDistribution {
  /** Number of categories K, the size of the last axis. */
  readonly eventSize: number;
  /** τ > 0. */
  readonly temperature: number;

  constructor(args: LogitsOrProbs & { temperature: number }) {
    const temperature = checkPositive('RelaxedOneHotCategorical', 'temperature', args?.temperature);
    super('RelaxedOneHotCategorical', args, 'one-hot', true);
    this.temperature = temperature;
    this.eventSize = this.eventShape[0];
  }

  /**
   * `n` reparameterised samples on the simplex, shape [n, ...batchShape, K]. Given
   * logits enter as they are, not normalised first: softmax ignores a common shift,
   * and one kernel fewer matters at every step of a training loop.
   */
  sample(n: number, seed: Seed): tf.Tensor {
    const { rng, shape } = this.samplingSetup(n, seed);
    // keepInside(softmax((logits + G) / τ)), one kernel each way on cpu and wasm (src/kernels/relaxed-softmax.ts).
    return tf.tidy(() => relaxedSoftmax(this.params.perturbableLogits(), gumbelNoise(rng, shape), this.temperature));
  }

  /**
   * Log-density of points `x` of the open simplex, with respect to Lebesgue measure on
   * the first K − 1 coordinates ([1], eq. in log space), for normalised logits α:
   *
   *   log p(x) = log (K−1)! + (K−1) log τ + Σ_k (α_k − (τ+1) log x_k) − K · logsumexp_k(α_k − τ log x_k).
   *
   * With `validateArgs`, throws if a point has a coordinate ≤ 0 or coordinates not
   * summing to 1 (within 1e-4).
   *
   * Accurate range: τ ≤ 1e4 (`MAX_LOG_PROB_TEMPERATURE`). Against a float64 evaluation at
   * the same float32 points the error grows like 1e-7·τ nats: measured at most 1e-4
   * at τ = 100, 1e-3 at τ = 1e3 and 8e-3 at τ = 1e4, but 0.13 at 1e5 and 15 at 1e8,
   * because float32 cannot hold the points finely enough (near τ → ∞ they crowd the
   * centre of the simplex). Larger τ is refused with a named error.
   */
  logProb(x: TensorInput): tf.Tensor {
    const fn = `${this.name}.logProb`;
    this.live(fn);
    if (this.temperature > MAX_LOG_PROB_TEMPERATURE) {
      fail(fn, 'temperature', `at most ${MAX_LOG_PROB_TEMPERATURE} for an accurate density (see its TSDoc)`, this.temperature);
    }
    return tf.tidy(() => {
      const { tensor } = toFloatTensor(fn, 'x', x);
      checkTrailingShape(fn, 'x', tensor, this.params.shape);
      if (this.validateArgs) checkOpenSimplex(fn, x, tensor);
      return concreteLogDensity(this.params.normalisedLogits(), tensor, this.temperature);
    });
  }
}

/** Every coordinate > 0 and finite, and every last-axis sum within 1e-4 of 1; one download. */
function checkOpenSimplex(fn: string, input: TensorInput, x: tf.Tensor): void {
  const stats = readStats(x, (t) => [tf.max(tf.abs(tf.sub(tf.sum(t, -1), 1)))]);
  if (!stats.finite || stats.min <= 0 || stats.extra[0] > SIMPLEX_TOLERANCE) {
    fail(fn, 'x', `on the open simplex (entries > 0, summing to 1 within ${SIMPLEX_TOLERANCE} along the last axis)`, received(input, x, stats));
  }
}
