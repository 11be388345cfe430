/**
 * The categorical distribution over K outcomes, with samples written as one-hot vectors.
 */
import * as tf from '@tensorflow/tfjs';
import { Seed } from '../random';
import { fail } from '../validate';
import { checkTrailingShape, received, readStats, TensorInput, toFloatTensor } from './checks';
import { discreteSample } from './exact-draws';
import { ParameterizedDistribution } from './parameterized-distribution';
import { LogitsOrProbs } from './parameters';

/**
 * A categorical distribution whose samples are one-hot float32 vectors of length K.
 *
 * Parameters: `logits` (any real numbers; only differences matter) or `probs` (on the
 * simplex), shape [...batchShape, K]; `eventShape` is [K]. The properties `logits` and
 * `probs` hold what was given (the other is undefined); `logitsParameter()` gives
 * logSoftmax of it and `probsParameter()` its softmax, each a new tensor to dispose.
 * `validateArgs: false` skips the value checks of the parameter and of `logProb`'s x.
 *
 * Samples are drawn on the host by inverse-CDF sampling, one uniform per variable
 * (see `exact-draws`), so they depend on the seed and the logits, not on the backend.
 * They are not differentiable; for gradients see `RelaxedOneHotCategorical` (whose
 * argmax is also an exact sample, by the Gumbel-max trick [1, 2]), or `logProb` for
 * the score-function estimator.
 *
 * References:
 * [1] Maddison, Mnih and Teh (2017), "The Concrete Distribution: A Continuous Relaxation
 *     of Discrete Random Variables", ICLR.
 * [2] Jang, Gu and Poole (2017), "Categorical Reparameterization with Gumbel-Softmax", ICLR.
 *
 * @example
 * const d = new OneHotCategorical({ logits: [1, 2, 0] });
 * const x = d.sample(1000, 42);   // [1000, 3], one 1 per row
 * const lp = d.logProb(x);        // [1000]
 * const p = d.probsParameter();   // [3], softmax([1, 2, 0])
 * tf.dispose([x, lp, p]);
 * d.dispose();
 */
export class OneHotCategorical extends ParameterizedDistribution {
  /** Number of categories K, the size of the last axis. */
  readonly eventSize: number;

  constructor(args: LogitsOrProbs) {
    super('OneHotCategorical', args, 'one-hot', false);
    this.eventSize = this.eventShape[0];
  }

  /** `n` one-hot samples, shape [n, ...batchShape, K], float32. */
  sample(n: number, seed: Seed): tf.Tensor {
    const { rng } = this.samplingSetup(n, seed);
    return tf.tidy(() => discreteSample('categorical', this.params.normalisedLogits(), n, rng));
  }

  /**
   * Log-probability of one-hot vectors `x`, shape [...sampleShape, ...batchShape, K]
   * → [...sampleShape, ...batchShape]. Throws if `x` is not one-hot (with `validateArgs`).
   */
  logProb(x: TensorInput): tf.Tensor {
    const fn = `${this.name}.logProb`;
    this.live(fn);
    return tf.tidy(() => {
      const { tensor } = toFloatTensor(fn, 'x', x);
      checkTrailingShape(fn, 'x', tensor, this.params.shape);
      if (this.validateArgs) checkOneHot(fn, x, tensor);
      const logits = tf.broadcastTo(this.params.normalisedLogits(), tensor.shape);
      // where(), not x·logits: a zero probability has logit −∞, and 0·(−∞) is NaN.
      return tf.sum(tf.where(tf.greater(tensor, 0.5), logits, tf.zerosLike(logits)), -1);
    });
  }

  /** Shannon entropy −Σ_k p_k log p_k in nats, shape batchShape. */
  entropy(): tf.Tensor {
    this.live(`${this.name}.entropy`);
    return tf.tidy(() => {
      const logits = this.params.normalisedLogits();
      const probs = tf.exp(logits);
      // Terms with p = 0 are 0; swapping their −∞ logit for 0 keeps value and gradient finite.
      const safe = tf.where(tf.greater(probs, 0), logits, tf.zerosLike(logits));
      return tf.neg(tf.sum(tf.mul(probs, safe), -1));
    });
  }
}

/** Every entry 0 or 1 and exactly one 1 along the last axis; one download of three numbers. */
function checkOneHot(fn: string, input: TensorInput, x: tf.Tensor): void {
  const stats = readStats(x, (t) => [
    // x(1 − x) is 0 exactly for 0 and 1 (and NaN, which `finite` catches).
    tf.max(tf.abs(tf.mul(t, tf.sub(1, t)))),
    tf.max(tf.abs(tf.sub(tf.sum(t, -1), 1))),
  ]);
  if (!stats.finite || stats.extra[0] !== 0 || stats.extra[1] !== 0) {
    fail(fn, 'x', 'one-hot along the last axis (entries 0 or 1, one 1 each)', received(input, x, stats));
  }
}
