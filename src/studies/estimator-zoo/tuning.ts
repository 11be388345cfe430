/**
 * Tuning a REBAR or RELAX control variate before it is measured: the papers tune it
 * online, alongside the model; on a fixed problem that is the same as a warm-up run of
 * estimates that are thrown away.
 */
import { MAX_REPEATS } from '../../diagnostics/repeat-estimates';
import { RebarControlVariate, RelaxControlVariate } from '../../estimators/control-variates';
import { GradientProblem, withCheckedProblem } from '../../estimators/problem';
import { runEstimator } from '../../estimators/registry';
import { toRandom } from '../../random';
import { checkPositiveInteger, fail } from '../../validate';

/** Options of `tuneControlVariate`. */
export interface TuningOptions {
  /** Calls of the estimator, each one Adam step on the control variate; at most MAX_REPEATS (100000). */
  steps: number;
  /** n, draws per call. */
  numSamples: number;
  /** Starts the random stream the calls share. */
  seed: number;
}

/** What the tuning spent and did. */
export interface TuningReport {
  /** Adam steps taken, and steps refused because the variance gradient was not finite. */
  updates: number;
  refusedUpdates: number;
  /** Loss evaluations spent on tuning in all (5n per call). */
  lossEvaluations: number;
  /** λ and η after tuning (η: one per logit). */
  temperature: number;
  scale: number[];
}

/**
 * Tunes `controlVariate` on `problem` by `steps` calls of `rebar` (a
 * `RebarControlVariate`) or `relax` (a `RelaxControlVariate`), discarding the
 * estimates. The control variate is changed in place; measure it afterwards with
 * `tune: false`, which costs 3n loss evaluations per estimate instead of 5n.
 *
 * @example
 * const toy = thresholdToy(0.499);
 * const controlVariate = new RelaxControlVariate({ learningRate: 0.03 });
 * const report = tuneControlVariate(toy.problem, controlVariate, { steps: 20, numSamples: 10, seed: 0 });
 * console.log(report.updates, report.temperature);
 * const [row] = compareAtEqualCost(toy.problem, [{ label: 'RELAX, tuned', name: 'relax', options: { controlVariate, tune: false } }],
 *   { budget: 60, repeats: 20, seed: 1 });
 * console.log(row.variance);
 * controlVariate.dispose();
 */
export function tuneControlVariate(
  problem: GradientProblem, controlVariate: RebarControlVariate | RelaxControlVariate, options: TuningOptions,
): TuningReport {
  const fn = 'tuneControlVariate';
  const name = controlVariate instanceof RelaxControlVariate ? 'relax' : controlVariate instanceof RebarControlVariate ? 'rebar' : undefined;
  if (name === undefined) fail(fn, 'controlVariate', 'a RebarControlVariate or a RelaxControlVariate', controlVariate);
  if (options === null || typeof options !== 'object') fail(fn, 'options', 'an object {steps, numSamples, seed}', options);
  const steps = checkPositiveInteger(fn, 'steps', options.steps);
  // One estimate per step: a mistyped count would otherwise run for hours.
  if (steps > MAX_REPEATS) fail(fn, 'steps', `at most ${MAX_REPEATS} (MAX_REPEATS)`, steps);
  const numSamples = checkPositiveInteger(fn, 'numSamples', options.numSamples);
  const rng = toRandom(options.seed, fn);
  let lossEvaluations = 0;
  // Run under this function's name, so that every error names what the user called.
  withCheckedProblem(fn, problem, (checked) => {
    for (let t = 0; t < steps; t++) {
      const estimate = runEstimator(name, checked, { numSamples, seed: rng, controlVariate: controlVariate as never }, true);
      estimate.grad.dispose();
      lossEvaluations += estimate.lossEvaluations;
    }
  });
  return {
    updates: controlVariate.updates, refusedUpdates: controlVariate.refusedUpdates, lossEvaluations,
    temperature: controlVariate.temperature, scale: controlVariate.scale,
  };
}
