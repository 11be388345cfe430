/**
 * Entropy and KL terms of a categorical q (the encoder of a discrete VAE), estimated
 * four ways, following seed 001 and the equation numbers it gives for [1] Maddison et al. 2017:
 *
 * | function                     | estimates                                   | value at logits l, π = softmax(l)             |
 * |------------------------------|---------------------------------------------|-----------------------------------------------|
 * | discreteMonteCarloEntropy    | H(q), Monte Carlo on discretised samples     | −(1/n) Σ_i Σ_k ST(z_i)_k log π_k               |
 * | maddison21Entropy (eq. 21)   | a relaxed H: discrete log-mass at relaxed z  | −(1/n) Σ_i Σ_k z_ik log π_k                    |
 * | maddison22Entropy (eq. 22)   | H(q) exactly                                 | −Σ_k π_k log π_k                               |
 * | concreteMonteCarloEntropy    | the differential entropy of Concrete(l, τ)   | −(1/n) Σ_i log p_τ(z_i)                        |
 *
 * with z_i ~ Concrete(l, τ) reparameterised (z = softmax((l + G)/τ)), so every function is
 * differentiable in the logits. The KL variants replace −log π_k by log π_k − log p_k
 * for a prior p (uniform by default), and the Concrete density by the density ratio.
 *
 * Shapes: logits [...batch, K] → one value per independent variable, [...batch]
 * (a scalar for logits [K]); sum the result over the variables of a joint q.
 */
import * as tf from '@tensorflow/tfjs';
import { RelaxedOneHotCategorical } from '../distributions';
import { concreteLogDensity } from '../distributions/relaxed-one-hot-categorical';
import { Seed, toRandom } from '../random';
import { checkPositive, checkPositiveInteger, fail } from '../validate';
import { straightThrough } from './straight-through';

function checkLogits(fn: string, logits: tf.Tensor): number {
  if (!(logits instanceof tf.Tensor) || logits.rank < 1 || logits.shape[logits.rank - 1] < 2) {
    fail(fn, 'logits', 'a tensor of shape [...batch, K] with K ≥ 2', logits);
  }
  return logits.shape[logits.rank - 1];
}

/** The prior's normalised log-probabilities: logSoftmax(priorLogits), or −log K (uniform). */
function priorLogProbs(fn: string, logits: tf.Tensor, priorLogits: tf.Tensor | undefined): tf.Tensor {
  const K = logits.shape[logits.rank - 1];
  if (priorLogits === undefined) return tf.fill([K], -Math.log(K));
  if (!(priorLogits instanceof tf.Tensor) || priorLogits.shape[priorLogits.rank - 1] !== K) {
    fail(fn, 'priorLogits', `a tensor whose last axis has K = ${K} entries (broadcasting against the logits)`, priorLogits);
  }
  return tf.logSoftmax(priorLogits);
}

/** Reparameterised Concrete samples [n, ...batch, K] and the sampler that drew them. */
function relaxedSamples(fn: string, logits: tf.Tensor, numSamples: number, seed: Seed, temperature: number) {
  checkPositiveInteger(fn, 'numSamples', numSamples);
  checkPositive(fn, 'temperature', temperature);
  const q = new RelaxedOneHotCategorical({ logits, temperature });
  return { q, z: q.sample(numSamples, toRandom(seed, fn)) };
}

/** (1/n) Σ_i Σ_k w_ik c_k: samples w [n, ...batch, K] against log-masses c [...batch, K] → [...batch]. */
function meanDot(w: tf.Tensor, c: tf.Tensor): tf.Tensor {
  return tf.mean(tf.sum(tf.mul(w, c), -1), 0);
}

/**
 * Eq. 22 of [1]: the analytic entropy of the categorical, H(q) = −Σ_k π_k log π_k.
 * Exact, with the exact gradient −π_j (log π_j + H).
 *
 * @example
 * maddison22Entropy(tf.log(tf.tensor1d([0.5, 0.25, 0.125, 0.125]))).print();  // 1.2130
 */
export function maddison22Entropy(logits: tf.Tensor): tf.Tensor {
  checkLogits('maddison22Entropy', logits);
  return tf.tidy(() => {
    const logPi = tf.logSoftmax(logits);
    return tf.neg(tf.sum(tf.mul(tf.exp(logPi), logPi), -1));
  });
}

/**
 * Eq. 22 of [1] for the KL term: KL(q‖p) = Σ_k π_k (log π_k − log p_k), analytic.
 * The prior p is given by `priorLogits` (broadcast against the logits), uniform if omitted.
 *
 * @example
 * categoricalKL(tf.tensor1d([2, 0, 0])).print();  // KL from the uniform prior
 */
export function categoricalKL(logits: tf.Tensor, priorLogits?: tf.Tensor): tf.Tensor {
  checkLogits('categoricalKL', logits);
  return tf.tidy(() => {
    const logPi = tf.logSoftmax(logits);
    return tf.sum(tf.mul(tf.exp(logPi), tf.sub(logPi, priorLogProbs('categoricalKL', logits, priorLogits))), -1);
  });
}

/**
 * The "right" Monte Carlo estimate of H(q): discretise relaxed samples, ẑ = ST(z) =
 * onehot(argmax z), and average −log q(ẑ) = −Σ_k ẑ_k log π_k. Since argmax z is an
 * exact draw of q ([1], the Gumbel-max trick), the value is unbiased for every τ,
 * with standard error sd(log q(y))/√n. The gradient is the straight-through one
 * (τ only changes the gradient).
 *
 * @example
 * discreteMonteCarloEntropy(logits, 10_000, 0, 1).print();  // ≈ 1.213 for π = [.5, .25, .125, .125]
 */
export function discreteMonteCarloEntropy(logits: tf.Tensor, numSamples: number, seed: Seed, temperature: number): tf.Tensor {
  return tf.tidy(() => tf.neg(meanCategoricalLogRatio('discreteMonteCarloEntropy', logits, numSamples, seed, temperature, null, true)));
}

/** Monte Carlo KL(q‖p) on discretised samples: (1/n) Σ_i Σ_k ST(z_i)_k (log π_k − log p_k); unbiased. */
export function discreteMonteCarloKL(
  logits: tf.Tensor, numSamples: number, seed: Seed, temperature: number, priorLogits?: tf.Tensor,
): tf.Tensor {
  return meanCategoricalLogRatio('discreteMonteCarloKL', logits, numSamples, seed, temperature, priorLogits, true);
}

/**
 * Eq. 21 of [1], as seed 001 reads it: the discrete log-mass evaluated at relaxed
 * samples, −(1/n) Σ_i Σ_k z_ik log π_k. Its mean is −Σ_k E[z_k] log π_k, and E[z] is
 * flatter than π at high τ, so it overestimates H(q) there (seed 001: 1.53 at τ = 10,
 * 1.32 at τ = 1, for H = 1.213); it tends to H(q) as τ → 0, where E[z] → π.
 *
 * @example
 * maddison21Entropy(logits, 10_000, 0, 10).print();  // ≈ 1.53, above H = 1.213
 */
export function maddison21Entropy(logits: tf.Tensor, numSamples: number, seed: Seed, temperature: number): tf.Tensor {
  return tf.tidy(() => tf.neg(meanCategoricalLogRatio('maddison21Entropy', logits, numSamples, seed, temperature, null, false)));
}

/** Eq. 21 of [1] for the KL term: (1/n) Σ_i Σ_k z_ik (log π_k − log p_k) at relaxed samples. */
export function maddison21KL(
  logits: tf.Tensor, numSamples: number, seed: Seed, temperature: number, priorLogits?: tf.Tensor,
): tf.Tensor {
  return meanCategoricalLogRatio('maddison21KL', logits, numSamples, seed, temperature, priorLogits, false);
}

/**
 * Both sample-based categorical estimates in one place: the mean over relaxed samples
 * of Σ_k w_k (log π_k − log p_k), where w is the relaxed sample z itself (eq. 21) or
 * its discretisation ST(z) (discrete Monte Carlo). With `priorLogits` null the log p
 * term is dropped, which gives −H instead of the KL.
 */
function meanCategoricalLogRatio(
  fn: string, logits: tf.Tensor, numSamples: number, seed: Seed, temperature: number,
  priorLogits: tf.Tensor | undefined | null, discretise: boolean,
): tf.Tensor {
  checkLogits(fn, logits);
  return tf.tidy(() => {
    const { z } = relaxedSamples(fn, logits, numSamples, seed, temperature);
    const logPi = tf.logSoftmax(logits);
    const weights = priorLogits === null ? logPi : tf.sub(logPi, priorLogProbs(fn, logits, priorLogits));
    return meanDot(discretise ? straightThrough(z) : z, weights);
  });
}

/**
 * The entropy of the continuous relaxation itself: −(1/n) Σ_i log p_τ(z_i), with p_τ
 * the Concrete density of [1]. A differential entropy: it can be negative and
 * goes to −∞ as τ → 0, so it does not approach H(q) (seed 001: "way off"). Below
 * about τ = 0.2 (for K = 4) small coordinates of z underflow in float32; the sampler
 * clamps them to 2^−126, so the value stays finite but is no longer accurate.
 *
 * @example
 * concreteMonteCarloEntropy(logits, 10_000, 0, 1).print();  // ≈ −2.7
 */
export function concreteMonteCarloEntropy(logits: tf.Tensor, numSamples: number, seed: Seed, temperature: number): tf.Tensor {
  const fn = 'concreteMonteCarloEntropy';
  checkLogits(fn, logits);
  return tf.tidy(() => {
    const { q, z } = relaxedSamples(fn, logits, numSamples, seed, temperature);
    // z comes from q's own sampler, so it lies on the open simplex: no need for logProb's check.
    return tf.neg(tf.mean(concreteLogDensity(q.logits, z, temperature), 0));
  });
}

/**
 * Monte Carlo KL between Concrete densities, (1/n) Σ_i [log q_τ(z_i) − log p_τ(z_i)],
 * with the prior relaxed at the same τ (the fully relaxed ELBO of [1]). With both at
 * the same τ the τ terms cancel sample by sample, so the value does not depend on τ.
 * The prior's logits default to uniform.
 */
export function concreteMonteCarloKL(
  logits: tf.Tensor, numSamples: number, seed: Seed, temperature: number, priorLogits?: tf.Tensor,
): tf.Tensor {
  const fn = 'concreteMonteCarloKL';
  const K = checkLogits(fn, logits);
  return tf.tidy(() => {
    const { q, z } = relaxedSamples(fn, logits, numSamples, seed, temperature);
    const prior = priorLogits ?? tf.zeros([K]);
    priorLogProbs(fn, logits, prior); // shape check
    const p = new RelaxedOneHotCategorical({ logits: prior, temperature });
    return tf.mean(tf.sub(q.logProb(z), p.logProb(z)), 0);
  });
}
