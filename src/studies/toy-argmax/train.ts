/**
 * Training the toy argmax model with RMSprop, and measuring what it learned.
 */
import * as tf from '@tensorflow/tfjs';
import { Received } from '../../distributions/checks';
import { Random, Seed, toRandom } from '../../random';
import { addRecord, checkLoopOptions, checkSteps, LoopOptions } from '../../train/loop';
import { checkPositive, fail } from '../../validate';
import { checkArrays, checkTargets } from './data';
import { FLOAT32_MIN_NORMAL, ToyArgmaxModel } from './model';

/** One recorded step. */
export interface ToyArgmaxRecord {
  step: number;
  /** The prediction for the first array, at the noise the gradient was taken at. */
  prediction: number;
  /** The loss summed over every array. */
  loss: number;
  /** Euclidean norm of the gradient that reached the kernel. */
  gradNorm: number;
}

/** The data `trainToyArgmax` fits: rows [b][K] and the position of each row's answer. */
export interface ToyArgmaxData {
  x: number[][];
  targets: number[];
}

/** Options of `trainToyArgmax`; `recordEvery` defaults to 1 (every step). */
export interface ToyArgmaxTrainingOptions extends LoopOptions<ToyArgmaxRecord> {
  steps: number;
  /** RMSprop's step size; default 0.5, as in the source. */
  learningRate?: number;
  seed: Seed;
}

/**
 * Trains the toy with RMSprop on a batch of arrays, as the source does (learning rate
 * 0.5), drawing fresh Gumbel noise [b, K] from `seed` at every step. A step whose loss,
 * gradient or updated kernel is not finite is undone and throws; the model then holds
 * the kernel of the step before. A call that throws leaves no tensors behind.
 *
 * @param model a live `ToyArgmaxModel`; its kernel is updated in place.
 * @param data `x`: b ≥ 1 rows of K finite numbers; `targets`: b positions in [0, K).
 * @param options `steps` ≥ 1, `learningRate` > 0 (default 0.5), `seed`, `recordEvery`, `onRecord`.
 * @returns one record per recorded step.
 *
 * @example
 * const model = new ToyArgmaxModel({ head: 'gumbel-softmax' });
 * const history = trainToyArgmax(model, { x: [[3, 2, 0, 4, 1]], targets: [3] }, { steps: 3, seed: 10 });
 */
export function trainToyArgmax(
  model: ToyArgmaxModel,
  data: ToyArgmaxData,
  options: ToyArgmaxTrainingOptions,
): ToyArgmaxRecord[] {
  const fn = 'trainToyArgmax';
  checkModel(fn, model);
  if (typeof data !== 'object' || data === null) fail(fn, 'data', 'an object { x, targets }', data);
  const rows = checkArrays(fn, 'data.x', data.x, model.numValues);
  const answers = checkTargets(fn, 'data.targets', data.targets, rows.length, model.numValues);
  if (typeof options !== 'object' || options === null) fail(fn, 'options', 'an object { steps, learningRate?, seed }', options);
  const steps = checkSteps(fn, 'steps', options.steps);
  const learningRate = checkPositive(fn, 'learningRate', options.learningRate ?? 0.5);
  const { recordEvery, onRecord } = checkLoopOptions(fn, options, 1);
  const rng = toRandom(options.seed, fn);

  const optimizer = tf.train.rmsprop(learningRate);
  const x = tf.tensor2d(rows);
  const targets = tf.tensor1d(answers);
  try {
    const history: ToyArgmaxRecord[] = [];
    for (let step = 0; step < steps; step++) {
      // tidy returns only tensors, so the record leaves through a variable.
      let record: ToyArgmaxRecord | undefined;
      tf.tidy(() => { record = trainingStep(fn, step, model, optimizer, x, targets, rng); });
      if (step % recordEvery === 0 || step === steps - 1) addRecord(history, record as ToyArgmaxRecord, onRecord);
    }
    return history;
  } finally {
    tf.dispose([x, targets]);
    optimizer.dispose();
  }
}

/**
 * Fraction of `arrays` whose largest entry the model finds when the noise is switched
 * off: argmax(x W) against the position of each row's maximum (the first one on ties).
 *
 * @param arrays b ≥ 1 rows of K finite numbers.
 * @returns a number in [0, 1].
 *
 * @example
 * const model = new ToyArgmaxModel({ numValues: 5, head: 'gumbel-softmax', temperature: 0.75 });
 * console.log(toyArgmaxAccuracy(model, [[3, 2, 0, 4, 1], [0, 4, 1, 2, 3]]));  // 0, 0.5 or 1
 * model.dispose();
 */
export function toyArgmaxAccuracy(model: ToyArgmaxModel, arrays: number[][]): number {
  const fn = 'toyArgmaxAccuracy';
  checkModel(fn, model);
  const rows = checkArrays(fn, 'arrays', arrays, model.numValues);
  return tf.tidy(() => {
    const x = tf.tensor2d(rows);
    const found = tf.argMax(tf.matMul(x, model.kernel as tf.Tensor2D), -1);
    const truth = tf.argMax(x, -1);
    return tf.mean(tf.cast(tf.equal(found, truth), 'float32')).dataSync()[0];
  });
}

/** One RMSprop step; undone, with an error, if the loss, gradient or new kernel is not finite. */
function trainingStep(
  fn: string, step: number, model: ToyArgmaxModel, optimizer: tf.Optimizer, x: tf.Tensor2D, targets: tf.Tensor1D, rng: Random,
): ToyArgmaxRecord {
  const noise = rng.gumbel(x.shape) as tf.Tensor2D;
  const prediction = model.predict(x, noise);
  const { loss, grad } = model.lossAndGradient(x, targets, noise);
  const before = tf.clone(model.kernel);
  optimizer.applyGradients({ [model.kernel.name]: grad });
  // |∇W| as s·‖∇W/s‖ with s = max|∇W|, finished on the host in float64: ‖∇W‖ itself can
  // overflow float32. s is kept ≥ the smallest normal float32, so a zero gradient gives 0, not 0/0.
  const scale = tf.maximum(tf.max(tf.abs(grad)), FLOAT32_MIN_NORMAL);
  const scaledNorm = tf.norm(tf.div(grad, scale));
  // Σ(v − v) is 0 when every v is finite and NaN otherwise; one download checks all three.
  const unfinished = (t: tf.Tensor) => tf.sum(tf.sub(t, t));
  const [first, lossValue, scaleValue, norm, gradCheck, kernelCheck] = tf.stack([
    prediction.slice(0, 1).reshape([]), loss, scale, scaledNorm, unfinished(grad), unfinished(model.kernel),
  ]).dataSync();
  if (!Number.isFinite(lossValue) || Number.isNaN(gradCheck) || Number.isNaN(kernelCheck)) {
    model.kernel.assign(before);
    fail(fn, `the loss, gradient and new kernel at step ${step}`, 'finite (the step was undone)', new Received(`a loss of ${lossValue}${Number.isNaN(kernelCheck) ? ' and a non-finite kernel' : ''}`));
  }
  return { step, prediction: first, loss: lossValue, gradNorm: scaleValue * norm };
}

function checkModel(fn: string, model: ToyArgmaxModel): void {
  if (!(model instanceof ToyArgmaxModel)) fail(fn, 'model', 'a ToyArgmaxModel', model);
  if (model.isDisposed) fail(fn, 'model', 'a model that has not been disposed', new Received('a disposed model'));
}
