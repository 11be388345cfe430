/**
 * The training objective of the categorical VAE for one batch: the negative ELBO
 * −E_q[log p(x|z)] + KL(q(z|x) ‖ p(z)), with a chosen gradient estimator for the
 * reconstruction term and a chosen treatment of the KL term.
 *
 * The relaxed variants draw Gumbel noise G [S, b, N, K] for the relaxed sample
 * y = softmax((log π + G)/τ), whose rounding ẑ = onehot(argmax y) is an exact sample of
 * q (the rounding property of [1]). REINFORCE needs exact samples only, and draws
 * them directly (`OneHotCategorical`'s inverse-CDF draws): one uniform per latent.
 *
 * Reconstruction term, by `estimator`:
 * - 'gumbel-softmax':    log p(x | y), differentiated through y ([1], [2]);
 * - 'st-gumbel-softmax': log p(x | ST(y)): ẑ forward, y's gradient backward ([2] §2.2);
 * - 'reinforce':         log p(x | ẑ); the decoder gets its ordinary gradient, the
 *                        encoder the score-function estimate with a baseline.
 *
 * KL term, by `kl`, one of the KL variants of `estimateKL` (uniform prior p = 1/K):
 * - 'analytic':             Σ_n Σ_k π_nk (log π_nk + log K), eq. 22 of [1] (`categoricalKL`);
 * - 'relaxed-log-mass':     Σ_n Σ_k y_nk (log π_nk + log K), the categorical log-mass at
 *                           relaxed y, eq. 21 of [1] (`relaxedLogMassKL`);
 * - 'concrete-monte-carlo': Σ_n [log q_τ(y_n) − log p_λ(y_n)], Concrete densities of q
 *                           (temperature τ) and of the prior (uniform logits, temperature
 *                           λ = `priorTemperature`) (`concreteMonteCarloKL`).
 *
 * References: [1] Maddison, Mnih & Teh 2017, "The Concrete distribution";
 * [2] Jang, Gu & Poole 2017, "Categorical reparameterization with Gumbel-Softmax".
 */
import * as tf from '@tensorflow/tfjs';
import { discreteSample } from '../../distributions/exact-draws';
import { RelaxedOneHotCategorical } from '../../distributions';
import { centredLosses, MovingAverageBaseline } from '../../estimators/baselines';
import { EntropyVariant } from '../../estimators/entropy';
import { analyticLogRatio } from '../../estimators/entropy/analytic';
import { concreteLogRatio } from '../../estimators/entropy/concrete-monte-carlo';
import { categoricalLogRatio } from '../../estimators/entropy/problem';
import { stopGradient, straightThrough } from '../../estimators/straight-through';
import { Random } from '../../random';
import { checkPositive, checkPositiveInteger, fail } from '../../validate';
import { CategoricalVae } from './categorical-vae';

/** The gradient estimators the VAE trains with. */
export const VAE_ESTIMATORS = ['st-gumbel-softmax', 'gumbel-softmax', 'reinforce'] as const;
export type VaeEstimator = (typeof VAE_ESTIMATORS)[number];

/** The KL variants the VAE trains with: every one of `estimateKL` that is read at the relaxed samples it shares, or exact. */
export type VaeKlTerm = Exclude<EntropyVariant, 'discrete-monte-carlo'>;
export const VAE_KL_TERMS: readonly VaeKlTerm[] = Object.freeze(['analytic', 'relaxed-log-mass', 'concrete-monte-carlo'] as VaeKlTerm[]);

/** Options of `vaeObjective`. */
export interface VaeObjectiveOptions {
  estimator: VaeEstimator;
  kl: VaeKlTerm;
  /** τ of the relaxed samples (finite, > 0); unused only by REINFORCE with 'analytic'. */
  temperature: number;
  /** λ of the relaxed prior, for kl 'concrete-monte-carlo'; default τ. */
  priorTemperature?: number;
  /** S, samples per datum; REINFORCE's leave-one-out baseline needs S ≥ 2. */
  numSamples: number;
  /** REINFORCE only: 'leave-one-out' over the S samples of each datum, or a moving average. */
  baseline?: 'leave-one-out' | MovingAverageBaseline;
  /** The generator the noise is drawn from (advances). */
  rng: Random;
}

/** Checks the options; returns them with defaults filled in. */
export function checkObjectiveOptions(fn: string, o: VaeObjectiveOptions): Required<VaeObjectiveOptions> {
  if (o === null || typeof o !== 'object') fail(fn, 'options', 'an object', o);
  if (!(VAE_ESTIMATORS as readonly string[]).includes(o.estimator)) fail(fn, 'estimator', `one of ${VAE_ESTIMATORS.join(', ')}`, o.estimator);
  if (!(VAE_KL_TERMS as readonly string[]).includes(o.kl)) fail(fn, 'kl', `one of ${VAE_KL_TERMS.join(', ')}`, o.kl);
  checkPositive(fn, 'temperature', o.temperature);
  const priorTemperature = checkPositive(fn, 'priorTemperature', o.priorTemperature ?? o.temperature);
  const numSamples = checkPositiveInteger(fn, 'numSamples', o.numSamples);
  const baseline = o.baseline ?? 'leave-one-out';
  if (baseline !== 'leave-one-out' && !(baseline instanceof MovingAverageBaseline)) {
    fail(fn, 'baseline', "'leave-one-out' or a MovingAverageBaseline", baseline);
  }
  if (o.estimator === 'reinforce' && baseline === 'leave-one-out' && numSamples < 2) {
    fail(fn, 'numSamples', "at least 2 for REINFORCE with the 'leave-one-out' baseline", numSamples);
  }
  if (!(o.rng instanceof Random)) fail(fn, 'rng', 'a Random', o.rng);
  return { ...o, priorTemperature, numSamples, baseline };
}

/**
 * The surrogate loss of one batch: its value is the training objective (a negative
 * ELBO estimate in nats per datum, relaxed for 'gumbel-softmax', 'relaxed-log-mass' and
 * 'concrete-monte-carlo'), and its gradient is the chosen estimator's. Call it inside
 * `optimizer.minimize` or `tf.variableGrads`.
 *
 * Shapes: x [b, D] binary → a scalar.
 *
 * @example
 * const rng = new Random(0);
 * optimizer.minimize(() => vaeObjective(vae, x, { estimator: 'st-gumbel-softmax', kl: 'analytic',
 *   temperature: 1, numSamples: 1, rng }), true, vae.variables());
 */
export function vaeObjective(model: CategoricalVae, x: tf.Tensor2D, options: VaeObjectiveOptions): tf.Scalar {
  const o = checkObjectiveOptions('vaeObjective', options);
  const S = o.numSamples, [b] = x.shape, { numLatents: N, numCategories: K } = model;
  return tf.tidy(() => {
    const logits = model.encode(x);
    const logPi = tf.logSoftmax(logits); // [b, N, K]
    const needsRelaxed = o.estimator !== 'reinforce' || o.kl !== 'analytic';
    // Relaxed samples y [S, b, N, K], kept at or above 2^−126 by the sampler: at low τ a
    // coordinate can underflow to 0, whose log (in 'concrete-monte-carlo') is −∞. The
    // options were checked above, so the distribution skips its value checks.
    const y = needsRelaxed ? new RelaxedOneHotCategorical({ logits: logPi, temperature: o.temperature, validateArgs: false }).sample(S, o.rng) : null;
    // REINFORCE needs exact draws only: one uniform per latent, not K Gumbels.
    const z = o.estimator === 'gumbel-softmax' ? y! : o.estimator === 'st-gumbel-softmax' ? straightThrough(y!) : discreteSample('categorical', logits, S, o.rng);
    // log p(x | z_s) for every sample: [S, b].
    const xs = tf.tile(x, [S, 1]);
    const recon = tf.reshape(model.logLikelihood(xs, model.decode(tf.reshape(z, [S * b, N * K]))), [S, b]);
    const losses = tf.neg(recon); // f_s = −log p(x | z_s)
    let objective = tf.add(tf.mean(losses), tf.mean(vaeKlTerm(logits, y, o)));
    if (o.estimator === 'reinforce') {
      // Σ_n log q(ẑ_n | x) [S, b]: the score's integrand; the weights carry no gradient.
      const logQ = tf.sum(tf.mul(z, logPi), [2, 3]);
      const weights = stopGradient(centredLosses(losses, o.baseline)); // per datum, over its S samples
      const score = tf.mean(tf.mul(weights, logQ));
      // score − stop(score) is 0 in value and has the score-function gradient, so the
      // surrogate's value stays the objective while its gradient gains the encoder term.
      objective = tf.add(objective, tf.sub(score, stopGradient(score)));
      // The moving average moves after its use, so a step never baselines with its own losses.
      if (o.baseline instanceof MovingAverageBaseline) o.baseline.update(tf.mean(losses).dataSync()[0]);
    }
    return objective as tf.Scalar;
  });
}

/**
 * The KL term per datum, summed over the N latents, from the uniform prior: logits
 * [b, N, K] → [b] for 'analytic'; with relaxed samples y [S, b, N, K] → [S, b] for
 * 'relaxed-log-mass' and 'concrete-monte-carlo'. It reads the KL at the very samples
 * the reconstruction term uses, which is why it does not call `relaxedLogMassKL` /
 * `concreteMonteCarloKL` (they draw their own); it shares their formulas, and a test
 * checks it against them at the same noise.
 *
 * @example
 * const kl = vaeKlTerm(vae.encode(x), null, { kl: 'analytic', temperature: 1 });  // [b]
 */
export function vaeKlTerm(
  logits: tf.Tensor, y: tf.Tensor | null, o: { kl: VaeKlTerm; temperature: number; priorTemperature?: number },
): tf.Tensor {
  const K = logits.shape[logits.rank - 1];
  if (o.kl !== 'analytic' && !(y instanceof tf.Tensor)) fail('vaeKlTerm', 'y', `relaxed samples [S, ...logits shape] for kl '${o.kl}'`, y);
  return tf.tidy(() => {
    const logPrior = tf.fill([K], -Math.log(K)); // the uniform prior
    if (o.kl === 'analytic') return tf.sum(analyticLogRatio(logits, logPrior), -1);
    const logPi = tf.logSoftmax(logits);
    if (o.kl === 'relaxed-log-mass') return tf.sum(tf.mul(y!, categoricalLogRatio(logPi, logPrior)), [-2, -1]);
    return tf.sum(concreteLogRatio(logPi, logPrior, y!, o.temperature, o.priorTemperature ?? o.temperature), -1);
  });
}
