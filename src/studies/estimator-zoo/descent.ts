/**
 * Where plain SGD on each estimator's estimates ends up: the same problem, the same
 * budget of loss evaluations per step, and the exact objective and q recorded along the
 * way, so that a biased estimator's wrong resting point shows next to the optimum.
 */
import * as tf from '@tensorflow/tfjs';
import { toFloatTensor } from '../../distributions/checks';
import { TunableControlVariate } from '../../estimators/control-variates';
import { checkedExactObjective } from '../../estimators/exact';
import { CheckedProblem, GradientProblem, probabilities, withCheckedProblem } from '../../estimators/problem';
import { checkEstimatorName, EstimatorName, EstimatorOptions, runEstimator } from '../../estimators/registry';
import { Random } from '../../random';
import { addRecord, checkLoopOptions, checkSteps, LoopOptions } from '../../train/loop';
import { checkPositive, fail } from '../../validate';
import { samplesForBudget, ZooEntry } from './compare';

/** An entry of the zoo, with the state objects each run must own. */
export interface DescentEntry extends ZooEntry {
  /**
   * Makes fresh state for one run (e.g. `{ controlVariate: new RebarControlVariate() }`),
   * merged into the options: a control variate tuned by one run must not carry over to
   * the next. Called once per run, and once for a throwaway trial that sizes the budget.
   */
  state?: () => Record<string, unknown>;
}

/** Options of `descendOnEstimates`; `recordEvery` defaults to steps / 20. */
export interface DescentOptions extends LoopOptions<DescentRecord> {
  /** SGD steps, logits ← logits − learningRate · ĝ. */
  steps: number;
  learningRate: number;
  /** Loss evaluations each step's estimate may spend (see `samplesForBudget`). */
  budget: number;
  /** Starts the run's random stream. */
  seed: number;
}

/** The state of one run after `step` SGD steps. */
export interface DescentRecord {
  step: number;
  /** E_q[f] at this step's logits, by enumeration. */
  exactLoss: number;
  /** q's probabilities, flattened: softmax of each row (categorical) or σ (Bernoulli). */
  probs: number[];
}

/** One SGD run with one estimator. */
export interface DescentRun {
  label: string;
  estimator: EstimatorName;
  seed: number;
  numSamples: number;
  /** Loss evaluations per step. */
  lossEvaluations: number;
  /** The history: from step 0 (the starting logits) to `steps` (after the last update). */
  records: DescentRecord[];
}

/** q and E_q[f] at the checked problem's current logits (the variable being trained). */
function record(problem: CheckedProblem, step: number): DescentRecord {
  const exactLoss = checkedExactObjective(problem);
  const probs = tf.tidy(() => Array.from(probabilities(problem.family, problem.logits).dataSync()));
  return { step, exactLoss, probs };
}

function disposeState(state: Record<string, unknown>): void {
  for (const value of Object.values(state)) if (value instanceof TunableControlVariate) value.dispose();
}

/**
 * Runs `steps` SGD steps on `problem`'s logits with `entry`'s estimator, each estimate
 * given the samples that fit `budget` loss evaluations, and records the exact
 * objective and q. The problem's own logits are the start and are not changed.
 *
 * Shapes: `records[i].probs` has the logits' size, in row-major order. The problem
 * must be small enough for `exactObjective` (it is enumerated at every record).
 * `tf.memory().numTensors` is the same after the call as before, also when an
 * estimate fails (e.g. its loss is not finite), which throws an error that starts
 * with `descendOnEstimates('<name>')`.
 *
 * @example
 * const toy = thresholdToy(0.499);
 * const run = descendOnEstimates(toy.problem, { label: 'REINFORCE + RLOO', name: 'reinforce', options: { baseline: 'leave-one-out' } },
 *   { steps: 50, learningRate: 10, budget: 60, seed: 0 });
 * console.log(run.records[run.records.length - 1].probs);  // q(b = 1) at the end; the optimum is 0
 *
 * // A control variate tuned online: each run makes its own.
 * const rebarRun = descendOnEstimates(toy.problem,
 *   { label: 'REBAR', name: 'rebar', state: () => ({ controlVariate: new RebarControlVariate() }) },
 *   { steps: 20, learningRate: 10, budget: 60, seed: 0 });
 */
export function descendOnEstimates(problem: GradientProblem, entry: DescentEntry, options: DescentOptions): DescentRun {
  const fn = 'descendOnEstimates';
  if (entry === null || typeof entry !== 'object') fail(fn, 'entry', 'an object {label, name, options?, state?}', entry);
  checkEstimatorName(fn, entry.name, 'entry.name');
  if (entry.state !== undefined && typeof entry.state !== 'function') fail(fn, 'entry.state', 'a function returning fresh state', entry.state);
  if (options === null || typeof options !== 'object') fail(fn, 'options', 'an object {steps, learningRate, budget, seed}', options);
  const steps = checkSteps(fn, 'steps', options.steps);
  const learningRate = checkPositive(fn, 'learningRate', options.learningRate);
  const { recordEvery, onRecord } = checkLoopOptions(fn, options, Math.max(1, Math.floor(steps / 20)));
  const seed = options.seed;
  if (!(typeof seed === 'number' && Number.isInteger(seed) && seed >= 0)) fail(fn, 'seed', 'a whole number ≥ 0', seed);
  const extra = entry.options ?? {};
  const trialState = entry.state?.() ?? {};
  let numSamples: number;
  try {
    numSamples = samplesForBudget(entry.name, problem, { ...extra, ...trialState }, options.budget, fn);
  } finally {
    disposeState(trialState);
  }
  // A copy of the starting logits: the caller's problem is left as it was.
  const { tensor: start, owned } = toFloatTensor(fn, 'problem.logits', problem.logits);
  const logits = tf.variable(start, true);
  if (owned) start.dispose();
  const run: DescentRun = { label: entry.label, estimator: entry.name, seed, numSamples, lossEvaluations: 0, records: [] };
  const state = entry.state?.() ?? {};
  const stepOptions = { ...extra, ...state, numSamples, seed: new Random(seed) } as EstimatorOptions[EstimatorName];
  try {
    // The checked problem holds the variable itself, so every step sees the updated logits.
    withCheckedProblem(`${fn}('${entry.name}')`, { ...problem, logits }, (checked) => {
      addRecord(run.records, record(checked, 0), onRecord);
      for (let step = 1; step <= steps; step++) {
        tf.tidy(() => {
          const { grad, lossEvaluations } = runEstimator(entry.name, checked, stepOptions, true);
          run.lossEvaluations = lossEvaluations;
          logits.assign(tf.sub(logits, tf.mul(grad, learningRate)));
        });
        if (step % recordEvery === 0 || step === steps) addRecord(run.records, record(checked, step), onRecord);
      }
    });
  } finally {
    logits.dispose();
    disposeState(state);
  }
  return run;
}
