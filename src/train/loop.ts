/**
 * What every training loop of the library shares: it takes what it trains, what it
 * fits and its options, `(model, problem or data, options)`, and returns its history
 * as an array of records, one per recorded step, in order. `historyRows` turns any
 * such history into chart rows.
 */
import { checkPositiveInteger, fail } from '../validate';

/**
 * The most steps one call of a training loop takes: hours at the library's costs per
 * step, so a larger count is a mistake (a misplaced exponent) and is refused before
 * anything runs.
 */
export const MAX_TRAINING_STEPS = 10_000_000;

/** Checks a loop's step count: a whole number in [1, MAX_TRAINING_STEPS]. */
export function checkSteps(fn: string, arg: string, steps: number): number {
  const n = checkPositiveInteger(fn, arg, steps);
  if (n > MAX_TRAINING_STEPS) fail(fn, arg, `at most ${MAX_TRAINING_STEPS} (MAX_TRAINING_STEPS)`, n);
  return n;
}

/** The options every training loop takes, besides its own. */
export interface LoopOptions<R> {
  /** Record every this many steps (and at the last step). Each loop states its default. */
  recordEvery?: number;
  /**
   * Called after each record with that record and the history so far, e.g. to redraw
   * a live chart. The history is the array the loop returns: read it, do not change it.
   */
  onRecord?: (record: R, history: readonly R[]) => void;
}

/** `recordEvery` and `onRecord`, checked. */
export interface CheckedLoopOptions<R> {
  recordEvery: number;
  onRecord: (record: R, history: readonly R[]) => void;
}

/** Checks the shared loop options of `fn`; `defaultEvery` is that loop's default interval. */
export function checkLoopOptions<R>(fn: string, options: LoopOptions<R>, defaultEvery: number): CheckedLoopOptions<R> {
  const recordEvery = checkPositiveInteger(fn, 'recordEvery', options.recordEvery ?? defaultEvery);
  const { onRecord } = options;
  if (onRecord !== undefined && typeof onRecord !== 'function') fail(fn, 'onRecord', 'a function (record, history) => void', onRecord);
  return { recordEvery, onRecord: onRecord ?? (() => undefined) };
}

/** Appends a record to the history and tells the caller. */
export function addRecord<R>(history: R[], record: R, onRecord: (record: R, history: readonly R[]) => void): void {
  history.push(record);
  onRecord(record, history);
}
