/**
 * The `logits` or `probs` argument of the four parametric distributions, handled in
 * one place: exactly one of the two, converted to float32, its shape checked (and,
 * with `validateArgs`, its values), and turned into normalised log-probabilities on
 * demand.
 *
 * Derived tensors are recomputed from the parameter at each use rather than stored.
 * That keeps gradients flowing to a tf.Variable even when the distribution was built
 * outside `tf.variableGrads`, and keeps them current after the variable is assigned.
 */
import * as tf from '@tensorflow/tfjs';
import { logSoftmax } from '../kernels/log-softmax';
import { fail } from '../validate';
import { readStats, received, Received, TensorInput, toFloatTensor } from './checks';
import { DistributionOptions, readValidateArgs } from './distribution';

/** Give exactly one of `logits` and `probs`: nested number arrays or tensors; last axis = K for one-hot. */
export interface LogitsOrProbs extends DistributionOptions {
  logits?: TensorInput;
  probs?: TensorInput;
}

/** One-hot events over the last axis, or one binary value per entry. */
export type EventType = 'one-hot' | 'binary';

/**
 * How far the sums of `probs` along the last axis may be from 1. Probabilities typed
 * as decimals or normalised in float32 are off by a few 1e-7 per entry; 1e-4 lets
 * that pass for K up to about a thousand and still catches unnormalised input.
 */
export const SIMPLEX_TOLERANCE = 1e-4;

/** A checked `logits` or `probs` parameter. */
export class Parameters {
  readonly kind: 'logits' | 'probs';
  /** The full parameter shape: batch shape, plus K for one-hot events. */
  readonly shape: number[];
  /** The parameter as float32: the caller's own tensor, or one made here from numbers. */
  readonly value: tf.Tensor;
  readonly validateArgs: boolean;
  private owned: boolean;
  /** True once `dispose` has run: the object must not be used any more. */
  disposed = false;

  /**
   * `relaxed` asks for probabilities strictly inside (0, 1): a relaxed distribution
   * with a zero probability has no density, and its logit would be −∞.
   */
  constructor(fn: string, args: LogitsOrProbs, readonly event: EventType, relaxed: boolean) {
    if (args === null || typeof args !== 'object') fail(fn, 'options', 'an object holding logits or probs', args);
    this.validateArgs = readValidateArgs(fn, args);
    const hasLogits = args.logits !== undefined, hasProbs = args.probs !== undefined;
    if (hasLogits === hasProbs) fail(fn, 'exactly one of logits and probs', 'given', new Received(hasLogits ? 'both' : 'neither'));
    this.kind = hasLogits ? 'logits' : 'probs';
    const input = (hasLogits ? args.logits : args.probs) as TensorInput;
    const { tensor, owned } = toFloatTensor(fn, this.kind, input);
    this.value = tensor;
    this.owned = owned;
    this.shape = tensor.shape.slice();
    try {
      this.checkShape(fn, input, relaxed);
      if (this.validateArgs) this.checkValues(fn, input, relaxed);
    } catch (error) {
      this.dispose();
      throw error;
    }
  }

  /** Rank, K and size: read from the tensor's metadata, so they cost no download. */
  private checkShape(fn: string, input: TensorInput, relaxed: boolean): void {
    const x = this.value, minK = relaxed ? 2 : 1;
    if (this.event === 'one-hot' && (x.rank < 1 || x.shape[x.rank - 1] < minK)) {
      fail(fn, this.kind, `a tensor of rank ≥ 1 whose last axis holds K ≥ ${minK} categories`, input);
    }
    if (x.size === 0) fail(fn, this.kind, 'non-empty', input);
  }

  /** Finite logits; probs in range or on the simplex. One download of a few numbers. */
  private checkValues(fn: string, input: TensorInput, relaxed: boolean): void {
    const x = this.value;
    // For one-hot probs, the largest distance of a last-axis sum from 1.
    const stats = readStats(x, (t) => (this.kind === 'probs' && this.event === 'one-hot' ? [tf.max(tf.abs(tf.sub(tf.sum(t, -1), 1)))] : []));
    const shown = received(input, x, stats);
    if (this.kind === 'logits') {
      if (!stats.finite) fail(fn, 'logits', 'finite everywhere', shown);
      return;
    }
    const positive = relaxed ? stats.min > 0 : stats.min >= 0;
    if (this.event === 'binary') {
      const inside = stats.finite && positive && (relaxed ? stats.max < 1 : stats.max <= 1);
      if (!inside) fail(fn, 'probs', relaxed ? 'in the open interval (0, 1)' : 'in [0, 1]', shown);
    } else if (!stats.finite || !positive || stats.extra[0] > SIMPLEX_TOLERANCE) {
      const sign = relaxed ? 'positive' : 'non-negative';
      fail(fn, 'probs', `${sign} and sum to 1 along the last axis (within ${SIMPLEX_TOLERANCE})`, shown);
    }
  }

  /**
   * Log-probabilities as a new tensor. One-hot: normalised over the last axis, so
   * logsumexp is 0 (logSoftmax of logits, or log p − log Σp). Binary: the log-odds
   * log p − log(1 − p), ±∞ where p is exactly 0 or 1.
   */
  normalisedLogits(): tf.Tensor {
    return tf.tidy(() => {
      const x = this.value;
      if (this.event === 'one-hot') return this.kind === 'logits' ? logSoftmax(x) : tf.sub(tf.log(x), tf.log(tf.sum(x, -1, true)));
      return this.kind === 'logits' ? tf.clone(x) : tf.sub(tf.log(x), tf.log1p(tf.neg(x)));
    });
  }

  /**
   * Logits for perturbing with noise: the given logits themselves (no copy and no
   * kernel, since softmax((l + G)/τ) does not change when l shifts by a constant), or
   * `normalisedLogits()` from probs. Call it inside tf.tidy and never dispose the result.
   */
  perturbableLogits(): tf.Tensor {
    return this.kind === 'logits' ? this.value : this.normalisedLogits();
  }

  /** Probabilities as a new tensor: softmax / sigmoid of logits, or the given probs renormalised. */
  probabilities(): tf.Tensor {
    return tf.tidy(() => {
      const x = this.value;
      if (this.event === 'one-hot') return this.kind === 'logits' ? tf.softmax(x) : tf.div(x, tf.sum(x, -1, true));
      return this.kind === 'logits' ? tf.sigmoid(x) : tf.clone(x);
    });
  }

  /**
   * Binary only: [log p, log(1 − p)] without cancellation. From logits these are
   * −softplus(−l) and −softplus(l); from probs, log p and log1p(−p).
   */
  binaryLogProbs(): [tf.Tensor, tf.Tensor] {
    return tf.tidy(() => {
      const x = this.value;
      if (this.kind === 'logits') return [tf.neg(tf.softplus(tf.neg(x))), tf.neg(tf.softplus(x))];
      return [tf.log(x), tf.log1p(tf.neg(x))];
    });
  }

  /** Frees the tensor made from a number array; a tensor the caller gave stays theirs. */
  dispose(): void {
    if (this.owned) this.value.dispose();
    this.owned = false;
    this.disposed = true;
  }
}
