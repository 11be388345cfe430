/**
 * Every estimator on one problem, at equal cost: each gets the number of samples that
 * spends the same budget of loss evaluations, is repeated M times, and is compared with
 * the exact gradient (bias, variance, cosine) and timed.
 */
import { gradientStatistics } from '../../diagnostics/gradient-statistics';
import { repeatEstimates } from '../../diagnostics/repeat-estimates';
import { exact } from '../../estimators/exact';
import { GradientProblem } from '../../estimators/problem';
import { EstimatorName, EstimatorOptions, estimateGradient } from '../../estimators/registry';
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
  checkPositiveInteger(fn, 'budget', budget);
  const trial = (n: number) => {
    const { grad, lossEvaluations } = estimateGradient(name, problem, { ...options, numSamples: n, seed: 0 } as EstimatorOptions[EstimatorName]);
    grad.dispose();
    return lossEvaluations;
  };
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
  if (repeats < 2) fail(fn, 'repeats', 'at least 2 (a variance needs two estimates)', repeats);
  const truth = exact(problem);
  const exactGrad = truth.grad.dataSync();
  truth.grad.dispose();
  return entries.map((entry) => {
    const extra = entry.options ?? {};
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

