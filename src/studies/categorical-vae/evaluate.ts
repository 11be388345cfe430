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
import { checkBudget, checkOptionsObject, checkPositiveInteger, fail, orDefault } from '../../validate';
import { CategoricalVae, checkVae } from './categorical-vae';
import { checkDigitSet } from './checks';

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
   * The same bounds digit by digit, in the order of the digits: for paired comparisons
   * of two models on the same digits (`compareBounds`).
   */
  perDigit: { negElbo: Float64Array; negIwae: Float64Array };
}

/** Options of `evaluateVae` (an unknown key is refused, so a misspelt option cannot pass unnoticed). */
export interface EvaluateOptions {
  /** S ≥ 1 one-hot samples per digit (the IWAE's k); default 100. S × batchSize × 784 ≤ 2^28. */
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
 * const digits = { images: new Float32Array(4 * 784).map((_, i) => (i % 7 === 0 ? 1 : 0)), labels: new Int32Array(4), count: 4 };
 * const vae = new CategoricalVae({ numLatents: 2, numCategories: 3, hidden: [8], seed: 0 });
 * const { negElbo, negIwae } = evaluateVae(vae, digits, { numSamples: 10, seed: 0 });
 * console.log(negElbo, negIwae);   // nats per digit; −IWAE ≤ −ELBO on average
 * vae.dispose();
 */
export function evaluateVae(model: CategoricalVae, digits: Digits, options: EvaluateOptions): VaeEvaluation {
  const fn = 'evaluateVae';
  checkVae(fn, model);
  checkDigitSet(fn, 'digits', digits);
  checkOptionsObject(fn, 'options', options, ['numSamples', 'seed', 'batchSize', 'count']);
  const S = checkPositiveInteger(fn, 'numSamples', orDefault(options.numSamples, 100));
  const batchSize = checkPositiveInteger(fn, 'batchSize', orDefault(options.batchSize, 50));
  const count = checkPositiveInteger(fn, 'count', orDefault(options.count, digits.count));
  if (count > digits.count) fail(fn, 'count', `at most the ${digits.count} digits given`, count);
  if (model.numPixels !== PIXELS) fail(fn, 'model.numPixels', `${PIXELS} for MNIST digits`, model.numPixels);
  // One forward pass holds S copies of a batch of pixels, and S samples of its latents.
  const perPass = S * Math.min(batchSize, count) * Math.max(PIXELS, model.numLatents * model.numCategories);
  checkBudget(fn, 'numSamples × batchSize × pixels', perPass);
  const rng = toRandom(options.seed, fn);
  const perDigit = { negElbo: new Float64Array(count), negIwae: new Float64Array(count) };
  let reconTotal = 0, klTotal = 0;
  for (let start = 0; start < count; start += batchSize) {
    const B = Math.min(batchSize, count - start);
    const values = tf.tidy(() => {
      const x = tf.tensor2d(digits.images.subarray(start * PIXELS, (start + B) * PIXELS), [B, PIXELS]);
      const logits = model.encode(x);
      const q = new OneHotCategorical({ logits });
      const z = q.sample(S, rng); // [S, B, N, K], exact draws (inverse CDF, on the host)
      const logQ = tf.sum(q.logProb(z), -1); // [S, B]
      const recon = tf.reshape(model.logLikelihood(tf.tile(x, [S, 1]), model.decode(tf.reshape(z, [S * B, -1]))), [S, B]);
      const logW = tf.sub(tf.add(recon, model.priorLogProb), logQ);
      const iwae = tf.sub(tf.logSumExp(logW, 0), Math.log(S)); // [B]
      const kl = tf.sum(categoricalKL(logits), -1); // [B]
      return tf.concat([iwae, tf.mean(recon, 0), kl]).dataSync();
    });
    for (let i = 0; i < B; i++) {
      const [iwae, recon, kl] = [values[i], values[B + i], values[2 * B + i]];
      perDigit.negIwae[start + i] = -iwae;
      perDigit.negElbo[start + i] = kl - recon;
      reconTotal += recon;
      klTotal += kl;
    }
  }
  const reconstruction = -reconTotal / count, kl = klTotal / count;
  const negIwae = perDigit.negIwae.reduce((a, v) => a + v, 0) / count;
  return { negElbo: reconstruction + kl, negIwae, reconstruction, kl, numSamples: S, count, perDigit };
}
