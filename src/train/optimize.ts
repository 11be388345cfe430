/**
 * Plain stochastic gradient descent on the logits of a discrete distribution, with
 * any of the library's gradient estimators, recording the exact objective next to the estimate.
 */
import * as tf from '@tensorflow/tfjs';
import { Baseline, resolveBaseline } from '../estimators/baselines';
import { checkedExactObjective, eventSpaceSize, MAX_EXACT_EVENTS } from '../estimators/exact';
import { CheckedProblem, Family, FAMILIES, probabilities, SampleLoss, withCheckedProblem } from '../estimators/problem';
import { checkEstimatorName, EstimatorName, EstimatorOptions, RELAXED_ESTIMATORS, runEstimator } from '../estimators/registry';
import { Seed, toRandom } from '../random';
import { checkPositive, checkPositiveInteger, fail } from '../validate';
import { addRecord, checkLoopOptions, checkSteps, LoopOptions } from './loop';
import { TemperatureSchedule, toSchedule } from './schedules';

/** One recorded step. */
export interface TrainingRecord {
  step: number;
  /** The estimator's loss at this step (mean over its draws; exact for `exact`). */
  loss: number;
  /** The exact objective E_q[f] at this step's logits; NaN when the event space is too large. */
  exactLoss: number;
  /** q's probabilities at this step, flattened: softmax of the logits (categorical) or σ(logits) (Bernoulli). */
  probs: number[];
  /** τ at this step (NaN for estimators without one). */
  temperature: number;
  /** ‖ĝ‖₂ of this step's gradient estimate. */
  gradNorm: number;
}

/** Options of `optimize`; `recordEvery` defaults to steps/100. */
export interface OptimizeOptions extends LoopOptions<TrainingRecord> {
  estimator: EstimatorName;
  steps: number;
  learningRate: number;
  numSamples: number;
  seed: Seed;
  /** A constant τ or a schedule; required by the Gumbel-Softmax estimators. */
  temperature?: number | TemperatureSchedule;
  /** REINFORCE only; default 'none'. */
  baseline?: Baseline;
}

/**
 * Runs `steps` SGD steps on `logits`, logits ← logits − learningRate·ĝ, with the
 * gradient estimator `options.estimator` on `problem`, and returns the recorded steps.
 *
 * Each step is one estimator call inside `tf.tidy` plus one update, so
 * `tf.memory().numTensors` is the same after the loop as before it. Only recorded
 * steps read anything back from the backend (the loss, q's probabilities, ‖ĝ‖). A
 * recorded step with a non-finite loss or estimate throws before its update; an
 * unrecorded one is not applied, and the next record throws, saying how many steps
 * were skipped. Either way the logits keep their last finite values.
 *
 * @param logits the parameters, updated in place: [...batch, K] (categorical) or [...batch] (Bernoulli).
 * @param problem the family and the per-sample loss (the logits are the variable).
 *
 * @example
 * const logits = tf.variable(tf.tensor1d([1, 1, 1]));
 * const history = optimize(logits, { family: 'categorical', loss: squaredErrorLoss(SQUARED_ERROR_CATEGORICAL_TARGET) }, {
 *   estimator: 'st-gumbel-softmax', steps: 1000, learningRate: 0.01, numSamples: 100, seed: 0,
 *   temperature: 5, recordEvery: 100,
 * });
 * console.log(history.at(-1)?.exactLoss);  // the true objective at the end
 * logits.dispose();
 */
export function optimize(logits: tf.Variable, problem: { family: Family; loss: SampleLoss }, options: OptimizeOptions): TrainingRecord[] {
  const fn = 'optimize';
  if (!(logits instanceof tf.Variable)) fail(fn, 'logits', 'a tf.Variable (it is updated in place)', logits);
  if (problem === null || typeof problem !== 'object' || !FAMILIES.includes(problem.family)) {
    fail(fn, 'problem.family', `one of ${FAMILIES.join(', ')}`, problem?.family);
  }
  if (options === null || typeof options !== 'object') fail(fn, 'options', 'an object', options);
  const name = checkEstimatorName(fn, options.estimator, 'estimator');
  const steps = checkSteps(fn, 'steps', options.steps);
  const learningRate = checkPositive(fn, 'learningRate', options.learningRate);
  const numSamples = checkPositiveInteger(fn, 'numSamples', options.numSamples);
  const { recordEvery, onRecord } = checkLoopOptions(fn, options, Math.max(1, Math.floor(steps / 100)));
  if (RELAXED_ESTIMATORS.includes(name) && options.temperature === undefined) {
    fail(fn, 'temperature', `given for '${name}' (a number > 0 or a schedule)`, undefined);
  }
  const schedule: TemperatureSchedule | undefined =
    options.temperature === undefined ? undefined : toSchedule(fn, options.temperature);
  const baseline = resolveBaseline(fn, options.baseline, numSamples);
  const rng = toRandom(options.seed, fn);
  const withExact = eventSpaceSize(problem.family, logits.shape) <= MAX_EXACT_EVENTS;
  const history: TrainingRecord[] = [];

  // Steps that are not recorded download nothing, so a non-finite estimate cannot be
  // seen there when it happens. Such a step leaves the logits as they were (the update
  // is selected on the device), and a counter on the device reports it at the next record.
  const skipped = tf.tidy(() => tf.variable(tf.scalar(0), false)); // tidy frees the initial scalar
  try {
    withCheckedProblem(fn, { logits, family: problem.family, loss: problem.loss }, (checked) => {
      let lastRecord = 0;
      for (let step = 0; step < steps; step++) {
        const temperature = schedule === undefined ? NaN : schedule(step);
        const record = step % recordEvery === 0 || step === steps - 1;
        tf.tidy(() => {
          // Steps skipped since the last record are reported first: they are the cause.
          const skippedSteps = record ? skipped.dataSync()[0] : 0;
          if (skippedSteps > 0) {
            throw new Error(`${fn}: the gradient estimate was not finite at ${skippedSteps} of the steps ` +
              `${lastRecord + 1}–${step - 1}, so those steps were not applied and the logits keep their last finite values; ` +
              'check the loss for NaN or ±∞ values');
          }
          const exactLoss = record && withExact ? checkedExactObjective(checked) : NaN;
          // Only recorded steps download the estimate's loss (and check it is finite).
          const stepOptions = { numSamples, seed: rng, temperature, baseline } as EstimatorOptions[EstimatorName];
          const { grad, loss } = runEstimator(name, checked, stepOptions, record);
          if (record) {
            const entry = readRecord(step, loss, exactLoss, temperature, checked, grad);
            lastRecord = step;
            addRecord(history, entry, onRecord);
            logits.assign(tf.sub(logits, tf.mul(grad, learningRate)));
            return;
          }
          const finite = tf.isFinite(tf.sum(grad));
          logits.assign(tf.where(tf.broadcastTo(finite, logits.shape), tf.sub(logits, tf.mul(grad, learningRate)), logits));
          skipped.assign(tf.add(skipped, tf.sub(1, tf.cast(finite, 'float32'))));
        });
      }
    });
  } finally {
    skipped.dispose();
  }
  return history;
}

/** Reads probs and ‖ĝ‖ in one transfer from the device. */
function readRecord(
  step: number, loss: number, exactLoss: number, temperature: number, problem: CheckedProblem, grad: tf.Tensor,
): TrainingRecord {
  const probs = probabilities(problem.family, problem.logits);
  const values = tf.concat([tf.reshape(probs, [-1]), tf.reshape(tf.norm(grad), [1])]).dataSync();
  const size = values.length - 1;
  return { step, loss, exactLoss, probs: Array.from(values.subarray(0, size)), temperature, gradNorm: values[size] };
}
