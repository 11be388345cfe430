/**
 * The reference a latent code must beat: independent Bernoulli pixels, each with its
 * frequency in the training digits. A VAE can represent this model exactly (a decoder
 * that ignores z, and q(z | x) equal to the prior, so KL = 0), so its −ELBO is what an
 * encoder whose code carries no information about the digit reaches at best. A trained
 * model near this number has collapsed its code.
 */
import { Digits, PIXELS } from '../../data/mnist';
import { checkDigitSet } from './checks';

/** The held-out negative log-likelihood of the independent-pixel model, in nats per digit. */
export interface PixelBaseline {
  negLogLikelihood: number;
  /** Digit by digit, for paired comparisons with a model's `perDigit` bounds. */
  perDigit: Float64Array;
}

/**
 * Fits p_d = (c_d + 1)/(n + 2) on binary training digits (c_d of n digits have pixel d on)
 * and scores held-out digits: −Σ_d [x_d log p_d + (1 − x_d) log(1 − p_d)]. The added 1 and
 * 2 (Laplace's rule) keep every p_d strictly inside (0, 1): a corner pixel that is never
 * on in training would otherwise cost infinitely many nats the first time a test digit
 * has it on.
 *
 * @example
 * const digits = { images: new Float32Array(4 * 784).map((_, i) => (i % 7 === 0 ? 1 : 0)), labels: new Int32Array(4), count: 4 };
 * const { negLogLikelihood } = independentPixelBaseline(digits, digits);   // nats per digit
 */
export function independentPixelBaseline(train: Digits, test: Digits): PixelBaseline {
  const fn = 'independentPixelBaseline';
  checkDigitSet(fn, 'train', train, true);
  checkDigitSet(fn, 'test', test, true);
  const on = new Float64Array(PIXELS);
  for (let i = 0; i < train.images.length; i++) on[i % PIXELS] += train.images[i];
  const logOn = on.map((c) => Math.log((c + 1) / (train.count + 2)));
  const logOff = on.map((c) => Math.log((train.count - c + 1) / (train.count + 2)));
  const perDigit = new Float64Array(test.count);
  for (let j = 0; j < test.count; j++) {
    let logLik = 0;
    for (let d = 0; d < PIXELS; d++) logLik += test.images[j * PIXELS + d] === 1 ? logOn[d] : logOff[d];
    perDigit[j] = -logLik;
  }
  return { negLogLikelihood: perDigit.reduce((a, v) => a + v, 0) / test.count, perDigit };
}
