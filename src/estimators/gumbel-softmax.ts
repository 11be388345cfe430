/**
 * The Gumbel-Softmax (Concrete) estimators, [1] Maddison et al. 2017, [2] Jang et al. 2017.
 *
 * A relaxed sample z = softmax((logits + G)/τ), G standard Gumbel (for a Bernoulli:
 * z = σ((logit + L)/τ), L logistic), is a differentiable function of the logits, so
 * the mean loss over such samples can be differentiated by autodiff
 * (reparameterisation). The gradient is that of the relaxed objective E[f(z)], not of
 * E_q[f(y)]: biased, with a bias that vanishes as τ → 0 while the variance grows.
 */
import * as tf from '@tensorflow/tfjs';
import { RelaxedBernoulli, RelaxedOneHotCategorical } from '../distributions';
import { Random } from '../random';
import { EstimatorBody, publicEstimator } from './estimator';
import { guardedValueAndGrad } from './guarded-gradient';
import { checkRelaxed, RelaxedOptions } from './options';
import { CheckedProblem, Family, FAMILIES, perSampleLoss } from './problem';
import { checkBudget, checkPositive, checkPositiveInteger, fail } from '../validate';
import { readLoss } from './result';
import { straightThrough } from './straight-through';

/**
 * n relaxed samples, differentiable in `logits`: [n, ...batch, K] on the simplex
 * (categorical) or [n, ...batch] in (0, 1) (Bernoulli).
 *
 * The draws of `RelaxedOneHotCategorical` / `RelaxedBernoulli`.sample(n, rng), built
 * with `validateArgs: false`: the values of the logits and the temperature are the
 * caller's to check, once, before a loop that calls this at every step.
 *
 * @example
 * const z = relaxedSample('categorical', tf.tensor([1, 2, 0]), 1000, 0.5, new Random(0)); // [1000, 3]
 * z.dispose();
 */
export function relaxedSample(family: Family, logits: tf.Tensor, n: number, temperature: number, rng: Random): tf.Tensor {
  // Checks of metadata only (no download), so that a mistake names this function, not the distribution inside.
  const fn = 'relaxedSample';
  if (!FAMILIES.includes(family)) fail(fn, 'family', `one of ${FAMILIES.join(', ')}`, family);
  if (!(logits instanceof tf.Tensor) || logits.isDisposed || logits.size === 0) fail(fn, 'logits', 'a live, non-empty tf.Tensor', logits);
  if (family === 'categorical' && (logits.rank < 1 || logits.shape[logits.rank - 1] < 2)) {
    fail(fn, 'logits', 'a tensor whose last axis holds K ≥ 2 categories', logits);
  }
  checkPositiveInteger(fn, 'n', n);
  checkBudget(fn, 'n × logits.size', n * logits.size);
  checkPositive(fn, 'temperature', temperature);
  if (!(rng instanceof Random)) fail(fn, 'rng', 'a Random', rng);
  const options = { logits, temperature, validateArgs: false };
  // The distribution holds the caller's tensor and owns nothing, so there is nothing to dispose.
  const q = family === 'categorical' ? new RelaxedOneHotCategorical(options) : new RelaxedBernoulli(options);
  return q.sample(n, rng);
}

/** Rounds relaxed samples with a straight-through gradient; a Bernoulli sample gets a trailing axis of 1 so it is rounded. */
export function hardened(family: Family, z: tf.Tensor): tf.Tensor {
  if (family === 'categorical') return straightThrough(z);
  return tf.squeeze(straightThrough(tf.expandDims(z, -1)), [-1]);
}

function pathwise(hard: boolean): EstimatorBody<RelaxedOptions> {
  return (problem: CheckedProblem, options: RelaxedOptions, read: boolean) => {
    const { fn, family, logits } = problem;
      const { n, temperature, rng } = checkRelaxed(fn, options);
    let loss = NaN;
    const grad = tf.tidy(() => {
      // tf.grad feeds the logits tensor itself to the function, so samples built from
      // the logits inside it are on the tape.
      const meanLoss = () => {
        const z = relaxedSample(family, logits, n, temperature, rng);
        return tf.mean(perSampleLoss(problem, hard ? hardened(family, z) : z)) as tf.Scalar;
      };
      const { value, grad: g } = guardedValueAndGrad(meanLoss, logits);
      if (read) loss = readLoss(fn, value, logits, g);
      return g;
    });
    return { grad, loss, lossEvaluations: n };
  };
}

/** The body of `gumbelSoftmax`, shared with the registry. */
export const gumbelSoftmaxBody = pathwise(false);
/** The body of `stGumbelSoftmax`, shared with the registry. */
export const stGumbelSoftmaxBody = pathwise(true);

/**
 * The Gumbel-Softmax estimator: the loss is evaluated at n relaxed samples and
 * differentiated through them ([1], [2]).
 *
 * The loss must accept points of the simplex (or of (0, 1) for Bernoulli), not only
 * one-hot vectors. τ → 0 gives one-hot samples (low bias, high variance); τ → ∞
 * gives the uniform point 1/K (smooth, heavily biased).
 *
 * Shapes: as `reinforce`; `loss` is the mean loss at the relaxed samples;
 * `lossEvaluations` is n.
 *
 * @example
 * const problem = { logits: [1, 1, 1], family: 'categorical' as const, loss: squaredErrorLoss([0.2, 0.7, 0.1]) };
 * const { grad } = gumbelSoftmax(problem, { numSamples: 1000, seed: 0, temperature: 0.5 });
 * grad.dispose();
 */
export const gumbelSoftmax = publicEstimator('gumbelSoftmax', gumbelSoftmaxBody);

/**
 * The straight-through Gumbel-Softmax estimator ([2], section 2.2): the forward pass
 * uses the discrete sample onehot(argmax z) (or round(z) for Bernoulli), which is an
 * exact sample of q, and the backward pass the Jacobian of the relaxed z.
 *
 * Shapes: as `reinforce`; `loss` is the mean loss at the discrete samples, so it is an
 * unbiased estimate of E_q[f] even though the gradient is biased; `lossEvaluations` is n.
 *
 * @example
 * const problem = { logits: [1, 1, 1], family: 'categorical' as const, loss: squaredErrorLoss([0.2, 0.7, 0.1]) };
 * const { grad } = stGumbelSoftmax(problem, { numSamples: 1000, seed: 0, temperature: 5 });
 * grad.dispose();
 */
export const stGumbelSoftmax = publicEstimator('stGumbelSoftmax', stGumbelSoftmaxBody);
