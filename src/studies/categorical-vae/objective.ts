/**
 * The training objective of the categorical VAE for one batch: the negative ELBO
 * −E_q[log p(x|z)] + KL(q(z|x) ‖ p(z)), with a chosen gradient estimator for the
 * reconstruction term and a chosen treatment of the KL term; or, for 'vimco', the
 * negative S-sample importance-weighted bound.
 *
 * The relaxed variants draw Gumbel noise G [S, b, N, K] for the relaxed sample
 * y = softmax((log π + G)/τ), whose rounding ẑ = onehot(argmax y) is an exact sample of
 * q (the rounding property of [1]). The other estimators need exact samples only, and
 * draw them directly (`OneHotCategorical`'s inverse-CDF draws): one uniform per latent.
 *
 * Reconstruction term, by `estimator` (see `VAE_ESTIMATORS`):
 * - 'gumbel-softmax':    log p(x | y), differentiated through y ([1], [2]);
 * - 'st-gumbel-softmax': log p(x | ST(y)): ẑ forward, y's gradient backward ([2] §2.2);
 * - 'straight-through', 'reinmax', 'gumbel-rao': log p(x | ẑ), ẑ forward, a stand-in
 *                        Jacobian backward (`straight-through-codes.ts`);
 * - 'reinforce':         log p(x | ẑ); the decoder gets its ordinary gradient, the
 *                        encoder the score-function estimate with a baseline;
 * - 'vimco':             the bound log (1/S) Σ_s w_s of `vimco.ts` replaces ELBO and KL.
 *
 * KL term, by `kl`, one of the KL variants of `estimateKL` (uniform prior p = 1/K):
 * - 'analytic':             Σ_n Σ_k π_nk (log π_nk + log K), eq. 22 of [1] (`categoricalKL`);
 * - 'relaxed-log-mass':     Σ_n Σ_k y_nk (log π_nk + log K), the categorical log-mass at
 *                           relaxed y, eq. 21 of [1] (`relaxedLogMassKL`);
 * - 'concrete-monte-carlo': Σ_n [log q_τ(y_n) − log p_λ(y_n)], Concrete densities of q
 *                           (temperature τ) and of the prior (uniform logits, temperature
 *                           λ = `priorTemperature`) (`concreteMonteCarloKL`).
 * An estimator that uses exact samples draws its relaxed y for a relaxed KL term only.
 *
 * References: [1] Maddison, Mnih & Teh 2017, "The Concrete distribution";
 * [2] Jang, Gu & Poole 2017, "Categorical reparameterization with Gumbel-Softmax".
 */
import * as tf from '@tensorflow/tfjs';
import { logSoftmax } from '../../kernels/log-softmax';
import { discreteSample } from '../../distributions/exact-draws';
import { RelaxedOneHotCategorical } from '../../distributions';
import { centredLosses, MovingAverageBaseline } from '../../estimators/baselines';
import { analyticLogRatio } from '../../estimators/entropy/analytic';
import { concreteLogRatio } from '../../estimators/entropy/concrete-monte-carlo';
import { categoricalLogRatio } from '../../estimators/entropy/problem';
import { MAX_CONDITIONAL_NOISE } from '../../estimators/gumbel-rao';
import { stopGradient, straightThrough } from '../../estimators/straight-through';
import { checkBudget, checkPositive, fail } from '../../validate';
import { meanAnalyticKL } from './analytic-kl-mean';
import { CategoricalVae, checkVae } from './categorical-vae';
import { dataLogLikelihood, meanNegativeLogLikelihood } from './data-likelihood';
import { checkTensor, checkTensorValues } from './checks';
import { checkObjectiveOptions, VAE_KL_TERMS, VaeKlTerm, VaeObjectiveOptions } from './objective-options';
import { gumbelRaoCodes, reinmaxCodes, straightThroughCodes } from './straight-through-codes';
import { vimcoSurrogate } from './vimco';

/**
 * The surrogate loss of one batch: its value is the training objective (a negative
 * ELBO estimate in nats per datum, relaxed for 'gumbel-softmax', 'relaxed-log-mass' and
 * 'concrete-monte-carlo'; the negative S-sample bound for 'vimco'), and its gradient is
 * the chosen estimator's. Call it inside `tf.variableGrads` or `optimizer.minimize`.
 *
 * Shapes: x [b, D] binary → a scalar. Cost: S decoder passes per datum; 'gumbel-rao'
 * adds m·S·b·N·K conditional Gumbel draws (at most 2^24) to the backward pass.
 *
 * @example
 * const vae = new CategoricalVae({ numLatents: 2, numCategories: 3, hidden: [8], seed: 0 });
 * const x = tf.zeros([4, 784]) as tf.Tensor2D;
 * const rng = new Random(0);
 * const { value, grads } = tf.variableGrads(() => vaeObjective(vae, x, { estimator: 'reinmax', kl: 'analytic',
 *   temperature: 1, numSamples: 1, rng }), vae.variables());
 * value.print();   // the −ELBO estimate of the batch, in nats per digit
 * tf.dispose([x, value, ...Object.values(grads)]);
 * vae.dispose();
 */
export function vaeObjective(model: CategoricalVae, x: tf.Tensor2D, options: VaeObjectiveOptions): tf.Scalar {
  const fn = 'vaeObjective';
  const o = checkObjectiveOptions(fn, options);
  checkVae(fn, model);
  checkTensor(fn, 'x', x, ['b', model.numPixels]);
  const S = o.numSamples, [b] = x.shape, { numLatents: N, numCategories: K } = model;
  checkObjectiveSizes(fn, model, b, o);
  return tf.tidy(() => {
    const logits = model.encode(x);
    const logPi = logSoftmax(logits); // [b, N, K]
    const relaxedCodes = o.estimator === 'gumbel-softmax' || o.estimator === 'st-gumbel-softmax';
    // Relaxed samples y [S, b, N, K], kept at or above 2^−126 by the sampler: at low τ a
    // coordinate can underflow to 0, whose log (in 'concrete-monte-carlo') is −∞. The
    // options were checked above, so the distribution skips its value checks.
    const y = relaxedCodes || o.kl !== 'analytic'
      ? new RelaxedOneHotCategorical({ logits: logPi, temperature: o.temperature, validateArgs: false }).sample(S, o.rng) : null;
    const z = relaxedCodes ? (o.estimator === 'gumbel-softmax' ? y! : straightThrough(y!)) : exactCodes(logits, o);
    // The decoder's pixel logits for every sample, [S·b, D]. (A tile of one copy would be a kernel for nothing.)
    const xs = S === 1 ? x : tf.tile(x, [S, 1]);
    const pixelLogits = model.decode(tf.reshape(z, [S * b, N * K]));
    // The analytic KL reads the log π above instead of recomputing it (the same values and gradient).
    const klMean = () => (o.kl === 'analytic' ? meanAnalyticKL(logits, logPi) : tf.mean(klTerm(logits, y, o.kl, o.temperature, o.priorTemperature)));
    if (o.estimator !== 'vimco' && o.estimator !== 'reinforce') {
      // mean −log p(x | z_s) + KL; addN, not add: the same sum, and its gradient passes dy on without add's two reshapes.
      return tf.addN([meanNegativeLogLikelihood(xs, pixelLogits), klMean()]) as tf.Scalar;
    }
    const recon = tf.reshape(dataLogLikelihood(xs, pixelLogits), [S, b]); // log p(x | z_s): [S, b]
    if (o.estimator === 'vimco') {
      const logQ = tf.sum(tf.mul(z, logPi), [2, 3]); // Σ_n log q(ẑ_n | x): [S, b]
      return vimcoSurrogate(tf.sub(tf.add(recon, model.priorLogProb), logQ), logQ);
    }
    // REINFORCE: the per-sample losses f_s = −log p(x | z_s) also weight the score.
    const losses = tf.neg(recon);
    const objective = tf.addN([tf.mean(losses), klMean()]);
    // Σ_n log q(ẑ_n | x) [S, b]: the score's integrand; the weights carry no gradient.
    const logQ = tf.sum(tf.mul(z, logPi), [2, 3]);
    const weights = stopGradient(centredLosses(losses, o.baseline)); // per datum, over its S samples
    const score = tf.mean(tf.mul(weights, logQ));
    // score − stop(score) is 0 in value and has the score-function gradient, so the
    // surrogate's value stays the objective while its gradient gains the encoder term.
    const surrogate = tf.add(objective, tf.sub(score, stopGradient(score))) as tf.Scalar;
    // The moving average moves after its use, so a step never baselines with its own losses.
    if (o.baseline instanceof MovingAverageBaseline) o.baseline.update(tf.mean(losses).dataSync()[0]);
    return surrogate;
  });
}

/**
 * Refuses sizes beyond the budget before anything is drawn: the S copies of the batch
 * and the S samples of every latent (2^28 entries), and Gumbel-Rao's conditional noise.
 */
export function checkObjectiveSizes(fn: string, model: CategoricalVae, b: number, o: Required<VaeObjectiveOptions>): void {
  const S = o.numSamples, { numLatents: N, numCategories: K } = model;
  checkBudget(fn, 'numSamples × batch × max(numPixels, numLatents × numCategories)', S * b * Math.max(model.numPixels, N * K));
  if (o.estimator === 'gumbel-rao' && o.conditionalSamples * S * b * N * K > MAX_CONDITIONAL_NOISE) {
    fail(fn, 'conditionalSamples × numSamples × batch × numLatents × numCategories', `at most ${MAX_CONDITIONAL_NOISE}`, o.conditionalSamples * S * b * N * K);
  }
}

/** Exact one-hot samples ẑ [S, b, N, K] of q, wrapped in the estimator's backward pass (none for the score-function pair). */
function exactCodes(logits: tf.Tensor, o: Required<VaeObjectiveOptions>): tf.Tensor {
  const z = discreteSample('categorical', logits, o.numSamples, o.rng);
  if (o.estimator === 'straight-through') return straightThroughCodes(logits, z, o.temperature);
  if (o.estimator === 'reinmax') return reinmaxCodes(logits, z, o.temperature);
  if (o.estimator === 'gumbel-rao') return gumbelRaoCodes(logits, z, o.temperature, o.rng.uniform([o.conditionalSamples, ...z.shape]));
  return z;
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
 * const logits = tf.tensor3d([[[2, 0, -1], [0, 0, 0]]]);                    // b = 1, N = 2, K = 3
 * vaeKlTerm(logits, null, { kl: 'analytic', temperature: 1 }).print();       // [1]; the uniform latent adds 0
 */
export function vaeKlTerm(
  logits: tf.Tensor, y: tf.Tensor | null, o: { kl: VaeKlTerm; temperature?: number; priorTemperature?: number },
): tf.Tensor {
  const fn = 'vaeKlTerm';
  checkTensor(fn, 'logits', logits, ['b', 'N', 'K']);
  if (o === null || typeof o !== 'object') fail(fn, 'options', 'an object {kl, temperature, priorTemperature?}', o);
  if (!(VAE_KL_TERMS as readonly unknown[]).includes(o.kl)) fail(fn, 'kl', `one of ${VAE_KL_TERMS.join(', ')}`, o.kl);
  const relaxed = o.kl !== 'analytic';
  // 'analytic' reads no sample and no temperature: they may be left out, but not be wrong.
  const temperature = relaxed || o.temperature !== undefined ? checkPositive(fn, 'temperature', o.temperature as number) : 1;
  const priorTemperature = o.priorTemperature === undefined ? temperature : checkPositive(fn, 'priorTemperature', o.priorTemperature);
  if (relaxed || (y !== null && y !== undefined)) {
    const rule = `relaxed samples [S, ${logits.shape.join(', ')}]${relaxed ? ` for kl '${o.kl}'` : ' or null'}`;
    if (!(y instanceof tf.Tensor) || y.rank !== 4 || y.shape.slice(1).join() !== logits.shape.join()) fail(fn, 'y', rule, y);
    checkTensor(fn, 'y', y, y.shape);
    // Points inside the simplex: the Concrete density takes log y.
    checkTensorValues(fn, 'y', y, 'finite, with every entry in (0, 1]', (min, max) => min > 0 && max <= 1);
  }
  checkTensorValues(fn, 'logits', logits);
  return klTerm(logits, y, o.kl, temperature, priorTemperature);
}

/** The KL term of `vaeKlTerm` on arguments already checked (the objective's own path). */
function klTerm(logits: tf.Tensor, y: tf.Tensor | null, kl: VaeKlTerm, temperature: number, priorTemperature: number): tf.Tensor {
  const K = logits.shape[logits.rank - 1];
  return tf.tidy(() => {
    // The uniform prior. The Concrete density reads K from its logits [K]; the log-mass
    // terms take one value broadcast over the classes (an upload, not a kernel).
    if (kl === 'concrete-monte-carlo') {
      return tf.sum(concreteLogRatio(logSoftmax(logits), tf.fill([K], -Math.log(K)), y!, temperature, priorTemperature), -1);
    }
    const logPrior = tf.scalar(-Math.log(K));
    if (kl === 'analytic') return tf.sum(analyticLogRatio(logits, logPrior), -1);
    return tf.sum(tf.mul(y!, categoricalLogRatio(logSoftmax(logits), logPrior)), [-2, -1]);
  });
}
