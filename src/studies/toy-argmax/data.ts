/**
 * The toy argmax task's data: shuffled arrays of 0 … K−1 and the position of their
 * largest entry, with the checks every toy-argmax function applies to them.
 */
import { Received } from '../../distributions/checks';
import { Seed, toRandom } from '../../random';
import { describe, fail } from '../../validate';

/**
 * The largest array length the toy accepts. The model's kernel is K × K, so 1024 is
 * a million weights (4 MB); anything larger is no longer a toy.
 */
export const MAX_TOY_VALUES = 1024;

/** Checks an array length K: a whole number in [2, MAX_TOY_VALUES] (with one entry there is nothing to choose). */
export function checkNumValues(fn: string, value: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 2 || value > MAX_TOY_VALUES) {
    fail(fn, 'numValues', `a whole number in [2, ${MAX_TOY_VALUES}]`, value);
  }
  return value;
}

/**
 * A shuffled [0, 1, …, K−1] and the position of its largest entry K − 1.
 *
 * @param numValues K, a whole number in [2, 1024].
 * @param seed a seed or a `Random` (which advances).
 * @returns `x`, K numbers, and `target`, an index in [0, K).
 *
 * @example
 * shuffledArray(5, 3);  // { x: [3, 2, 0, 4, 1], target: 3 }
 */
export function shuffledArray(numValues: number, seed: Seed): { x: number[]; target: number } {
  const fn = 'shuffledArray';
  checkNumValues(fn, numValues);
  const x = toRandom(seed, fn).permutation(numValues);
  return { x, target: x.indexOf(numValues - 1) };
}

/** Checks a non-empty list of rows, each of `numValues` finite numbers. */
export function checkArrays(fn: string, arg: string, arrays: unknown, numValues: number): number[][] {
  const rule = `a non-empty array of rows of ${numValues} finite numbers`;
  if (!Array.isArray(arrays) || arrays.length === 0) fail(fn, arg, rule, arrays);
  arrays.forEach((row: unknown, i) => {
    const ok = Array.isArray(row) && row.length === numValues && row.every((v) => typeof v === 'number' && Number.isFinite(v));
    if (!ok) fail(fn, arg, rule, new Received(`${describe(row)} at row ${i}`));
  });
  return arrays as number[][];
}

/** Checks one target position per row: whole numbers in [0, numValues). */
export function checkTargets(fn: string, arg: string, targets: unknown, numRows: number, numValues: number): number[] {
  const rule = `an array of ${numRows} whole numbers in [0, ${numValues}) (one per row)`;
  if (!Array.isArray(targets) || targets.length !== numRows) fail(fn, arg, rule, targets);
  targets.forEach((t: unknown, i) => {
    if (typeof t !== 'number' || !Number.isInteger(t) || t < 0 || t >= numValues) fail(fn, arg, rule, new Received(`${describe(t)} at row ${i}`));
  });
  return targets as number[];
}
