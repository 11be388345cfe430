/**
 * The exact mean of the straight-through Gumbel-Softmax estimator for one categorical
 * variable of K = 2 or 3 categories (or one Bernoulli variable), by quadrature.
 *
 * Monte Carlo cannot resolve the bias of ST-GS at low τ: its variance grows like 1/τ,
 * because the backward pass is of size 1/τ on the few draws near a tie. The mean itself
 * is a smooth integral once the argmax k is fixed. With x = logits + G and the gaps
 * u_j = (x_j − x_k)/τ ≤ 0 of the other categories, a property of Gumbel noise gives
 * their joint law given k in closed form (below), so
 *
 *     E[ĝ] = Σ_k π_k E[ J(z)ᵀ ∇f(e_k) | argmax = k ],   z = softmax(0, u),   J = (diag z − zzᵀ)/τ,
 *
 * is a K − 1 dimensional integral of a smooth function against a known distribution,
 * evaluated here on a grid whose cell probabilities are exact.
 *
 * The joint law: given argmax k, E = exp(−(max x − logsumexp(logits))) is Exp(1), and
 * v_j = exp(x_k − x_j) − 1 are independent Exp(π_j E) given E. Integrating E out,
 * P(v_j ≥ α_j for all j ≠ k | k) = 1 / (1 + Σ_j π_j α_j), and v_j ≥ α_j ⟺ u_j ≤ −log(1 + α_j)/τ.
 */
import * as tf from '@tensorflow/tfjs';
import { softmax, sigmoid } from '../../host-math';
import { guardedValueAndGrad } from '../../estimators/guarded-gradient';
import { Family, FAMILIES, SampleLoss } from '../../estimators/problem';
import { checkFiniteValues, checkPositive, checkPositiveInteger, fail, orDefault } from '../../validate';

/** What `expectedStGumbelSoftmaxGradient` integrates: one variable and a loss differentiable at its outcomes. */
export interface StraightThroughMeanProblem {
  /** K = 2 or 3 logits (categorical), or one logit (Bernoulli). */
  logits: readonly number[];
  family: Family;
  /** Per-sample loss, as in a `GradientProblem`: y [n, K] one-hot (or [n, 1] of 0/1) → [n]. */
  loss: SampleLoss;
}

/** Options of `expectedStGumbelSoftmaxGradient`. */
export interface StraightThroughMeanOptions {
  /** τ, finite and at least `MIN_QUADRATURE_TEMPERATURE`; the grid adapts to τ (tested from 10⁻³ to 80). */
  temperature: number;
  /**
   * Grid cells per unit of the finest scale, min(1, 1/τ) in u; default 50, at most
   * `MAX_CELLS_PER_UNIT`. The error falls as its square; the cost, K·(40·cellsPerUnit)^(K−1)
   * softmax evaluations, grows as its square for K = 3.
   */
  cellsPerUnit?: number;
}

/**
 * The smallest τ accepted. The cell probabilities are differences of numbers near 1 of
 * size about π·τ/cellsPerUnit; below 10⁻⁶ too few of their digits survive in double precision.
 */
export const MIN_QUADRATURE_TEMPERATURE = 1e-6;
/** The finest grid accepted: 8000 cells a side, about 2·10⁸ evaluations for K = 3 (seconds, not hours). */
export const MAX_CELLS_PER_UNIT = 200;

/** Beyond this gap, e^u < 10⁻¹³: z is a vertex and J vanishes, to that precision. */
const GAP_RANGE = 30;
/** Beyond this log-gap τ·|u| the probability left is below e^−40 / min π. */
const LOG_GAP_RANGE = 40;

/**
 * The exact expected straight-through Gumbel-Softmax gradient E[ĝ_ST] for one variable,
 * to quadrature error (about 10⁻⁶ of its norm at the default grid).
 *
 * ĝ_ST = J(z)ᵀ ∇f(y) with z = softmax((logits + G)/τ) and y = onehot(argmax z), the
 * estimator `'st-gumbel-softmax'` averages; for Bernoulli, z = σ((logit + L)/τ) with
 * logistic L and y = round(z). Only ∇f at the K outcomes enters, computed by autodiff.
 * Cost: about K·(2000)^(K−1) evaluations of a softmax on the host at the default grid
 * (a tenth of a second for K = 3), which is why K ≤ 3.
 *
 * Shapes: `logits` [K] → the gradient [K] (Bernoulli: [1] → [1]).
 *
 * @example
 * const loss = squaredErrorLoss([0.2, 0.7, 0.1]);
 * expectedStGumbelSoftmaxGradient({ logits: [1, 1, 1], family: 'categorical', loss }, { temperature: 0.01 });
 * // ≈ the exact gradient [0.0889, −0.2444, 0.1556]: for this loss the bias vanishes as τ → 0
 */
export function expectedStGumbelSoftmaxGradient(problem: StraightThroughMeanProblem, options: StraightThroughMeanOptions): number[] {
  const fn = 'expectedStGumbelSoftmaxGradient';
  if (problem === null || typeof problem !== 'object') fail(fn, 'problem', 'an object {logits, family, loss}', problem);
  if (options === null || typeof options !== 'object') fail(fn, 'options', 'an object {temperature}', options);
  const { family, loss } = problem;
  if (!FAMILIES.includes(family)) fail(fn, 'problem.family', `one of ${FAMILIES.join(', ')}`, family);
  if (typeof loss !== 'function') fail(fn, 'problem.loss', 'a function of samples [n, K] returning [n]', loss);
  const sizes = family === 'categorical' ? '2 or 3 numbers for the categorical family' : '1 number for the Bernoulli family';
  const logits = problem.logits;
  if (!Array.isArray(logits) || !(family === 'categorical' ? logits.length === 2 || logits.length === 3 : logits.length === 1)) {
    fail(fn, 'problem.logits', `an array of ${sizes}`, logits);
  }
  checkFiniteValues(fn, 'problem.logits', logits);
  const temperature = checkPositive(fn, 'options.temperature', options.temperature);
  if (temperature < MIN_QUADRATURE_TEMPERATURE) fail(fn, 'options.temperature', `at least ${MIN_QUADRATURE_TEMPERATURE}`, temperature);
  const cellsPerUnit = checkPositiveInteger(fn, 'options.cellsPerUnit', orDefault(options.cellsPerUnit, 50));
  if (cellsPerUnit > MAX_CELLS_PER_UNIT) fail(fn, 'options.cellsPerUnit', `at most ${MAX_CELLS_PER_UNIT}`, cellsPerUnit);

  if (family === 'bernoulli') {
    // A logistic variable is a difference of two Gumbels: Bernoulli(σ(l)) is the categorical (l, 0).
    const [atOne, atZero] = outcomeGradients(fn, loss, () => tf.tensor2d([[1], [0]]));
    const p = sigmoid(logits[0]);
    return [integrate([p, 1 - p], [[atOne[0], 0], [atZero[0], 0]], temperature, cellsPerUnit)[0]];
  }
  const K = logits.length;
  return integrate(softmax(logits.slice()), outcomeGradients(fn, loss, () => tf.eye(K) as tf.Tensor2D), temperature, cellsPerUnit);
}

/** ∇f at each row of `outcomes()` [m, d] (each row's loss depends on that row only): [m][d]. */
function outcomeGradients(fn: string, loss: SampleLoss, outcomes: () => tf.Tensor2D): number[][] {
  const rows = tf.tidy(() => {
    const y = outcomes();
    const m = y.shape[0];
    // Guarded: a loss that throws while the tape records would otherwise strand tensors.
    const { grad } = guardedValueAndGrad((input) => {
      const values = loss(input);
      if (!(values instanceof tf.Tensor) || values.isDisposed || values.rank !== 1 || values.shape[0] !== m) {
        fail(fn, 'problem.loss(y)', `a tensor of shape [${m}] (one value per sample)`, values);
      }
      return tf.sum(values) as tf.Scalar;
    }, y);
    return grad.arraySync() as number[][];
  });
  rows.forEach((row) => checkFiniteValues(fn, 'the gradient of problem.loss at an outcome', row));
  return rows;
}

/** The grid along one gap axis: cell corners (as α = e^{−τa} − 1, from +∞ down to 0) and e^u at the cell midpoints. */
function gapGrid(temperature: number, cellsPerUnit: number): { alpha: Float64Array; midpointExp: Float64Array } {
  // The integrand varies on the scale 1 in u, the probability on the scale 1/τ.
  const width = Math.min(1, 1 / temperature) / cellsPerUnit;
  const range = Math.min(GAP_RANGE, LOG_GAP_RANGE / temperature);
  const cells = Math.ceil(range / width);
  // Corner 0 is −∞ (α = ∞), corners 1 … cells + 1 run from −cells·width up to 0.
  const alpha = new Float64Array(cells + 2);
  const midpointExp = new Float64Array(cells + 1);
  alpha[0] = Infinity;
  midpointExp[0] = 0; // the tail cell (−∞, −range]: there e^u is 0 to double precision
  for (let i = 1; i <= cells + 1; i++) alpha[i] = Math.expm1(temperature * (cells + 1 - i) * width);
  for (let i = 1; i <= cells; i++) midpointExp[i] = Math.exp(-(cells - i + 0.5) * width);
  return { alpha, midpointExp };
}

/** Σ_k π_k E[J(z)ᵀ w_k | argmax = k] for K = 2 or 3, with w_k = ∇f(e_k). */
function integrate(pi: number[], w: number[][], temperature: number, cellsPerUnit: number): number[] {
  const K = pi.length;
  const { alpha, midpointExp } = gapGrid(temperature, cellsPerUnit);
  const n = midpointExp.length;
  const total = new Array<number>(K).fill(0);
  for (let k = 0; k < K; k++) {
    if (pi[k] === 0) continue;
    // The other categories a (and b), and w_k in the order (k, a, b); for K = 2, b has r = 0.
    const a = (k + 1) % K, b = (k + 2) % K;
    const wk = w[k][k], wa = w[k][a], wb = K === 3 ? w[k][b] : 0;
    const pa = pi[a], pb = K === 3 ? pi[b] : 0;
    // F(i, l) = P(gap_a ≤ corner i, gap_b ≤ corner l | k) = 1 / (1 + π_a α_i + π_b α_l), 0 at a corner −∞.
    const cdfRow = (i: number, out: Float64Array) => {
      for (let l = 0; l <= n; l++) out[l] = i === 0 || l === 0 ? 0 : 1 / (1 + pa * alpha[i] + pb * alpha[l]);
    };
    let lower = new Float64Array(n + 1), upper = new Float64Array(n + 1);
    cdfRow(0, lower);
    let sk = 0, sa = 0, sb = 0;
    // K = 2: the absent gap b has the one cell (−∞, 0], from corner 0 to corner n.
    const cellsB = K === 3 ? n : 1;
    for (let i = 0; i < n; i++) {
      cdfRow(i + 1, upper);
      const ra = midpointExp[i];
      for (let l = 0; l < cellsB; l++) {
        const l0 = K === 3 ? l : 0, l1 = K === 3 ? l + 1 : n;
        const mass = upper[l1] - upper[l0] - lower[l1] + lower[l0];
        if (mass === 0) continue;
        const rb = K === 3 ? midpointExp[l] : 0;
        // z = (1, r_a, r_b) / (1 + r_a + r_b); (J ᵀ w)_m = z_m (w_m − ⟨z, w⟩) / τ, the 1/τ applied at the end.
        const norm = 1 + ra + rb;
        const zk = 1 / norm, za = ra / norm, zb = rb / norm;
        const mean = zk * wk + za * wa + zb * wb;
        sk += mass * zk * (wk - mean);
        sa += mass * za * (wa - mean);
        sb += mass * zb * (wb - mean);
      }
      [lower, upper] = [upper, lower];
    }
    total[k] += (pi[k] * sk) / temperature;
    total[a] += (pi[k] * sa) / temperature;
    if (K === 3) total[b] += (pi[k] * sb) / temperature;
  }
  return total;
}
