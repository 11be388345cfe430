/**
 * The Bernoulli distribution: one independent 0/1 value per entry of the parameter.
 */
import * as tf from '@tensorflow/tfjs';
import { Seed } from '../random';
import { fail } from '../validate';
import { checkTrailingShape, received, readStats, TensorInput, toFloatTensor } from './checks';
import { discreteSample } from './exact-draws';
import { ParameterizedDistribution } from './parameterized-distribution';
import { LogitsOrProbs } from './parameters';

/**
 * Independent Bernoulli variables with samples as float32 zeros and ones.
 *
 * Parameters: `logits` (log-odds log p − log(1 − p), any real number) or `probs` in
 * [0, 1], any shape; that shape is the batch shape and each event is a scalar
 * (`eventShape` []). The properties `logits` and `probs` hold what was given (the
 * other is undefined); `logitsParameter()` gives the log-odds (±∞ where a given prob
 * is exactly 0 or 1) and `probsParameter()` the probabilities, each a new tensor to
 * dispose. `validateArgs: false` skips the value checks of the parameter and of
 * `logProb`'s x.
 *
 * Samples are drawn on the host: 1 when a uniform u < p = σ(logit), with σ in float64,
 * so p stays exact where it would round to 1 in float32 (see `exact-draws`). They are
 * not differentiable; see `RelaxedBernoulli` [1, 2].
 *
 * References:
 * [1] Maddison, Mnih and Teh (2017), "The Concrete Distribution: A Continuous Relaxation
 *     of Discrete Random Variables", ICLR.
 * [2] Jang, Gu and Poole (2017), "Categorical Reparameterization with Gumbel-Softmax", ICLR.
 *
 * @example
 * const d = new Bernoulli({ probs: [0.1, 0.9] });
 * const x = d.sample(1000, 7);   // [1000, 2] of 0 and 1
 * const lp = d.logProb(x);       // [1000, 2]
 * d.dispose();
 */
export class Bernoulli extends ParameterizedDistribution {
  constructor(args: LogitsOrProbs) {
    super('Bernoulli', args, 'binary', false);
  }

  /** `n` samples of zeros and ones, shape [n, ...batchShape], float32. */
  sample(n: number, seed: Seed): tf.Tensor {
    const { rng } = this.samplingSetup(n, seed);
    return tf.tidy(() => discreteSample('bernoulli', this.params.normalisedLogits(), n, rng));
  }

  /**
   * Log-probability of `x` (entries 0 or 1), shape [...sampleShape, ...batchShape],
   * returned with the same shape. Throws if an entry is not 0 or 1 (with `validateArgs`).
   */
  logProb(x: TensorInput): tf.Tensor {
    const fn = `${this.name}.logProb`;
    this.live(fn);
    return tf.tidy(() => {
      const { tensor } = toFloatTensor(fn, 'x', x);
      checkTrailingShape(fn, 'x', tensor, this.batchShape);
      if (this.validateArgs) checkBinary(fn, x, tensor);
      const [logP1, logP0] = this.params.binaryLogProbs().map((t) => tf.broadcastTo(t, tensor.shape));
      // where() picks one log-probability; x·log p + (1 − x)·log(1 − p) would give 0·(−∞) = NaN at p = 0 or 1.
      return tf.where(tf.greater(tensor, 0.5), logP1, logP0);
    });
  }

  /** Entropy −p log p − (1 − p) log(1 − p) in nats, shape batchShape. */
  entropy(): tf.Tensor {
    this.live(`${this.name}.entropy`);
    return tf.tidy(() => {
      const [logP1, logP0] = this.params.binaryLogProbs();
      // exp of the log-probabilities, not 1 − p: keeps 1 − p accurate when p is near 1.
      const term = (logP: tf.Tensor) => {
        const p = tf.exp(logP);
        return tf.mul(p, tf.where(tf.greater(p, 0), logP, tf.zerosLike(logP))); // p = 0 contributes 0, not NaN
      };
      return tf.neg(tf.add(term(logP1), term(logP0)));
    });
  }
}

/** Every entry 0 or 1; one download of three numbers. */
function checkBinary(fn: string, input: TensorInput, x: tf.Tensor): void {
  // x(1 − x) is 0 exactly for 0 and 1 (and NaN, which `finite` catches).
  const stats = readStats(x, (t) => [tf.max(tf.abs(tf.mul(t, tf.sub(1, t))))]);
  if (!stats.finite || stats.extra[0] !== 0) fail(fn, 'x', '0 or 1 everywhere', received(input, x, stats));
}
