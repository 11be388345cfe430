/**
 * VIMCO (Mnih & Rezende 2016, "Variational inference for Monte Carlo objectives"): an
 * unbiased gradient of the S-sample importance-weighted bound
 *
 *     L̂ = log (1/S) Σ_s w_s,   log w_s = log p(x, z_s) − log q(z_s | x),   z_s ~ q exactly,
 *
 * the bound of Burda et al. 2016, which tightens towards log p(x) as S grows. Its
 * gradient splits into a pathwise part Σ_s w̃_s ∇ log w_s (w̃ the normalised weights, the
 * samples held fixed) and a score-function part Σ_s (L̂ − L̂₋ₛ) ∇ log q(z_s | x), where the
 * baseline L̂₋ₛ is the bound with w_s replaced by the geometric mean of the other S − 1
 * weights. L̂₋ₛ does not depend on z_s, so subtracting it keeps the estimate unbiased,
 * and each sample's learning signal is its own contribution to the bound.
 */
import * as tf from '@tensorflow/tfjs';
import { stopGradient } from '../../estimators/straight-through';
import { checkBudget, fail } from '../../validate';
import { checkTensor, checkTensorValues } from './checks';

/** Checks log-weights [S, b] with at least `minSamples` samples: live, float32, finite. */
function checkLogWeights(fn: string, logW: unknown, minSamples: number): tf.Tensor {
  const dims = [minSamples > 1 ? `S ≥ ${minSamples}` : 'S', 'b'];
  const w = checkTensor(fn, 'logW', logW, dims);
  if (w.shape[0] < minSamples) fail(fn, 'logW', `a tensor of shape [${dims.join(', ')}]`, w);
  checkTensorValues(fn, 'logW', w);
  return w;
}

/**
 * The bound L̂ per datum from log-weights [S, b] → [b]; the log-weights must be finite.
 *
 * @example
 * multiSampleBound(tf.tensor2d([[-100], [-102]])).print();   // log((e^-100 + e^-102)/2)
 */
export function multiSampleBound(logW: tf.Tensor): tf.Tensor {
  return boundOf(checkLogWeights('multiSampleBound', logW, 1));
}

function boundOf(logW: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.sub(tf.logSumExp(logW, 0), Math.log(logW.shape[0])));
}

/**
 * VIMCO's learning signals L̂ − L̂₋ₛ, one per sample and datum: log-weights [S, b] → [S, b],
 * S ≥ 2. In log space throughout: L̂₋ₛ = logsumexp of the other log w_i and of their mean,
 * minus log S, so no weight is ever exponentiated on its own. The log-weights must be
 * finite, and S² · b at most 2^28 (the leave-one-out tensor holds S copies of them).
 *
 * @example
 * vimcoLearningSignals(tf.tensor2d([[-100], [-102]])).print();   // the better sample gets the larger signal
 */
export function vimcoLearningSignals(logW: tf.Tensor): tf.Tensor {
  const fn = 'vimcoLearningSignals';
  checkLogWeights(fn, logW, 2);
  // The leave-one-out tensor holds S copies of the weights.
  checkBudget(fn, 'S × S × b', logW.shape[0] * logW.size);
  return signalsOf(logW);
}

function signalsOf(logW: tf.Tensor): tf.Tensor {
  const S = logW.shape[0];
  return tf.tidy(() => {
    const others = tf.div(tf.sub(tf.sum(logW, 0, true), logW), S - 1); // [S, b]: mean of the other log-weights
    const eye = tf.reshape(tf.eye(S), [S, S, 1]);
    // Row s: the log-weights with entry s replaced by the mean of the others.
    const replaced = tf.add(tf.mul(tf.sub(1, eye), tf.expandDims(logW, 0)), tf.mul(eye, tf.expandDims(others, 1)));
    const leaveOneOut = tf.sub(tf.logSumExp(replaced, 1), Math.log(S)); // [S, b]
    return tf.sub(boundOf(logW), leaveOneOut);
  });
}

/**
 * The surrogate whose value is −mean_b L̂ and whose gradient is VIMCO's estimate of
 * −∇ mean_b L̂, given log-weights [S, b] (differentiable in both networks, the samples
 * held fixed) and log q(z_s | x) [S, b] (differentiable in the encoder).
 *
 * @example
 * const logQ = tf.variable(tf.tensor2d([[-3], [-2]]));   // log q(z_s | x) of two samples, one datum
 * const logW = tf.tensor2d([[-100], [-102]]);              // their log-weights (held fixed here)
 * const { value, grads } = tf.variableGrads(() => vimcoSurrogate(logW, logQ), [logQ]);
 * value.print();                        // −log((e^-100 + e^-102)/2)
 * grads[logQ.name].print();             // −(learning signals): the better sample's log q is pushed up
 */
export function vimcoSurrogate(logW: tf.Tensor, logQ: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const signals = stopGradient(signalsOf(logW));
    const score = tf.mean(tf.sum(tf.mul(signals, logQ), 0));
    // score − stop(score) is 0 in value and carries the score-function gradient.
    const bound = tf.add(tf.mean(boundOf(logW)), tf.sub(score, stopGradient(score)));
    return tf.neg(bound) as tf.Scalar;
  });
}
