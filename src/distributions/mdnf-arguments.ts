/**
 * The arguments of `FactorizedDiscreteFlowsMixture`, checked: its initial logits, its
 * base categories, and the one-hot points given to `logProb`.
 */
import * as tf from '@tensorflow/tfjs';
import { checkFiniteValues, checkIndex, fail } from '../validate';
import { toFloatTensor } from './checks';

/** The class name, which its error messages start with. */
export const MDNF_NAME = 'FactorizedDiscreteFlowsMixture';
const NAME = MDNF_NAME;

/**
 * The trainable variable [N, B, K]: default draws, or a copy of the given logits after
 * a shape check and, with `validate`, a finiteness check (which downloads a tensor).
 */
export function initialLogits(given: number[][][] | tf.Tensor | undefined, shape: number[], draw: () => Float32Array, validate: boolean): tf.Variable {
  const [N, B, K] = shape;
  // tidy frees each upload or cast; the variable keeps its own reference to the data.
  if (given === undefined) return tf.tidy(() => tf.variable(tf.tensor3d(draw(), [N, B, K]), true));
  const rule = `of shape [${shape.join(', ')}] ([N, B, K])`;
  if (given instanceof tf.Tensor) {
    return tf.tidy(() => {
      const { tensor } = toFloatTensor(NAME, 'logits', given);
      if (tensor.shape.join() !== shape.join()) fail(NAME, 'logits', rule, given);
      if (validate) checkFiniteValues(NAME, 'logits', tensor.dataSync());
      return tf.variable(tensor, true);
    });
  }
  // Arrays are checked here, not by tf.tensor: backends differ on ragged input.
  const isRow = (row: unknown, length: number) => Array.isArray(row) && row.length === length;
  if (!(isRow(given, N) && given.every((n) => isRow(n, B) && n.every((b) => isRow(b, K))))) fail(NAME, 'logits', rule, given);
  const values = Float32Array.from(given.flat(2));
  if (validate) checkFiniteValues(NAME, 'logits', values);
  return tf.tidy(() => tf.variable(tf.tensor3d(values, [N, B, K]), true));
}

export function checkComponents(components: number[][], N: number, B: number, K: number): number[][] {
  if (!Array.isArray(components) || components.length !== N || components.some((row) => !Array.isArray(row) || row.length !== B)) {
    fail(NAME, 'components', `an array of shape [${N}, ${B}] ([N, B])`, components);
  }
  return components.map((row, n) => row.map((c, b) => checkIndex(NAME, `components[${n}][${b}]`, c, K)));
}

/** Checks that x [m, N, K] has one-hot rows; reads the values back, so keep x small. */
export function checkOneHot(fn: string, x: tf.Tensor, K: number): void {
  const v = x.dataSync();
  for (let r = 0; r < v.length; r += K) {
    let ones = 0;
    for (let k = 0; k < K; k++) {
      if (v[r + k] === 1) ones++;
      else if (v[r + k] !== 0) fail(fn, 'x', 'one-hot (entries 0 or 1)', `${v[r + k]} at flat index ${r + k}`);
    }
    if (ones !== 1) fail(fn, 'x', 'one-hot (exactly one 1 per row)', `${ones} ones in row ${r / K}`);
  }
}
