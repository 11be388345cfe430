/**
 * Held-out evaluation of a categorical VAE with the true discrete model: whatever
 * relaxation trained it, the latents fed to the decoder here are exact one-hot
 * samples of q(z | x) = OneHotCategorical(encoder logits).
 */
import * as tf from '@tensorflow/tfjs';
import { Digits, PIXELS } from '../../data/mnist';
import { OneHotCategorical } from '../../distributions';
import { categoricalKL } from '../../estimators/entropy';
import { Seed, toRandom } from '../../random';
import { checkPositiveInteger, fail } from '../../validate';
import { CategoricalVae } from './categorical-vae';

/** Bounds in nats per digit, as positive numbers (lower is better), as in [2] Table 1. */
export interface VaeEvaluation {
  /** −ELBO = −E_q[log p(x|z)] + KL(q ‖ p), the reconstruction term from one-hot samples, the KL exact. */
  negElbo: number;
  /** −log (1/S) Σ_s p(x, z_s)/q(z_s | x), the importance-weighted bound of Burda et al. 2016 with q as proposal. */
  negIwae: number;
  /** The reconstruction term −E_q[log p(x|z)] alone. */
  reconstruction: number;
  /** The KL term alone (exact for the discrete q and the uniform prior). */
  kl: number;
  /** S, the samples per digit. */
  numSamples: number;
  /** Digits evaluated. */
  count: number;
  /**
   * The largest distance from one-hot of any latent the decoder received:
   * max |z(1 − z)| + max |Σ_k z_k − 1| over all of them. 0 means every one was exactly one-hot.
   */
  oneHotError: number;
}

/** Options of `evaluateVae`. */
export interface EvaluateOptions {
  /** S ≥ 1 one-hot samples per digit (the IWAE's k); default 100. */
  numSamples?: number;
  seed: Seed;
  /** Digits per forward pass; default 50. Only memory depends on it. */
  batchSize?: number;
  /** Evaluate only the first `count` digits; default all. */
  count?: number;
}

/**
 * Evaluates −ELBO and the importance-weighted bound −IWAE on binary digits. With
 * log w_s = log p(x | z_s) + log p(z_s) − log q(z_s | x) and z_s ~ q exactly,
 *
 *   −IWAE = −log (1/S) Σ_s exp(log w_s) ≤ −ELBO on average, and both ≥ −log p(x).
 *
 * @example
 * const { negElbo, negIwae } = evaluateVae(vae, test, { numSamples: 100, seed: 0 });
 */
export function evaluateVae(model: CategoricalVae, digits: Digits, options: EvaluateOptions): VaeEvaluation {
  const fn = 'evaluateVae';
  if (!(model instanceof CategoricalVae)) fail(fn, 'model', 'a CategoricalVae', model);
  if (digits === null || typeof digits !== 'object' || !(digits.images instanceof Float32Array)) fail(fn, 'digits', 'a Digits set {images, labels, count}', digits);
  if (options === null || typeof options !== 'object') fail(fn, 'options', 'an object {numSamples, seed, batchSize, count}', options);
  const S = checkPositiveInteger(fn, 'numSamples', options.numSamples ?? 100);
  const batchSize = checkPositiveInteger(fn, 'batchSize', options.batchSize ?? 50);
  const count = checkPositiveInteger(fn, 'count', options.count ?? digits.count);
  if (count > digits.count) fail(fn, 'count', `at most the ${digits.count} digits given`, count);
  if (model.numPixels !== PIXELS) fail(fn, 'model.numPixels', `${PIXELS} for MNIST digits`, model.numPixels);
  const rng = toRandom(options.seed, fn);
  const totals = { iwae: 0, recon: 0, kl: 0 };
  let oneHotError = 0;
  for (let start = 0; start < count; start += batchSize) {
    const B = Math.min(batchSize, count - start);
    const values = tf.tidy(() => {
      const x = tf.tensor2d(digits.images.subarray(start * PIXELS, (start + B) * PIXELS), [B, PIXELS]);
      const logits = model.encode(x);
      const q = new OneHotCategorical({ logits });
      const z = q.sample(S, rng); // [S, B, N, K], exact draws (inverse CDF, on the host)
      const logQ = tf.sum(q.logProb(z), -1); // [S, B]; logProb throws unless z is one-hot
      const recon = tf.reshape(model.logLikelihood(tf.tile(x, [S, 1]), model.decode(tf.reshape(z, [S * B, -1]))), [S, B]);
      const logW = tf.sub(tf.add(recon, model.priorLogProb), logQ);
      const iwae = tf.sub(tf.logSumExp(logW, 0), Math.log(S)); // [B]
      const kl = tf.sum(categoricalKL(logits), -1); // [B]
      const error = tf.add(tf.max(tf.abs(tf.mul(z, tf.sub(1, z)))), tf.max(tf.abs(tf.sub(tf.sum(z, -1), 1))));
      return tf.stack([tf.sum(iwae), tf.sum(tf.mean(recon, 0)), tf.sum(kl), error]).dataSync();
    });
    totals.iwae += values[0];
    totals.recon += values[1];
    totals.kl += values[2];
    oneHotError = Math.max(oneHotError, values[3]);
  }
  const reconstruction = -totals.recon / count, kl = totals.kl / count;
  return { negElbo: reconstruction + kl, negIwae: -totals.iwae / count, reconstruction, kl, numSamples: S, count, oneHotError };
}
