/**
 * The closed forms, eq. 22 of [1]: the entropy of a categorical and its KL from a prior,
 * exact and with exact gradients. They are what the Monte Carlo variants estimate.
 *
 * [1] Maddison, Mnih & Teh 2017, "The Concrete distribution: a continuous relaxation of
 *     discrete random variables", ICLR.
 */
import * as tf from '@tensorflow/tfjs';
import { logSoftmax } from '../../kernels/log-softmax';
import { TensorInput } from '../../distributions/checks';
import { fail } from '../../validate';
import { categoricalLogRatio, entropyOrKL, TermBody, withTermProblem } from './problem';

/** The analytic variant takes no options; the type exists so that every variant has one. */
export type AnalyticOptions = Record<string, never>;

/** Σ_k π_k c_k per variable, with c the log-ratio (log π − log p, or log π): logits [...batch, K] → [...batch]. */
export function analyticLogRatio(logits: tf.Tensor, logPrior: tf.Tensor | null): tf.Tensor {
  return tf.tidy(() => {
    const logPi = logSoftmax(logits);
    return tf.sum(tf.mul(tf.exp(logPi), categoricalLogRatio(logPi, logPrior)), -1);
  });
}

/** The analytic variant reads no options, but refuses what cannot be an options object. */
export function checkAnalyticOptions(fn: string, options: unknown): void {
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    fail(fn, 'options', 'an object or omitted (the analytic variant takes none)', options);
  }
}

/** The body of the 'analytic' variant, shared with the registry. */
export const analyticBody: TermBody<AnalyticOptions | undefined> = (problem, options) => {
  checkAnalyticOptions(problem.fn, options);
  return entropyOrKL(problem, analyticLogRatio(problem.logits, problem.logPrior));
};

/**
 * The entropy of a categorical, H(q) = −Σ_k π_k log π_k with π = softmax(logits): eq. 22
 * of [1]. Exact, and so is its gradient, ∂H/∂l_j = −π_j (log π_j + H). A category whose
 * probability underflows to 0 contributes 0.
 *
 * Shapes: logits [...batch, K], K ≥ 2, a tensor or plain numbers → [...batch], one
 * value per independent variable (a scalar for logits [K]).
 *
 * @example
 * entropy.analytic([Math.log(0.5), Math.log(0.25), Math.log(0.125), Math.log(0.125)]).print();  // 1.2130 = 1.75 ln 2
 */
export function categoricalEntropy(logits: TensorInput): tf.Tensor {
  return withTermProblem('entropy.analytic', logits, 'logits', null, (p) => analyticBody(p, undefined));
}

/**
 * The KL divergence between categoricals, KL(q ‖ p) = Σ_k π_k (log π_k − log p_k): eq. 22
 * of [1] for the KL term of a discrete VAE. Exact, with its exact gradient.
 *
 * Shapes: logits [...batch, K] and priorLogits [K] (or any shape broadcasting against
 * the logits), tensors or plain numbers → [...batch]. Without `priorLogits` the prior
 * is uniform, and the KL is log K − H(q); `null` is refused.
 *
 * @example
 * kl.analytic([2, 0, 0]).print();             // from the uniform prior: log 3 − H(q) = 0.4330
 * kl.analytic([2, 0, 0], [0, 1, 1]).print();  // from p = softmax([0, 1, 1]): 0.9834
 */
export function categoricalKL(logits: TensorInput, priorLogits?: TensorInput): tf.Tensor {
  const fn = 'kl.analytic';
  return withTermProblem(fn, logits, 'logits', { value: priorLogits, arg: 'priorLogits' }, (p) => analyticBody(p, undefined));
}
