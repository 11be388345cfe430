/**
 * Where SGD with a biased gradient estimator ends up.
 *
 * With a small learning rate, SGD follows the estimator's mean ḡ(l) = E[ĝ(l)] and
 * settles where ḡ vanishes. For an unbiased estimator that is a stationary point of
 * the objective; for a biased one (straight-through Gumbel-Softmax at a fixed τ) it
 * can lie elsewhere. `meanGradient` turns an estimator into ḡ, and
 * `findStationaryLogits` solves ḡ(l) = 0 by Newton's method.
 */
import * as tf from '@tensorflow/tfjs';
import { Baseline } from '../../estimators/baselines';
import { Family, FAMILIES, SampleLoss, withCheckedProblem } from '../../estimators/problem';
import { checkEstimatorName, EstimatorName, EstimatorOptions, runEstimator } from '../../estimators/registry';
import { MAX_SEED } from '../../random';
import { maxOf, sigmoid, softmax } from '../../host-math';
import { checkFiniteValues, checkPositive, checkPositiveInteger, fail, orDefault } from '../../validate';

/** Options of `meanGradient`. */
export interface MeanGradientOptions {
  estimator: EstimatorName;
  family: Family;
  /** Per-sample loss, as in a `GradientProblem`. */
  loss: SampleLoss;
  /** Draws per evaluation; the Monte Carlo error of ḡ shrinks as 1/√numSamples. */
  numSamples: number;
  /** A whole number: every evaluation redraws the same noise (common random numbers). */
  seed: number;
  temperature?: number;
  baseline?: Baseline;
}

/**
 * The estimator's mean gradient as a plain function of 1-D logits, estimated from
 * `numSamples` draws. Every call reuses the same seed, so nearby logits see the same
 * noise and ḡ is (nearly) smooth in the logits: what Newton's method needs.
 *
 * @example
 * const g = meanGradient({ estimator: 'st-gumbel-softmax', family: 'categorical',
 *   loss: squaredErrorLoss([0.2, 0.7, 0.1]), numSamples: 100_000, seed: 1, temperature: 5 });
 * g([1, 1, 1]);  // ≈ [0.018, −0.049, 0.031]
 */
export function meanGradient(options: MeanGradientOptions): (logits: number[]) => number[] {
  const fn = 'meanGradient';
  if (options === null || typeof options !== 'object') fail(fn, 'options', 'an object', options);
  const { family, loss, seed, temperature, baseline } = options;
  const estimator = checkEstimatorName(fn, options.estimator, 'estimator');
  if (!FAMILIES.includes(family)) fail(fn, 'family', `one of ${FAMILIES.join(', ')}`, family);
  if (typeof loss !== 'function') fail(fn, 'loss', 'a function of samples [n, ...] returning [n]', loss);
  if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) fail(fn, 'seed', 'a whole number ≥ 0 and below 2^32 (a Random would advance between calls)', seed);
  const numSamples = checkPositiveInteger(fn, 'numSamples', options.numSamples);
  return (logits: number[]) => {
    checkLogits(fn, logits, family);
    return tf.tidy(() => {
      const estimateOptions = { numSamples, seed, temperature, baseline } as EstimatorOptions[EstimatorName];
      // Run under this function's name, so that every error names what the user called.
      const { grad } = withCheckedProblem(fn, { logits, family, loss }, (p) => runEstimator(estimator, p, estimateOptions, true));
      return Array.from(grad.dataSync());
    });
  };
}

/** Options of `findStationaryLogits`. */
export interface StationaryPointOptions {
  /** ḡ: logits → a gradient of the same length (e.g. from `meanGradient`). */
  gradient: (logits: number[]) => number[];
  /** Where Newton's method starts. */
  initial: number[];
  /**
   * 'categorical': logits are defined up to a constant and ḡ sums to 0, so the last
   * logit stays at its initial value and the first K − 1 entries of ḡ are solved.
   * 'bernoulli': every logit is free.
   */
  family: Family;
  /** Half-width of the central differences for the Jacobian; default 0.05, wide enough to average over the small jumps of a Monte Carlo mean. */
  step?: number;
  /** The largest change of any logit in one Newton step; default 1 (a trust region: far from the zero, ḡ can be nearly flat). */
  maxStep?: number;
  /** Stop when max |ḡ| falls below this; default 1e-7. A Monte Carlo ḡ has a noise floor (about 1e-6 for 10⁵ draws of the squared-error toy): set the tolerance above it. */
  tolerance?: number;
  /** Stop when a Newton step moves no logit by more than this; default 1e-4. */
  stepTolerance?: number;
  maxIterations?: number;
}

/** The result of `findStationaryLogits`. */
export interface StationaryPoint {
  logits: number[];
  /** softmax(logits) (categorical) or σ(logits) (Bernoulli). */
  probs: number[];
  /** ḡ at `logits`. */
  gradient: number[];
  iterations: number;
  /** Whether a stopping rule was met (not the iteration limit, nor a failed line search). */
  converged: boolean;
}

/**
 * Solves ḡ(l) = 0 by damped Newton: a central-difference Jacobian, a step capped at
 * `maxStep`, then halved until max |ḡ| decreases. Each iteration costs 2m + 2 or more evaluations of ḡ,
 * for m free logits.
 *
 * @example
 * const g = meanGradient({ estimator: 'st-gumbel-softmax', family: 'categorical',
 *   loss: squaredErrorLoss([0.2, 0.7, 0.1]), numSamples: 20_000, seed: 1, temperature: 5 });
 * const point = findStationaryLogits({ gradient: g, initial: [0, 1, 0], family: 'categorical', tolerance: 1e-5 });
 * console.log(point.probs);  // where SGD with this estimator settles
 */
export function findStationaryLogits(options: StationaryPointOptions): StationaryPoint {
  const fn = 'findStationaryLogits';
  if (options === null || typeof options !== 'object') fail(fn, 'options', 'an object', options);
  const { gradient, family } = options;
  if (typeof gradient !== 'function') fail(fn, 'gradient', 'a function of logits returning an array of their length', gradient);
  if (!FAMILIES.includes(family)) fail(fn, 'family', `one of ${FAMILIES.join(', ')}`, family);
  const initial = checkLogits(fn, options.initial, family, 'initial');
  const h = checkPositive(fn, 'step', orDefault(options.step, 0.05));
  const tolerance = checkPositive(fn, 'tolerance', orDefault(options.tolerance, 1e-7));
  const stepTolerance = checkPositive(fn, 'stepTolerance', orDefault(options.stepTolerance, 1e-4));
  const maxStep = checkPositive(fn, 'maxStep', orDefault(options.maxStep, 1));
  const maxIterations = checkPositiveInteger(fn, 'maxIterations', orDefault(options.maxIterations, 30));
  const free = family === 'categorical' ? initial.length - 1 : initial.length;

  const toLogits = (u: number[]) => [...u, ...initial.slice(free)];
  const residual = (u: number[]) => {
    const g = gradient(toLogits(u));
    if (!Array.isArray(g) || g.length !== initial.length) fail(fn, 'gradient(logits)', `an array of length ${initial.length}`, g);
    checkFiniteValues(fn, 'gradient(logits)', g);
    return g.slice(0, free);
  };
  const size = (r: number[]) => maxOf(r.map(Math.abs));

  let u = initial.slice(0, free);
  let r = residual(u);
  let iterations = 0;
  let converged = size(r) < tolerance;
  while (!converged && iterations < maxIterations) {
    iterations++;
    const jacobian = r.map(() => new Array<number>(free).fill(0));
    for (let j = 0; j < free; j++) {
      const up = residual(u.map((x, i) => (i === j ? x + h : x)));
      const down = residual(u.map((x, i) => (i === j ? x - h : x)));
      for (let i = 0; i < free; i++) jacobian[i][j] = (up[i] - down[i]) / (2 * h);
    }
    const newton = solve(jacobian, r.map((x) => -x));
    if (newton === undefined) break; // singular Jacobian: ḡ is flat here
    const shrink = Math.min(1, maxStep / size(newton));
    const delta = newton.map((d) => d * shrink);
    let accepted = false;
    for (let alpha = 1; alpha >= 1 / 64; alpha /= 2) {
      const trial = u.map((x, i) => x + alpha * delta[i]);
      const rTrial = residual(trial);
      if (size(rTrial) < size(r)) {
        const moved = alpha * size(delta);
        u = trial;
        r = rTrial;
        accepted = true;
        converged = size(r) < tolerance || moved < stepTolerance;
        break;
      }
    }
    if (!accepted) {
      // No step lowers |ḡ|: the Monte Carlo noise floor is reached if the step is already tiny.
      converged = size(delta) < stepTolerance;
      break;
    }
  }
  const logits = toLogits(u);
  return { logits, probs: probabilities(family, logits), gradient: gradient(logits), iterations, converged };
}

function checkLogits(fn: string, logits: number[], family: Family, arg = 'logits'): number[] {
  const least = family === 'categorical' ? 2 : 1;
  if (!Array.isArray(logits) || logits.length < least) {
    fail(fn, arg, `an array of at least ${least} numbers for the ${family} family`, logits);
  }
  checkFiniteValues(fn, arg, logits);
  return logits.slice();
}

function probabilities(family: Family, logits: number[]): number[] {
  return family === 'bernoulli' ? logits.map(sigmoid) : softmax(logits);
}

/** Solves A x = b by Gaussian elimination with partial pivoting; undefined if A is singular. */
function solve(a: number[][], b: number[]): number[] | undefined {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let i = c + 1; i < n; i++) if (Math.abs(m[i][c]) > Math.abs(m[pivot][c])) pivot = i;
    if (!(Math.abs(m[pivot][c]) > 1e-300)) return undefined;
    [m[c], m[pivot]] = [m[pivot], m[c]];
    for (let i = c + 1; i < n; i++) {
      const f = m[i][c] / m[c][c];
      for (let j = c; j <= n; j++) m[i][j] -= f * m[c][j];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = m[i][n];
    for (let j = i + 1; j < n; j++) s -= m[i][j] * x[j];
    x[i] = s / m[i][i];
  }
  return x;
}
