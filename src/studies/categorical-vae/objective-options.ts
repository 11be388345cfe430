/**
 * The options of the VAE's training objective: which gradient estimator, which KL
 * treatment, how many samples, and the checks that refuse a bad combination before
 * any tensor is made.
 */
import { MovingAverageBaseline } from '../../estimators/baselines';
import { EntropyVariant } from '../../estimators/entropy';
import { Random } from '../../random';
import { checkPositive, checkPositiveInteger, fail, orDefault } from '../../validate';

/**
 * The gradient estimators the VAE trains with:
 * - 'gumbel-softmax', 'st-gumbel-softmax': relaxed samples (Jang et al. 2017, Maddison et al. 2017);
 * - 'straight-through': exact samples, the Jacobian of softmax(logits/τ) backward (Bengio et al. 2013);
 * - 'reinmax': exact samples, a second-order backward pass (Liu et al. 2023); τ ≥ 1;
 * - 'gumbel-rao': exact samples, the ST-Gumbel-Softmax Jacobian averaged over Gumbel noise
 *   conditioned on the sample (Paulus, Maddison & Krause 2021);
 * - 'reinforce': exact samples and the score function; with the default 'leave-one-out'
 *   baseline this is RLOO (Kool, van Hoof & Welling 2019);
 * - 'vimco': exact samples and the S-sample importance-weighted bound with VIMCO's
 *   per-sample baselines (Mnih & Rezende 2016).
 */
export const VAE_ESTIMATORS = [
  'st-gumbel-softmax', 'gumbel-softmax', 'reinforce', 'straight-through', 'reinmax', 'gumbel-rao', 'vimco',
] as const;
export type VaeEstimator = (typeof VAE_ESTIMATORS)[number];

/** The KL variants the VAE trains with: every one of `estimateKL` that is read at the relaxed samples it shares, or exact. */
export type VaeKlTerm = Exclude<EntropyVariant, 'discrete-monte-carlo'>;
export const VAE_KL_TERMS: readonly VaeKlTerm[] = Object.freeze(['analytic', 'relaxed-log-mass', 'concrete-monte-carlo'] as VaeKlTerm[]);

/** The default m of 'gumbel-rao': conditional Gumbel draws per sample, which cost backward-pass work only. */
export const DEFAULT_VAE_CONDITIONAL_SAMPLES = 10;

/** Options of `vaeObjective`. */
export interface VaeObjectiveOptions {
  estimator: VaeEstimator;
  /** The KL treatment; 'vimco' takes only 'analytic' (its bound holds log p(z) − log q(z|x) inside the weights). */
  kl: VaeKlTerm;
  /**
   * τ (finite, > 0): of the relaxed samples for the Gumbel-Softmax pair and the relaxed
   * KL terms; of softmax(logits/τ) in the backward pass of 'straight-through' and
   * 'reinmax' (which needs τ ≥ 1); of the conditional relaxed samples of 'gumbel-rao'.
   * Unused by 'reinforce' and 'vimco' with 'analytic'.
   */
  temperature: number;
  /** λ of the relaxed prior, for kl 'concrete-monte-carlo'; default τ. */
  priorTemperature?: number;
  /** S, samples per datum; REINFORCE's leave-one-out baseline and VIMCO need S ≥ 2. */
  numSamples: number;
  /** REINFORCE only: 'leave-one-out' over the S samples of each datum, or a moving average. */
  baseline?: 'leave-one-out' | MovingAverageBaseline;
  /** 'gumbel-rao' only: m, the conditional Gumbel draws per sample; default 10. */
  conditionalSamples?: number;
  /** The generator the noise is drawn from (advances). */
  rng: Random;
}

/** Checks a temperature for an estimator: finite and > 0, and ≥ 1 for ReinMax. */
export function checkEstimatorTemperature(fn: string, estimator: VaeEstimator, temperature: number, arg = 'temperature'): number {
  checkPositive(fn, arg, temperature);
  // As the reference implementation: the midpoint π₁ of the second-order step assumes a
  // softmax no sharper than q's own.
  if (estimator === 'reinmax' && temperature < 1) fail(fn, arg, 'at least 1 for ReinMax (its second-order backward pass needs τ ≥ 1)', temperature);
  return temperature;
}

/** Checks the options; returns them with defaults filled in. */
export function checkObjectiveOptions(fn: string, o: VaeObjectiveOptions): Required<VaeObjectiveOptions> {
  if (o === null || typeof o !== 'object') fail(fn, 'options', 'an object', o);
  if (!(VAE_ESTIMATORS as readonly string[]).includes(o.estimator)) fail(fn, 'estimator', `one of ${VAE_ESTIMATORS.join(', ')}`, o.estimator);
  if (!(VAE_KL_TERMS as readonly string[]).includes(o.kl)) fail(fn, 'kl', `one of ${VAE_KL_TERMS.join(', ')}`, o.kl);
  if (o.estimator === 'vimco' && o.kl !== 'analytic') {
    fail(fn, 'kl', "'analytic' for VIMCO (its S-sample bound holds log p(z) − log q(z|x) inside the importance weights)", o.kl);
  }
  checkEstimatorTemperature(fn, o.estimator, o.temperature);
  const priorTemperature = checkPositive(fn, 'priorTemperature', orDefault(o.priorTemperature, o.temperature));
  const numSamples = checkPositiveInteger(fn, 'numSamples', o.numSamples);
  const baseline = orDefault<'leave-one-out' | MovingAverageBaseline>(o.baseline, 'leave-one-out');
  if (baseline !== 'leave-one-out' && !(baseline instanceof MovingAverageBaseline)) {
    fail(fn, 'baseline', "'leave-one-out' or a MovingAverageBaseline", baseline);
  }
  if (o.estimator === 'reinforce' && baseline === 'leave-one-out' && numSamples < 2) {
    fail(fn, 'numSamples', "at least 2 for REINFORCE with the 'leave-one-out' baseline", numSamples);
  }
  if (o.estimator === 'vimco' && numSamples < 2) fail(fn, 'numSamples', 'at least 2 for VIMCO (each sample is baselined by the others)', numSamples);
  const conditionalSamples = checkPositiveInteger(fn, 'conditionalSamples', orDefault(o.conditionalSamples, DEFAULT_VAE_CONDITIONAL_SAMPLES));
  if (!(o.rng instanceof Random)) fail(fn, 'rng', 'a Random', o.rng);
  return { ...o, priorTemperature, numSamples, baseline, conditionalSamples };
}
