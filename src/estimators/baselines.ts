/**
 * Baselines for REINFORCE. Subtracting a baseline b from the loss leaves the score
 * function estimator unbiased whenever b does not depend on the sample it multiplies,
 * because E_q[∇ log q(y)] = 0; a good b shrinks the variance.
 */
import * as tf from '@tensorflow/tfjs';
import { checkOptionsObject, fail, orDefault } from '../validate';

/**
 * An exponential moving average of past mean losses, used as a REINFORCE baseline.
 *
 * It keeps state across calls, so the caller creates one and passes the same instance
 * to every step of a loop. Step t uses the average of the losses of steps 0 … t−1
 * (0 at the first step), never its own samples, so the estimate stays unbiased.
 * After the step it moves: b ← decay·b + (1 − decay)·mean loss (the first mean loss
 * starts it).
 *
 * @example
 * const problem = { logits: [1, 1, 1], family: 'categorical' as const, loss: squaredErrorLoss([0.2, 0.7, 0.1]) };
 * const baseline = new MovingAverageBaseline({ decay: 0.9 });
 * const rng = new Random(0);
 * for (let t = 0; t < 20; t++) {
 *   const { grad } = reinforce(problem, { numSamples: 100, seed: rng, baseline });
 *   grad.dispose();  // a training loop would step the logits with it
 * }
 * console.log(baseline.value);  // close to E_q[f] at these logits
 */
export class MovingAverageBaseline {
  readonly decay: number;
  private average: number | undefined = undefined;

  /** @param options.decay weight of the old average, in [0, 1); default 0.9. */
  constructor(options: { decay?: number } = {}) {
    // Every option is optional, so a misspelt one would otherwise build a default baseline silently.
    checkOptionsObject('MovingAverageBaseline', 'options', options, ['decay'], true);
    const decay = orDefault(options.decay, 0.9);
    if (typeof decay !== 'number' || !(decay >= 0 && decay < 1)) {
      fail('MovingAverageBaseline', 'decay', 'a number in [0, 1)', decay);
    }
    this.decay = decay;
  }

  /** The baseline the next step will use (0 before any update). */
  get value(): number {
    return this.average ?? 0;
  }

  /** Moves the average towards a step's mean loss. */
  update(meanLoss: number): void {
    if (!Number.isFinite(meanLoss)) return; // a NaN loss must not poison every later step
    this.average = this.average === undefined ? meanLoss : this.decay * this.average + (1 - this.decay) * meanLoss;
  }

  /** Forgets the history, e.g. before a new run. */
  reset(): void {
    this.average = undefined;
  }
}

/**
 * A REINFORCE baseline: none, leave-one-out (Kool et al. 2019), or a moving average
 * whose state the caller owns. Every function that takes a baseline takes this type;
 * where it is left out, the default is said there.
 */
export type Baseline = 'none' | 'leave-one-out' | MovingAverageBaseline;

/** The string baselines. */
export const BASELINE_NAMES = ['none', 'leave-one-out'] as const;

/**
 * The one resolver of a baseline option: `undefined` gives `fallback`; leave-one-out
 * needs at least 2 samples to leave one out of.
 */
export function resolveBaseline(fn: string, baseline: unknown, numSamples: number, fallback: Baseline = 'none'): Baseline {
  const value = baseline === undefined ? fallback : baseline;
  if (value === 'none' || value instanceof MovingAverageBaseline) return value;
  if (value === 'leave-one-out') {
    if (numSamples < 2) fail(fn, 'numSamples', 'at least 2 with the leave-one-out baseline', numSamples);
    return value;
  }
  if (value === 'moving-average') {
    fail(fn, 'baseline', "'none', 'leave-one-out' or a MovingAverageBaseline instance (a moving average keeps " +
      'state across calls, so pass one you keep: new MovingAverageBaseline({ decay: 0.9 }))', value);
  }
  return fail(fn, 'baseline', "'none', 'leave-one-out' or a MovingAverageBaseline instance", value);
}

/**
 * The weights (f_i − b_i) that multiply ∇ log q(y_i), for losses f whose first axis
 * runs over the samples: [n], or [n, ...] with one baseline per remaining index (for
 * example per datum of a batch).
 *
 * Leave-one-out (Kool et al. 2019): b_i is the mean of the other n − 1 losses, so
 * f_i − b_i = n/(n − 1)·(f_i − f̄), with f̄ the mean of all n.
 */
export function centredLosses<T extends tf.Tensor>(losses: T, baseline: Baseline): T {
  if (!(losses instanceof tf.Tensor) || losses.isDisposed || losses.rank < 1) fail('centredLosses', 'losses', 'a live tf.Tensor of rank ≥ 1 (samples first)', losses);
  if (baseline === 'none') return losses;
  if (baseline === 'leave-one-out') {
    const n = losses.shape[0];
    return tf.mul(tf.sub(losses, tf.mean(losses, 0, true)), n / (n - 1)) as T;
  }
  return tf.sub(losses, baseline.value) as T;
}
