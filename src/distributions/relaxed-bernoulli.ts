/**
 * The binary Concrete distribution: a continuous relaxation of the Bernoulli on (0, 1).
 */
import * as tf from '@tensorflow/tfjs';
import { Seed } from '../random';
import { checkPositive, fail } from '../validate';
import { checkTrailingShape, received, readStats, TensorInput, toFloatTensor } from './checks';
import { BELOW_ONE, keepInside, logisticNoise } from './noise';
import { ParameterizedDistribution } from './parameterized-distribution';
import { MAX_LOG_PROB_TEMPERATURE } from './relaxed-one-hot-categorical';
import { LogitsOrProbs } from './parameters';

/**
 * The binary Concrete distribution [1] (binary Gumbel-Softmax [2]): independent values
 * in (0, 1), one per entry of the parameter.
 *
 * A sample is sigmoid((logit + L) / τ) with L = log u − log(1 − u) standard logistic
 * noise; it is reparameterised (`reparameterized` is true), so gradients reach
 * `logits` or `probs` (a tensor or variable you passed) through it. It equals the
 * first coordinate of a two-category `RelaxedOneHotCategorical` with logits [logit, 0].
 * This is the library's one copy of the formula: the Gumbel-Softmax estimators draw
 * Bernoulli relaxations through this class.
 *
 * Temperature limits: as τ → 0 samples approach 0 and 1, distributed as `Bernoulli`
 * with the same logits; as τ → ∞ they approach 1/2. At every τ, a sample exceeds 1/2
 * with probability sigmoid(logit). A sample within 6e-8 of 0 or 1 would round onto
 * the boundary in float32 (already at τ = 0.5 for about 3 draws in 10 000); samples are
 * kept in [2^−126, 1 − 2^−24] instead, so `logProb` of a sample is always finite.
 *
 * Shapes: `logits`/`probs` any shape (the batch shape; `eventShape` []); `sample(n)`
 * [n, ...batchShape]; `logProb(x)` keeps the shape of x, [...sampleShape, ...batchShape].
 * Parameters: `logits` are log-odds; `probs` must lie strictly inside (0, 1). The
 * properties `logits` and `probs` hold what was given; `logitsParameter()` and
 * `probsParameter()` are new tensors to dispose. `validateArgs: false` skips the value
 * checks of the parameter and of `logProb`'s x.
 *
 * References:
 * [1] Maddison, Mnih and Teh (2017), "The Concrete Distribution: A Continuous Relaxation
 *     of Discrete Random Variables", ICLR.
 * [2] Jang, Gu and Poole (2017), "Categorical Reparameterization with Gumbel-Softmax", ICLR.
 *
 * @example
 * const d = new RelaxedBernoulli({ logits: [-1, 2], temperature: 0.5 });
 * const y = d.sample(1000, 3);   // [1000, 2] in (0, 1)
 * const lp = d.logProb(y);       // [1000, 2]
 * d.dispose();
 */
export class RelaxedBernoulli extends ParameterizedDistribution {
  /** τ > 0. */
  readonly temperature: number;

  constructor(args: LogitsOrProbs & { temperature: number }) {
    const temperature = checkPositive('RelaxedBernoulli', 'temperature', args?.temperature);
    super('RelaxedBernoulli', args, 'binary', true);
    this.temperature = temperature;
  }

  /** `n` reparameterised samples in (0, 1), shape [n, ...batchShape]. */
  sample(n: number, seed: Seed): tf.Tensor {
    const { rng, shape } = this.samplingSetup(n, seed);
    return tf.tidy(() => {
      const z = tf.div(tf.add(this.params.perturbableLogits(), logisticNoise(rng, shape)), this.temperature);
      return keepInside(tf.sigmoid(z), BELOW_ONE);
    });
  }

  /**
   * Log-density of `x` in the open interval (0, 1), shape [...sampleShape, ...batchShape].
   *
   * logit(X) is logistic with location l/τ and scale 1/τ, so with t = l − τ·logit(x):
   *
   *   log p(x) = log τ − log x − log(1 − x) − softplus(−t) − softplus(t),
   *
   * which is [1]'s binary Concrete density τ α x^(−τ−1) (1−x)^(−τ−1) / (α x^(−τ) + (1−x)^(−τ))²
   * with α = e^l, rewritten so that no power over- or underflows. With `validateArgs`,
   * throws outside (0, 1).
   *
   * Accurate range: τ ≤ 1e4 (`MAX_LOG_PROB_TEMPERATURE`, as for the categorical). Against
   * a float64 evaluation at the same float32 points (logits −5, 0, 3; x from 0.01 to 0.99)
   * the largest error measured was 6e-7 nats at τ = 1, 3e-6 at τ = 100 and 4e-3 at
   * τ = 1e4, but 0.016 at 1e5 and 11 at 1e8: τ·logit(x) then exceeds what float32 holds
   * to the needed digits. Larger τ is refused with a named error.
   */
  logProb(x: TensorInput): tf.Tensor {
    const fn = `${this.name}.logProb`;
    this.live(fn);
    const tau = this.temperature;
    if (tau > MAX_LOG_PROB_TEMPERATURE) {
      fail(fn, 'temperature', `at most ${MAX_LOG_PROB_TEMPERATURE} for an accurate density (see its TSDoc)`, tau);
    }
    return tf.tidy(() => {
      const { tensor } = toFloatTensor(fn, 'x', x);
      checkTrailingShape(fn, 'x', tensor, this.batchShape);
      if (this.validateArgs) checkOpenInterval(fn, x, tensor);
      const logX = tf.log(tensor);
      const log1mX = tf.log1p(tf.neg(tensor)); // log1p keeps log(1 − x) accurate for small x
      const t = tf.sub(this.params.normalisedLogits(), tf.mul(tau, tf.sub(logX, log1mX)));
      const logSigmoids = tf.add(tf.softplus(tf.neg(t)), tf.softplus(t)); // −log σ(t) − log σ(−t)
      return tf.sub(tf.sub(tf.sub(Math.log(tau), logX), log1mX), logSigmoids);
    });
  }
}

/** Every entry finite and strictly inside (0, 1); one download of three numbers. */
function checkOpenInterval(fn: string, input: TensorInput, x: tf.Tensor): void {
  const stats = readStats(x);
  if (!stats.finite || stats.min <= 0 || stats.max >= 1) fail(fn, 'x', 'in the open interval (0, 1)', received(input, x, stats));
}
