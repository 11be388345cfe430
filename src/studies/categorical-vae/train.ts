/**
 * Trains a categorical VAE with Adam, one gradient estimator and one KL treatment,
 * and records a history for charts: the training objective, τ, time, and the
 * held-out bound of the true discrete model at the end of each epoch.
 */
import * as tf from '@tensorflow/tfjs';
import { Digits, PIXELS } from '../../data/mnist';
import { MovingAverageBaseline } from '../../estimators/baselines';
import { guardedVariableGrads } from '../../estimators/guarded-gradient';
import { Seed, toRandom } from '../../random';
import { exponentialAnnealing, TemperatureSchedule, toSchedule } from '../../train/schedules';
import { checkPositive, checkPositiveInteger, fail } from '../../validate';
import { CategoricalVae } from './categorical-vae';
import { evaluateVae } from './evaluate';
import { vaeObjective } from './objective';
import { checkEstimatorTemperature, checkObjectiveOptions, VaeEstimator, VaeKlTerm } from './objective-options';

/** Options of `trainVae`. */
export interface TrainVaeOptions {
  /** Binary training digits. */
  train: Digits;
  /** Held-out digits for the bound recorded after each epoch (optional). */
  test?: Digits;
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
  /** Record the objective every this many steps (and at each epoch's end); default 20. */
  recordEvery?: number;
  /** Held-out digits and samples per digit for the per-epoch bound; defaults 500 and 10. */
  evalCount?: number;
  evalSamples?: number;
  /** Called after each record, e.g. to update a LiveDisplay. */
  onRecord?: (history: VaeHistory) => void;
}

/** The history, in columns. */
export interface VaeHistory {
  estimator: VaeEstimator;
  kl: VaeKlTerm;
  /** One entry per record: the mean training objective (nats per digit) since the previous record. */
  step: number[];
  epoch: number[];
  loss: number[];
  temperature: number[];
  /** Seconds spent in training steps so far (held-out evaluation excluded). */
  seconds: number[];
  /** One entry per epoch: −ELBO and −IWAE of the discrete model on the held-out subset. */
  heldOut: { step: number[]; epoch: number[]; negElbo: number[]; negIwae: number[] };
  /** Steps per epoch. */
  stepsPerEpoch: number;
}

/**
 * Trains `model` in place and returns its history. Every step runs inside a tidy
 * scope, so `tf.memory().numTensors` stays flat.
 *
 * A step is applied only once it is known to be valid: the objective and every
 * gradient are computed and checked for finiteness first (one download), and a step
 * whose objective or gradient is NaN or infinite is refused with an error naming the
 * step, so the model keeps the weights it had before that step. Every option, and the
 * temperature at every step the run will take, is checked before any tensor is made.
 *
 * @example
 * const digits = { images: new Float32Array(4 * 784).map((_, i) => (i % 7 === 0 ? 1 : 0)), labels: new Int32Array(4), count: 4 };
 * const vae = new CategoricalVae({ numLatents: 2, numCategories: 3, hidden: [8], seed: 0 });
 * const history = trainVae(vae, { train: digits, test: digits, estimator: 'st-gumbel-softmax', kl: 'analytic', epochs: 2, batchSize: 2, seed: 1 });
 * console.log(history.loss, history.heldOut.negElbo);   // the objective per record, the held-out −ELBO per epoch
 * vae.dispose();
 */
export function trainVae(model: CategoricalVae, options: TrainVaeOptions): VaeHistory {
  const fn = 'trainVae';
  if (!(model instanceof CategoricalVae)) fail(fn, 'model', 'a CategoricalVae', model);
  if (options === null || typeof options !== 'object') fail(fn, 'options', 'an object', options);
  const { train, test, estimator, kl, onRecord } = options;
  if (train === null || typeof train !== 'object' || !(train.images instanceof Float32Array)) fail(fn, 'train', 'a Digits set {images, labels, count}', train);
  const epochs = checkPositiveInteger(fn, 'epochs', options.epochs);
  const batchSize = checkPositiveInteger(fn, 'batchSize', options.batchSize ?? 100);
  if (batchSize > train.count) fail(fn, 'batchSize', `at most the ${train.count} training digits`, batchSize);
  const learningRate = checkPositive(fn, 'learningRate', options.learningRate ?? 1e-3);
  const schedule = toSchedule(fn, options.temperature ?? exponentialAnnealing({ rate: 1e-4 }));
  const recordEvery = checkPositiveInteger(fn, 'recordEvery', options.recordEvery ?? 20);
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
  for (let t = 0; t < epochs * stepsPerEpoch; t++) checkEstimatorTemperature(fn, estimator, schedule(t), `temperature at step ${t}`);
  const history: VaeHistory = {
    estimator, kl, step: [], epoch: [], loss: [], temperature: [], seconds: [],
    heldOut: { step: [], epoch: [], negElbo: [], negIwae: [] }, stepsPerEpoch,
  };
  const data = tf.tensor2d(train.images, [train.count, PIXELS]);
  // Typed as the base class, whose applyGradients takes the gradients as variableGrads gives them.
  const optimizer: tf.Optimizer = tf.train.adam(learningRate);
  const variables = model.variables();
  let seconds = 0, lossSum = 0, lossCount = 0, step = 0;
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      const order = dataRng.permutation(train.count);
      for (let i = 0; i < stepsPerEpoch; i++, step++) {
        const temperature = schedule(step);
        const start = performance.now();
        const { cost, gradientsFinite } = tf.tidy(() => {
          const x = tf.gather(data, tf.tensor1d(order.slice(i * batchSize, (i + 1) * batchSize), 'int32')) as tf.Tensor2D;
          const stepOptions = { estimator, kl, temperature, priorTemperature: priorTemperature ?? temperature, numSamples, baseline, conditionalSamples, rng: noiseRng };
          const { value, grads } = guardedVariableGrads(() => vaeObjective(model, x, stepOptions), variables);
          // A NaN or infinite entry anywhere makes the sum of all entries NaN or infinite.
          const gradientSum = tf.addN(Object.values(grads).map((g) => tf.sum(g)));
          const [c, g] = tf.stack([value, gradientSum]).dataSync();
          const valid = Number.isFinite(c) && Number.isFinite(g);
          if (valid) optimizer.applyGradients(grads);
          return { cost: c, gradientsFinite: Number.isFinite(g) };
        });
        seconds += (performance.now() - start) / 1000;
        if (!Number.isFinite(cost) || !gradientsFinite) {
          const what = Number.isFinite(cost) ? 'a gradient became NaN or infinite' : `the objective became ${cost}`;
          throw new Error(`${fn}: ${what} at step ${step} (estimator ${estimator}, kl ${kl}, τ = ${temperature}); the step was refused, so the model keeps its weights from before it`);
        }
        lossSum += cost;
        lossCount++;
        if ((step + 1) % recordEvery === 0 || i === stepsPerEpoch - 1) {
          history.step.push(step + 1);
          history.epoch.push((step + 1) / stepsPerEpoch);
          history.loss.push(lossSum / lossCount);
          history.temperature.push(temperature);
          history.seconds.push(seconds);
          lossSum = 0;
          lossCount = 0;
          if (i === stepsPerEpoch - 1 && test !== undefined) {
            const e = evaluateVae(model, test, { numSamples: evalSamples, seed: evalRng, count: evalCount });
            history.heldOut.step.push(step + 1);
            history.heldOut.epoch.push(epoch + 1);
            history.heldOut.negElbo.push(e.negElbo);
            history.heldOut.negIwae.push(e.negIwae);
          }
          onRecord?.(history);
        }
      }
    }
  } finally {
    data.dispose();
    optimizer.dispose();
  }
  return history;
}

/**
 * The history as chart rows {estimator, kl, label, step, epoch, loss, temperature, seconds}.
 *
 * @example
 * const digits = { images: new Float32Array(4 * 784).map((_, i) => (i % 7 === 0 ? 1 : 0)), labels: new Int32Array(4), count: 4 };
 * const vae = new CategoricalVae({ numLatents: 2, numCategories: 3, hidden: [8], seed: 0 });
 * const history = trainVae(vae, { train: digits, estimator: 'st-gumbel-softmax', kl: 'analytic', epochs: 1, batchSize: 2, seed: 1, recordEvery: 1 });
 * const spec = lineChart({ data: vaeHistoryRows(history, { label: 'ST-GS + analytic KL' }), x: 'epoch', y: 'loss', color: 'label' });
 * vae.dispose();
 */
export function vaeHistoryRows(history: VaeHistory, extra: Record<string, string | number> = {}): Record<string, string | number>[] {
  return history.step.map((step, i) => ({
    estimator: history.estimator, kl: history.kl, ...extra, step,
    epoch: history.epoch[i], loss: history.loss[i], temperature: history.temperature[i], seconds: history.seconds[i],
  }));
}

/**
 * The per-epoch held-out bounds as chart rows {estimator, kl, …extra, epoch, step, negElbo, negIwae}.
 *
 * @example
 * const digits = { images: new Float32Array(4 * 784).map((_, i) => (i % 7 === 0 ? 1 : 0)), labels: new Int32Array(4), count: 4 };
 * const vae = new CategoricalVae({ numLatents: 2, numCategories: 3, hidden: [8], seed: 0 });
 * const history = trainVae(vae, { train: digits, test: digits, estimator: 'reinmax', kl: 'analytic', epochs: 2, batchSize: 2, temperature: 1, seed: 1 });
 * console.log(vaeHeldOutRows(history, { label: 'ReinMax' }));   // one row per epoch
 * vae.dispose();
 */
export function vaeHeldOutRows(history: VaeHistory, extra: Record<string, string | number> = {}): Record<string, string | number>[] {
  return history.heldOut.epoch.map((epoch, i) => ({
    estimator: history.estimator, kl: history.kl, ...extra, epoch,
    step: history.heldOut.step[i], negElbo: history.heldOut.negElbo[i], negIwae: history.heldOut.negIwae[i],
  }));
}
