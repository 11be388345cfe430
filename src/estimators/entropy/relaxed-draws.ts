/**
 * What the Monte Carlo variants share: reparameterised Concrete draws of q (or the
 * Gumbel noise behind them), and the mean of the log-ratio at sample points.
 */
import * as tf from '@tensorflow/tfjs';
import { logSoftmax } from '../../kernels/log-softmax';
import { RelaxedOneHotCategorical } from '../../distributions';
import { gumbelNoise } from '../../distributions/noise';
import { toRandom } from '../../random';
import { checkBudget } from '../../validate';
import { checkSampling, checkTemperature, RelaxedOptions } from '../options';
import { categoricalLogRatio, CheckedTermProblem } from './problem';

/**
 * n draws z = softmax((l + G)/τ) of Concrete(logits, τ) after checking the options:
 * [n, ...batch, K] on the open simplex, differentiable in the logits.
 */
export function relaxedDraws(problem: CheckedTermProblem, options: RelaxedOptions): tf.Tensor {
  const { fn, logits } = problem;
  const n = checkSampling(fn, options);
  const temperature = checkTemperature(fn, options);
  const rng = toRandom(options.seed, fn);
  // The logits were checked once already (withTermProblem), so the distribution skips its value checks.
  const q = new RelaxedOneHotCategorical({ logits, temperature, validateArgs: false });
  try {
    return q.sample(n, rng);
  } finally {
    q.dispose();
  }
}

/**
 * The Gumbel noise G [n, ...batch, K] behind `relaxedDraws`, after the same checks and
 * from the same stream: `relaxedSoftmax(logits, G, τ)` gives its draws, bit for bit.
 * For estimates that fuse the sampler with what follows it.
 */
export function relaxedNoise(problem: CheckedTermProblem, options: RelaxedOptions): tf.Tensor {
  const { fn, logits } = problem;
  const n = checkSampling(fn, options);
  checkTemperature(fn, options);
  const rng = toRandom(options.seed, fn);
  // The draws (and the samples made from them) are n × (size of the logits) entries each.
  checkBudget(fn, 'numSamples × logits size', n * logits.size);
  return gumbelNoise(rng, [n, ...logits.shape]);
}

/**
 * (1/n) Σ_i Σ_k w_ik c_k with c the log-ratio of the problem (log π − log p, or log π):
 * points w [n, ...batch, K] → [...batch].
 */
export function meanLogRatioAt(points: tf.Tensor, problem: CheckedTermProblem): tf.Tensor {
  return tf.tidy(() => {
    const c = categoricalLogRatio(logSoftmax(problem.logits), problem.logPrior);
    return tf.mean(tf.sum(tf.mul(points, c), -1), 0);
  });
}
