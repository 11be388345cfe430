/**
 * Seed 004's toy: a dense layer (no bias, zero initial kernel) reads a shuffled
 * array and a sampling head turns its output into the index of the largest entry.
 * The loss is the L1 distance between the predicted and the true index.
 *
 * Three heads:
 * - 'sampled-argmax': argmax(h + G). Its gradient is zero everywhere (TensorFlow.js
 *   registers a zero gradient for argmax), so the kernel never moves.
 * - 'gumbel-softmax': softmax((h + G)/τ) · [0, 1, …, K−1], a differentiable soft index.
 * - 'st-gumbel-softmax': the same with straight-through, so the forward value is a
 *   true integer index and the backward pass that of the soft index.
 */
import * as tf from '@tensorflow/tfjs';
import { straightThrough } from '../../estimators/straight-through';
import { Random, Seed, toRandom } from '../../random';
import { checkPositive, checkPositiveInteger, fail } from '../../validate';

export const ARGMAX_HEADS = ['sampled-argmax', 'gumbel-softmax', 'st-gumbel-softmax'] as const;
export type ArgmaxHead = (typeof ARGMAX_HEADS)[number];

/** One training record. */
export interface ArgmaxStep {
  step: number;
  prediction: number;
  loss: number;
  /** Norm of the gradient that reached the kernel. */
  gradNorm: number;
}

/**
 * The toy model. `predict` takes inputs [b, K] and Gumbel noise [b, K] and gives the
 * predicted index of each row, [b].
 *
 * @example
 * const model = new ToyArgmaxModel({ numValues: 5, head: 'gumbel-softmax', temperature: 0.75 });
 */
export class ToyArgmaxModel {
  readonly numValues: number;
  readonly head: ArgmaxHead;
  readonly temperature: number;
  readonly kernel: tf.Variable;
  private readonly indices: tf.Tensor1D;

  constructor(options: { numValues?: number; head: ArgmaxHead; temperature?: number }) {
    this.numValues = checkPositiveInteger('ToyArgmaxModel', 'numValues', options.numValues ?? 5);
    if (!(ARGMAX_HEADS as readonly string[]).includes(options.head)) fail('ToyArgmaxModel', 'head', `one of ${ARGMAX_HEADS.join(', ')}`, options.head);
    this.head = options.head;
    this.temperature = checkPositive('ToyArgmaxModel', 'temperature', options.temperature ?? 0.75);
    this.kernel = tf.variable(tf.zeros([this.numValues, this.numValues]));
    this.indices = tf.range(0, this.numValues);
  }

  /** Predicted index for each row: [b, K] inputs and noise → [b]. */
  predict(x: tf.Tensor2D, noise: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => {
      const noisy = tf.add(tf.matMul(x, this.kernel as tf.Tensor2D), noise);
      if (this.head === 'sampled-argmax') return tf.argMax(noisy, -1).toFloat() as tf.Tensor1D;
      const soft = tf.softmax(tf.div(noisy, this.temperature));
      const weights = this.head === 'st-gumbel-softmax' ? straightThrough(soft) : soft;
      return tf.sum(tf.mul(weights, this.indices), -1) as tf.Tensor1D;
    });
  }

  /** L1 loss Σ|prediction − target| and its gradient with respect to the kernel. */
  lossAndGradient(x: tf.Tensor2D, targets: tf.Tensor1D, noise: tf.Tensor2D): { loss: tf.Scalar; grad: tf.Tensor } {
    const lossOf = (prediction: tf.Tensor1D) => tf.sum(tf.abs(tf.sub(prediction, targets))) as tf.Scalar;
    const { value, grads } = tf.variableGrads(() => lossOf(this.predict(x, noise)), [this.kernel]);
    return { loss: value, grad: grads[this.kernel.name] };
  }

  dispose(): void {
    tf.dispose([this.kernel, this.indices]);
  }
}

/** A shuffled [0, 1, …, K−1] and the index of its largest entry (K − 1). */
export function shuffledArray(numValues: number, seed: Seed): { x: number[]; target: number } {
  const x = toRandom(seed, 'shuffledArray').permutation(numValues);
  return { x, target: x.indexOf(numValues - 1) };
}

/**
 * Trains the toy with RMSprop on a batch of arrays, as the seed does (lr 0.5).
 * Returns one record per step.
 */
export function trainToyArgmax(
  model: ToyArgmaxModel,
  data: { x: number[][]; targets: number[] },
  options: { steps: number; learningRate?: number; seed: Seed },
): ArgmaxStep[] {
  const steps = checkPositiveInteger('trainToyArgmax', 'steps', options.steps);
  const rng: Random = toRandom(options.seed, 'trainToyArgmax');
  const optimizer = tf.train.rmsprop(checkPositive('trainToyArgmax', 'learningRate', options.learningRate ?? 0.5));
  const x = tf.tensor2d(data.x);
  const targets = tf.tensor1d(data.targets);
  const history: ArgmaxStep[] = [];
  for (let step = 0; step < steps; step++) {
    const noise = rng.gumbel(x.shape) as tf.Tensor2D;
    // The prediction recorded is the one the gradient was taken at (same noise).
    const prediction = model.predict(x, noise);
    const { loss, grad } = model.lossAndGradient(x, targets, noise);
    history.push({ step, prediction: prediction.dataSync()[0], loss: loss.dataSync()[0], gradNorm: tf.tidy(() => tf.norm(grad).dataSync()[0]) });
    optimizer.applyGradients({ [model.kernel.name]: grad });
    tf.dispose([noise, loss, grad, prediction]);
  }
  tf.dispose([x, targets]);
  optimizer.dispose();
  return history;
}

/**
 * Fraction of `arrays` whose largest entry the model finds when the noise is
 * switched off: argmax(x W) against the true position of the maximum.
 */
export function toyArgmaxAccuracy(model: ToyArgmaxModel, arrays: number[][]): number {
  return tf.tidy(() => {
    const x = tf.tensor2d(arrays);
    const found = tf.argMax(tf.matMul(x, model.kernel as tf.Tensor2D), -1);
    const truth = tf.argMax(x, -1);
    return tf.mean(tf.cast(tf.equal(found, truth), 'float32')).dataSync()[0];
  });
}
