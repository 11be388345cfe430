/**
 * Trains a categorical VAE with Adam, one gradient estimator and one KL treatment,
 * and records a history for charts: the training objective, τ, time, and the
 * held-out bound of the true discrete model at the end of each epoch.
 */
import * as tf from '@tensorflow/tfjs';
import { Digits, PIXELS } from '../../data/mnist';
import { MovingAverageBaseline } from '../../estimators/baselines';
import { Seed, toRandom } from '../../random';
import { exponentialAnnealing, TemperatureSchedule, toSchedule } from '../../train/schedules';
import { checkPositive, checkPositiveInteger, fail } from '../../validate';
import { CategoricalVae } from './categorical-vae';
import { evaluateVae } from './evaluate';
import { checkObjectiveOptions, VaeEstimator, VaeKlTerm, vaeObjective } from './objective';

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
  /** Samples per digit; default 4 for REINFORCE (its leave-one-out baseline needs ≥ 2), else 1. */
  numSamples?: number;
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
 * Trains `model` in place and returns its history. Every step runs inside
 * `optimizer.minimize` (a tidy scope), so `tf.memory().numTensors` stays flat.
 *
 * @example
 * const vae = new CategoricalVae({ ...VAE_CONFIGS.small, seed: 0 });
 * const history = trainVae(vae, { train, test, estimator: 'st-gumbel-softmax', kl: 'analytic', epochs: 5, seed: 1 });
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
  const numSamples = options.numSamples ?? (estimator === 'reinforce' ? 4 : 1);
  const rng = toRandom(options.seed, fn);
  const dataRng = rng.split(), noiseRng = rng.split(), evalRng = rng.split();
  // Every option is checked before any tensor is made.
  const priorTemperature = options.priorTemperature;
  checkObjectiveOptions(fn, { estimator, kl, temperature: schedule(0), priorTemperature, numSamples, baseline, rng: noiseRng });

  const stepsPerEpoch = Math.floor(train.count / batchSize);
  const history: VaeHistory = {
    estimator, kl, step: [], epoch: [], loss: [], temperature: [], seconds: [],
    heldOut: { step: [], epoch: [], negElbo: [], negIwae: [] }, stepsPerEpoch,
  };
  const data = tf.tensor2d(train.images, [train.count, PIXELS]);
  const optimizer = tf.train.adam(learningRate);
  const variables = model.variables();
  let seconds = 0, lossSum = 0, lossCount = 0, step = 0;
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      const order = dataRng.permutation(train.count);
      for (let i = 0; i < stepsPerEpoch; i++, step++) {
        const temperature = schedule(step);
        const start = performance.now();
        const cost = tf.tidy(() => {
          const x = tf.gather(data, tf.tensor1d(order.slice(i * batchSize, (i + 1) * batchSize), 'int32')) as tf.Tensor2D;
          const options = { estimator, kl, temperature, priorTemperature: priorTemperature ?? temperature, numSamples, baseline, rng: noiseRng };
          return optimizer.minimize(() => vaeObjective(model, x, options), true, variables)!.dataSync()[0];
        });
        seconds += (performance.now() - start) / 1000;
        if (!Number.isFinite(cost)) throw new Error(`${fn}: the objective became ${cost} at step ${step} (estimator ${estimator}, kl ${kl}, τ = ${temperature})`);
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
 * lineChart({ data: vaeHistoryRows(history, { label: 'ST-GS + analytic KL' }), x: 'epoch', y: 'loss', color: 'label' })
 */
export function vaeHistoryRows(history: VaeHistory, extra: Record<string, string | number> = {}): Record<string, string | number>[] {
  return history.step.map((step, i) => ({
    estimator: history.estimator, kl: history.kl, ...extra, step,
    epoch: history.epoch[i], loss: history.loss[i], temperature: history.temperature[i], seconds: history.seconds[i],
  }));
}

/** The per-epoch held-out bounds as chart rows {…extra, epoch, negElbo, negIwae}. */
export function vaeHeldOutRows(history: VaeHistory, extra: Record<string, string | number> = {}): Record<string, string | number>[] {
  return history.heldOut.epoch.map((epoch, i) => ({
    estimator: history.estimator, kl: history.kl, ...extra, epoch,
    step: history.heldOut.step[i], negElbo: history.heldOut.negElbo[i], negIwae: history.heldOut.negIwae[i],
  }));
}
