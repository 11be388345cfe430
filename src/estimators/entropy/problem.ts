/**
 * What the entropy and KL estimators take: a categorical q given by its logits and, for
 * a KL, a prior p given by its logits; the checks they share, and the log-ratio
 * log q − log p that every variant but the Concrete one averages.
 */
import * as tf from '@tensorflow/tfjs';
import { logSoftmax } from '../../kernels/log-softmax';
import { readStats, received, TensorInput, toFloatTensor } from '../../distributions/checks';
import { fail } from '../../validate';

/** The entropy H(q) of a categorical q over the last axis of its logits. */
export interface EntropyProblem {
  /** q's logits [...batch, K], K ≥ 2: a tensor (a `tf.Variable` to train it) or plain numbers. */
  logits: TensorInput;
}

/** KL(q ‖ p) between categoricals q and p over the last axis. */
export interface KLProblem extends EntropyProblem {
  /**
   * p's logits: [K], or any shape that broadcasts against q's logits without adding
   * axes. Omit it for the uniform prior p = 1/K; `null` is refused, not read as uniform.
   */
  priorLogits?: TensorInput;
}

/** A problem after its checks, as the variants receive it. */
export interface CheckedTermProblem {
  /** The name of the function the user called, for error messages. */
  fn: string;
  /** q's logits [...batch, K], float32 and finite; gradients flow to them. */
  logits: tf.Tensor;
  /** For a KL, p's normalised log-probabilities (broadcasting against the logits); null for an entropy. */
  logPrior: tf.Tensor | null;
}

/** Where a problem's prior comes from, for `withTermProblem`; null for an entropy. */
export interface PriorArgument {
  value: TensorInput | undefined | null;
  /** The argument's name in error messages: 'priorLogits' or 'problem.priorLogits'. */
  arg: string;
}

/**
 * Checks q's logits (and p's, for a KL) and runs `body` in a tidy scope: logits given
 * as numbers become tensors that are freed when `body` returns or throws.
 */
export function withTermProblem(
  fn: string, logitsValue: TensorInput, logitsArg: string, prior: PriorArgument | null,
  body: (problem: CheckedTermProblem) => tf.Tensor,
): tf.Tensor {
  const { tensor: logits, owned } = toFloatTensor(fn, logitsArg, logitsValue);
  try {
    if (logits.rank < 1 || logits.shape[logits.rank - 1] < 2) {
      fail(fn, logitsArg, 'of shape [...batch, K] with K ≥ 2 (the categories on the last axis)', logits);
    }
    checkFinite(fn, logitsArg, logitsValue, logits);
    return tf.tidy(() => body({ fn, logits, logPrior: prior === null ? null : priorLogProbs(fn, prior, logits) }));
  } finally {
    if (owned) logits.dispose();
  }
}

/** Checks the problem object, then runs `withTermProblem` on its fields. */
export function withProblemObject(
  fn: string, problem: KLProblem, wantsPrior: boolean, body: (problem: CheckedTermProblem) => tf.Tensor,
): tf.Tensor {
  const rule = wantsPrior ? 'an object {logits, priorLogits?}' : 'an object {logits}';
  if (problem === null || typeof problem !== 'object' || Array.isArray(problem) || problem instanceof tf.Tensor) fail(fn, 'problem', rule, problem);
  const prior = wantsPrior ? { value: problem.priorLogits, arg: 'problem.priorLogits' } : null;
  return withTermProblem(fn, problem.logits, 'problem.logits', prior, body);
}

function checkFinite(fn: string, arg: string, value: TensorInput, x: tf.Tensor): void {
  if (x.size === 0) fail(fn, arg, 'a non-empty tensor', x);
  const stats = readStats(x);
  if (!stats.finite) fail(fn, arg, 'finite everywhere', received(value, x, stats));
}

/** log p, normalised: logSoftmax of the prior's logits, or −log K everywhere for the uniform prior. */
function priorLogProbs(fn: string, prior: PriorArgument, logits: tf.Tensor): tf.Tensor {
  const K = logits.shape[logits.rank - 1];
  if (prior.value === undefined) return tf.fill([K], -Math.log(K));
  if (prior.value === null) fail(fn, prior.arg, 'the prior\'s logits (a tensor or numbers), or omitted for the uniform prior', null);
  const { tensor } = toFloatTensor(fn, prior.arg, prior.value); // inside the caller's tidy scope, so a copy is freed
  if (!broadcastsInto(tensor.shape, logits.shape)) {
    fail(fn, prior.arg, `of a shape that broadcasts against the logits' [${logits.shape.join(', ')}] (last axis K = ${K})`, tensor);
  }
  checkFinite(fn, prior.arg, prior.value, tensor);
  return logSoftmax(tensor);
}

/** True if `shape` broadcasts against `target` without changing it: no extra axes, each axis 1 or equal, K equal. */
function broadcastsInto(shape: number[], target: number[]): boolean {
  const lead = target.length - shape.length;
  if (lead < 0 || shape.length === 0 || shape[shape.length - 1] !== target[target.length - 1]) return false;
  return shape.every((d, i) => d === 1 || d === target[lead + i]);
}

/**
 * float32's lowest finite value. A probability that underflows to 0 has log −∞, and
 * 0 · (−∞) is NaN; with the log held here its terms are 0 · (finite) = 0 instead,
 * and the other terms do not change.
 */
const LOWEST_FLOAT32 = -3.4028234663852886e38;

/**
 * The per-category log-ratio c_k = log π_k − log p_k (for an entropy, c_k = log π_k),
 * with logs held finite: logPi, normalised log-probabilities [...batch, K] → [...batch, K].
 * Sums Σ_k w_k c_k of it give −H or the KL.
 */
export function categoricalLogRatio(logPi: tf.Tensor, logPrior: tf.Tensor | null): tf.Tensor {
  return tf.tidy(() => {
    const finiteLogPi = tf.maximum(logPi, LOWEST_FLOAT32);
    return logPrior === null ? finiteLogPi : tf.sub(finiteLogPi, tf.maximum(logPrior, LOWEST_FLOAT32));
  });
}

/** The work of one variant on a checked problem: an entropy if `logPrior` is null, else a KL. */
export type TermBody<O> = (problem: CheckedTermProblem, options: O) => tf.Tensor;

/** H = −E[Σ_k w_k log π_k] from the mean log-mass, or the KL E[Σ_k w_k (log π_k − log p_k)] as it is. */
export function entropyOrKL(problem: CheckedTermProblem, meanLogRatio: tf.Tensor): tf.Tensor {
  return problem.logPrior === null ? tf.neg(meanLogRatio) : meanLogRatio;
}
