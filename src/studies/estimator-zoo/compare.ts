/**
 * Every estimator on one problem, at equal cost: each gets the number of samples that
 * spends the same budget of loss evaluations, is repeated M times, and is compared with
 * the exact gradient (bias, variance, cosine) and timed.
 */
import { gradientStatistics } from '../../diagnostics/gradient-statistics';
import { MAX_REPEATS, repeatEstimates } from '../../diagnostics/repeat-estimates';
import { GradientProblem, withCheckedProblem } from '../../estimators/problem';
import { checkEstimatorName, EstimatorName, EstimatorOptions, runEstimator } from '../../estimators/registry';
import { MAX_DRAWS, MAX_SEED } from '../../random';
import { checkPositiveInteger, fail } from '../../validate';

/** One estimator and the options it runs with (numSamples and seed are set by the comparison). */
export interface ZooEntry {
  /** A label for tables and legends, e.g. 'REINFORCE + RLOO'. */
  label: string;
  name: EstimatorName;
  /** Options other than numSamples and seed (temperature, baseline, …). */
  options?: Record<string, unknown>;
}

/** What the comparison measured for one entry. */
export interface ZooRow {
  label: string;
  estimator: EstimatorName;
  numSamples: number;
  lossEvaluations: number;
  /** ‖mean ĝ − ∇‖ over the M repeats, and the size it would have from noise alone. */
  bias: number;
  biasNoise: number;
  /** tr Cov(ĝ): the total variance of one estimate. */
  variance: number;
  /** E‖ĝ − ∇‖², the mean squared error of one estimate. */
  mse: number;
  /** Mean cos(ĝ, ∇). */
  cosine: number;
  /** mean ĝ over the M repeats, flattened in the logits' row-major order: what two estimators' expectations are compared by. */
  mean: number[];
  /** Wall-clock milliseconds per estimate (mean over the repeats). */
  msPerEstimate: number;
}

/** Options of `compareAtEqualCost`. */
export interface CompareOptions {
  /** Loss evaluations each estimate may spend; each entry gets as many samples as fit. */
  budget: number;
  /** M, repeats per entry. */
  repeats: number;
  /** Starts the random stream of each entry (the same for every entry). */
  seed: number;
}

/**
 * The number of samples with which `name` spends at most `budget` loss evaluations.
 *
 * Two trial calls, with numSamples 2 and 4, give the evaluations per sample and the
 * fixed part (sum-and-sample's summed outcomes); `exact`, whose cost does not depend on
 * numSamples, gets 1. The trials run with `options` as given, so state in them (a
 * control variate that tunes, a moving-average baseline) takes their steps: pass
 * throwaway state, or `tune: false`. A budget too small for 2 samples is refused.
 * `fn` names the function the user called, for the error messages.
 *
 * @example
 * const { problem } = coupledBernoulli(4);
 * samplesForBudget('reinforce', problem, {}, 60);  // 60
 * samplesForBudget('arm', problem, {}, 60);        // 30 pairs
 * samplesForBudget('rebar', problem, {}, 60);      // 20 draws (3 evaluations each)
 */
export function samplesForBudget(
  name: EstimatorName, problem: GradientProblem, options: Record<string, unknown>, budget: number, fn = 'samplesForBudget',
): number {
  checkEstimatorName(fn, name);
  checkPositiveInteger(fn, 'budget', budget);
  if (budget > MAX_DRAWS) fail(fn, 'budget', `at most ${MAX_DRAWS} loss evaluations (MAX_DRAWS)`, budget);
  const proto = options !== null && typeof options === 'object' ? Object.getPrototypeOf(options) : undefined;
  if (proto !== Object.prototype && proto !== null) fail(fn, 'options', "an object of the estimator's options (numSamples and seed are set here)", options);
  // Run under `fn`, so that every error names the function the user called.
  const trial = (n: number) => withCheckedProblem(fn, problem, (checked) => {
    const { grad, lossEvaluations } = runEstimator(name, checked, { ...options, numSamples: n, seed: 0 } as EstimatorOptions[EstimatorName], true);
    grad.dispose();
    return lossEvaluations;
  });
  const perTwo = trial(2);
  const perFour = trial(4);
  const perSample = (perFour - perTwo) / 2;
  if (perSample <= 0) return 1; // exact: its cost does not depend on numSamples
  const fixed = perTwo - 2 * perSample;
  const n = Math.floor((budget - fixed) / perSample);
  if (n < 2) fail(fn, 'budget', `enough for 2 samples of ${name} (${fixed + 2 * perSample} loss evaluations)`, budget);
  return n;
}

/**
 * Runs every entry on `problem` at equal cost and measures it against `exact`.
 *
 * @example
 * const rows = compareAtEqualCost(squaredErrorToy().problem, [
 *   { label: 'REINFORCE', name: 'reinforce' },
 *   { label: 'REINFORCE + RLOO', name: 'reinforce', options: { baseline: 'leave-one-out' } },
 *   { label: 'ST-GS τ = 1', name: 'st-gumbel-softmax', options: { temperature: 1 } },
 * ], { budget: 100, repeats: 200, seed: 0 });
 */
export function compareAtEqualCost(problem: GradientProblem, entries: ZooEntry[], options: CompareOptions): ZooRow[] {
  const fn = 'compareAtEqualCost';
  if (!Array.isArray(entries) || entries.length === 0) fail(fn, 'entries', 'a non-empty array of {label, name, options?}', entries);
  if (options === null || typeof options !== 'object') fail(fn, 'options', 'an object {budget, repeats, seed}', options);
  const repeats = checkPositiveInteger(fn, 'repeats', options.repeats);
  if (repeats < 2 || repeats > MAX_REPEATS) fail(fn, 'repeats', `at least 2 (a variance needs two estimates) and at most ${MAX_REPEATS}`, repeats);
  const { seed } = options;
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) fail(fn, 'seed', 'a whole number in [0, 2^32)', seed);
  entries.forEach((entry, i) => {
    if (entry === null || typeof entry !== 'object') fail(fn, `entries[${i}]`, 'an object {label, name, options?}', entry);
    if (typeof entry.label !== 'string') fail(fn, `entries[${i}].label`, 'a string', entry.label);
    checkEstimatorName(fn, entry.name, `entries[${i}].name`);
  });
  const exactGrad = withCheckedProblem(fn, problem, (checked) => {
    const truth = runEstimator('exact', checked, undefined, true);
    const values = truth.grad.dataSync();
    truth.grad.dispose();
    return values;
  });
  return entries.map((entry) => {
    const extra = entry.options === undefined ? {} : entry.options; // null is refused by samplesForBudget, not read as {}
    const numSamples = samplesForBudget(entry.name, problem, extra, options.budget, fn);
    const start = performance.now();
    const run = repeatEstimates(entry.name, problem, { ...extra, numSamples, seed: options.seed } as EstimatorOptions[EstimatorName], repeats);
    const ms = (performance.now() - start) / repeats;
    const stats = gradientStatistics(run.estimates, exactGrad);
    return {
      label: entry.label, estimator: entry.name, numSamples, lossEvaluations: run.lossEvaluations,
      bias: stats.biasNorm, biasNoise: stats.biasNoise, variance: stats.variance, mse: stats.mse, cosine: stats.cosine, mean: stats.mean,
      msPerEstimate: ms,
    };
  });
}

