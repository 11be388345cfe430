/**
 * Trains a categorical VAE with Adam, one gradient estimator and one KL treatment,
 * and records a history for charts: the training objective, τ, time, and the
 * held-out bound of the true discrete model at the end of each epoch.
 */
import * as tf from '@tensorflow/tfjs';
import { Digits, PIXELS } from '../../data/mnist';
import { Received } from '../../distributions/checks';
import { MovingAverageBaseline } from '../../estimators/baselines';
import { guardedVariableGrads } from '../../estimators/guarded-gradient';
import { Seed, toRandom } from '../../random';
import { Adam } from '../../train/adam';
import { exponentialAnnealing, TemperatureSchedule, toSchedule } from '../../train/schedules';
import { addRecord, checkLoopOptions, LoopOptions, MAX_TRAINING_STEPS } from '../../train/loop';
import { checkPositive, checkPositiveInteger, describe, fail } from '../../validate';
import { CategoricalVae } from './categorical-vae';
import { evaluateVae } from './evaluate';
import { vaeObjective } from './objective';
import { checkEstimatorTemperature, checkObjectiveOptions, VaeEstimator, VaeKlTerm } from './objective-options';

/** What `trainVae` fits: binary training digits, and optionally held-out digits for the bound recorded at each epoch's end. */
export interface VaeTrainingData {
  train: Digits;
  test?: Digits;
}

/** Options of `trainVae`; `recordEvery` defaults to 20 steps (and each epoch's end is always recorded). */
export interface TrainVaeOptions extends LoopOptions<VaeRecord> {
  estimator: VaeEstimator;
  kl: VaeKlTerm;
  epochs: number;
  /** Default 100. */
  batchSize?: number;
  /** Adam's step size; default 1e-3. */
  learningRate?: number;
  /** τ, constant or per step; default Jang et al.'s τ = max(0.5, exp(−1e-4·t)). */
  temperature?: number | TemperatureSchedule;
  /** λ of the Concrete prior (kl 'concrete-monte-carlo'); default: τ at each step. */
  priorTemperature?: number;
  /** Samples per digit; default 4 for REINFORCE (its leave-one-out baseline needs ≥ 2) and VIMCO, else 1. */
  numSamples?: number;
  /** 'gumbel-rao' only: conditional Gumbel draws per sample; default 10. */
  conditionalSamples?: number;
  /** REINFORCE's baseline; default 'leave-one-out'. */
  baseline?: 'leave-one-out' | 'moving-average';
  seed: Seed;
  /** Held-out digits and samples per digit for the per-epoch bound; defaults 500 and 10. */
  evalCount?: number;
  evalSamples?: number;
}

/** One record: the training objective since the previous record, and at an epoch's end the held-out bounds. */
export interface VaeRecord {
  /** Steps taken so far. */
  step: number;
  /** Epochs so far, step / steps per epoch: a whole number exactly at an epoch's end. */
  epoch: number;
  /** The mean training objective (nats per digit) over the steps since the previous record. */
  loss: number;
  /** τ at the last of those steps. */
  temperature: number;
  /** Seconds spent in training steps so far (held-out evaluation excluded). */
  seconds: number;
  /** −ELBO and −IWAE of the discrete model on the held-out digits: at an epoch's end when `test` is given, else NaN. */
  heldOutNegElbo: number;
  heldOutNegIwae: number;
}

/**
 * Trains `model` in place on `data` with Adam and returns its history: one record
 * every `recordEvery` steps and at each epoch's end. Every step runs inside a tidy
 * scope, so `tf.memory().numTensors` stays flat.
 *
 * A step is applied only once it is known to be valid: the objective and every
 * gradient are computed and checked for finiteness first (two scalars read back), and a step
 * whose objective or gradient is NaN or infinite is refused with an error naming the
 * step, so the model keeps the weights it had before that step. Every option, and the
 * temperature at every step the run will take, is checked before any tensor is made.
 *
 * @example
 * const digits = { images: new Float32Array(4 * 784).map((_, i) => (i % 7 === 0 ? 1 : 0)), labels: new Int32Array(4), count: 4 };
 * const vae = new CategoricalVae({ numLatents: 2, numCategories: 3, hidden: [8], seed: 0 });
 * const history = trainVae(vae, { train: digits, test: digits }, { estimator: 'st-gumbel-softmax', kl: 'analytic', epochs: 2, batchSize: 2, seed: 1 });
 * console.log(history.map((r) => r.loss));                                           // the objective per record
 * console.log(history.filter((r) => Number.isInteger(r.epoch)).map((r) => r.heldOutNegElbo));  // the held-out −ELBO per epoch
 * vae.dispose();
 */
export function trainVae(model: CategoricalVae, data: VaeTrainingData, options: TrainVaeOptions): VaeRecord[] {
  const fn = 'trainVae';
  if (!(model instanceof CategoricalVae)) fail(fn, 'model', 'a CategoricalVae', model);
  if (data === null || typeof data !== 'object') fail(fn, 'data', 'an object {train, test?}', data);
  const { train, test } = data;
  if (train === null || typeof train !== 'object' || !(train.images instanceof Float32Array)) fail(fn, 'data.train', 'a Digits set {images, labels, count}', train);
  // Batches are copied from the images by row, so the rows must all be there.
  if (!Number.isInteger(train.count) || train.count < 1 || train.images.length !== train.count * PIXELS) {
    fail(fn, 'data.train', `a Digits set whose images hold count × ${PIXELS} pixels`, new Received(`count ${describe(train.count)} and ${train.images.length} pixels`));
  }
  if (test !== undefined && (test === null || typeof test !== 'object' || !(test.images instanceof Float32Array))) fail(fn, 'data.test', 'a Digits set {images, labels, count} or undefined', test);
  if (options === null || typeof options !== 'object') fail(fn, 'options', 'an object', options);
  const { estimator, kl } = options;
  const epochs = checkPositiveInteger(fn, 'epochs', options.epochs);
  const batchSize = checkPositiveInteger(fn, 'batchSize', options.batchSize ?? 100);
  if (batchSize > train.count) fail(fn, 'batchSize', `at most the ${train.count} training digits`, batchSize);
  const learningRate = checkPositive(fn, 'learningRate', options.learningRate ?? 1e-3);
  const schedule = toSchedule(fn, options.temperature ?? exponentialAnnealing({ rate: 1e-4 }));
  const { recordEvery, onRecord } = checkLoopOptions(fn, options, 20);
  const evalCount = Math.min(checkPositiveInteger(fn, 'evalCount', options.evalCount ?? 500), test?.count ?? Infinity);
  const evalSamples = checkPositiveInteger(fn, 'evalSamples', options.evalSamples ?? 10);
  const baselineName = options.baseline ?? 'leave-one-out';
  if (baselineName !== 'leave-one-out' && baselineName !== 'moving-average') fail(fn, 'baseline', "'leave-one-out' or 'moving-average'", baselineName);
  const baseline: 'leave-one-out' | MovingAverageBaseline = baselineName === 'moving-average' ? new MovingAverageBaseline() : 'leave-one-out';
  const numSamples = options.numSamples ?? (estimator === 'reinforce' || estimator === 'vimco' ? 4 : 1);
  const conditionalSamples = options.conditionalSamples;
  const rng = toRandom(options.seed, fn);
  const dataRng = rng.split(), noiseRng = rng.split(), evalRng = rng.split();
  // Every option is checked before any tensor is made, and the schedule at every step.
  const priorTemperature = options.priorTemperature;
  checkObjectiveOptions(fn, { estimator, kl, temperature: schedule(0), priorTemperature, numSamples, baseline, conditionalSamples, rng: noiseRng });
  const stepsPerEpoch = Math.floor(train.count / batchSize);
  if (epochs * stepsPerEpoch > MAX_TRAINING_STEPS) {
    fail(fn, 'epochs', `at most ${Math.floor(MAX_TRAINING_STEPS / stepsPerEpoch)} here (${stepsPerEpoch} steps an epoch; MAX_TRAINING_STEPS in all)`, epochs);
  }
  for (let t = 0; t < epochs * stepsPerEpoch; t++) checkEstimatorTemperature(fn, estimator, schedule(t), `temperature at step ${t}`);
  const history: VaeRecord[] = [];
  const variables = model.variables();
  // tf.train.adam's update in fewer kernels, with the finiteness guard below built in.
  const optimizer = new Adam(variables, { learningRate });
  let seconds = 0, lossSum = 0, lossCount = 0, step = 0;
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      const order = dataRng.permutation(train.count);
      for (let i = 0; i < stepsPerEpoch; i++, step++) {
        const temperature = schedule(step);
        const start = performance.now();
        const { loss: cost, gradientsFinite } = tf.tidy(() => {
          const x = tf.tensor2d(batchRows(train.images, order, i * batchSize, batchSize), [batchSize, PIXELS]);
          const stepOptions = { estimator, kl, temperature, priorTemperature: priorTemperature ?? temperature, numSamples, baseline, conditionalSamples, rng: noiseRng };
          const { value, grads } = guardedVariableGrads(() => vaeObjective(model, x, stepOptions), variables);
          // Applied only if the objective and every gradient are finite (two scalars read back).
          return optimizer.guardedStep(grads, value);
        });
        seconds += (performance.now() - start) / 1000;
        if (!Number.isFinite(cost) || !gradientsFinite) {
          const what = Number.isFinite(cost) ? 'a gradient became NaN or infinite' : `the objective became ${cost}`;
          throw new Error(`${fn}: ${what} at step ${step} (estimator ${estimator}, kl ${kl}, τ = ${temperature}); the step was refused, so the model keeps its weights from before it`);
        }
        lossSum += cost;
        lossCount++;
        if ((step + 1) % recordEvery === 0 || i === stepsPerEpoch - 1) {
          const heldOut = i === stepsPerEpoch - 1 && test !== undefined
            ? evaluateVae(model, test, { numSamples: evalSamples, seed: evalRng, count: evalCount })
            : { negElbo: NaN, negIwae: NaN };
          addRecord(history, {
            step: step + 1, epoch: (step + 1) / stepsPerEpoch, loss: lossSum / lossCount, temperature, seconds,
            heldOutNegElbo: heldOut.negElbo, heldOutNegIwae: heldOut.negIwae,
          }, onRecord);
          lossSum = 0;
          lossCount = 0;
        }
      }
    }
  } finally {
    optimizer.dispose();
  }
  return history;
}

/**
 * The digits `order[start … start + count)` as one batch of rows, copied on the host:
 * the same values as tf.gather from the whole set on the device, without uploading the
 * set or its indices.
 */
function batchRows(images: Float32Array, order: ArrayLike<number>, start: number, count: number): Float32Array {
  const batch = new Float32Array(count * PIXELS);
  for (let r = 0; r < count; r++) {
    const row = order[start + r] * PIXELS;
    batch.set(images.subarray(row, row + PIXELS), r * PIXELS);
  }
  return batch;
}
