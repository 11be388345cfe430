/**
 * The toy argmax model of the Gumbel-Softmax tutorial that notebook 05 ports: a dense
 * layer (no bias, zero initial kernel) reads a shuffled array, and a sampling head
 * turns its scores into the index of the largest entry. The loss is the L1 distance
 * between the predicted and the true index.
 *
 * Three heads:
 * - 'sampled-argmax': argmax(h + G). Its gradient is zero everywhere (TensorFlow.js
 *   registers a zero gradient for argmax), so the kernel never moves.
 * - 'gumbel-softmax': softmax((h + G)/τ) · [0, 1, …, K−1], a differentiable soft index.
 * - 'st-gumbel-softmax': the same with straight-through, so the forward value is a
 *   whole-number index and the backward pass that of the soft index.
 */
import * as tf from '@tensorflow/tfjs';
import { Received } from '../../distributions/checks';
import { straightThrough } from '../../estimators/straight-through';
import { fail, orDefault } from '../../validate';
import { absWithSignGradient } from './abs-with-sign-gradient';
import { checkNumValues } from './data';

export const ARGMAX_HEADS = ['sampled-argmax', 'gumbel-softmax', 'st-gumbel-softmax'] as const;
export type ArgmaxHead = (typeof ARGMAX_HEADS)[number];

/**
 * How the L1 loss Σ|prediction − target| is differentiated at an error of exactly 0:
 * - 'absolute-error': with `absWithSignGradient`, gradient 0 there (as Python
 *   TensorFlow and PyTorch do);
 * - 'tfjs-abs': with TensorFlow.js's own `tf.abs`, gradient −1 there. Kept to show the
 *   artefact: a straight-through prediction that is exactly right still gets pushed.
 */
export const TOY_ARGMAX_LOSSES = ['absolute-error', 'tfjs-abs'] as const;
export type ToyArgmaxLoss = (typeof TOY_ARGMAX_LOSSES)[number];

/** The smallest normal float32, 2^-126: TensorFlow's CPU kernels may flush anything smaller to 0. */
export const FLOAT32_MIN_NORMAL = 2 ** -126;

/** Options of `new ToyArgmaxModel(...)`. */
export interface ToyArgmaxOptions {
  /** K, the array length: a whole number in [2, 1024]. Default 5. */
  numValues?: number;
  head: ArgmaxHead;
  /** τ of the Gumbel-Softmax heads, finite and ≥ 2^-126 (unused by 'sampled-argmax'). Default 0.75, as the source. */
  temperature?: number;
  /** Default 'absolute-error'. */
  loss?: ToyArgmaxLoss;
}

/**
 * The toy model. `predict` takes inputs [b, K] and Gumbel noise [b, K] and gives the
 * predicted index of each row, [b]. The caller owns the model and calls `dispose`.
 *
 * @example
 * const model = new ToyArgmaxModel({ numValues: 5, head: 'st-gumbel-softmax', temperature: 0.75 });
 * const x = tf.tensor2d([[3, 2, 0, 4, 1]]), noise = tf.zeros([1, 5]) as tf.Tensor2D;
 * model.predict(x, noise);  // [0]: with W = 0 and no noise all scores tie, and ties go to the first
 * const { loss, grad } = model.lossAndGradient(x, tf.tensor1d([3]), noise);  // loss 3; grad [5, 5]: a descent step raises the scores of high positions
 * model.dispose();
 */
export class ToyArgmaxModel {
  readonly numValues: number;
  readonly head: ArgmaxHead;
  readonly temperature: number;
  readonly loss: ToyArgmaxLoss;
  readonly kernel: tf.Variable;
  private readonly indices: tf.Tensor1D;

  constructor(options: ToyArgmaxOptions) {
    const fn = 'ToyArgmaxModel';
    if (typeof options !== 'object' || options === null) fail(fn, 'options', 'an object', options);
    this.numValues = checkNumValues(fn, orDefault(options.numValues, 5));
    if (!(ARGMAX_HEADS as readonly unknown[]).includes(options.head)) fail(fn, 'head', `one of ${ARGMAX_HEADS.join(', ')}`, options.head);
    this.head = options.head;
    const temperature = orDefault(options.temperature, 0.75);
    if (typeof temperature !== 'number' || !Number.isFinite(temperature) || temperature < FLOAT32_MIN_NORMAL) {
      fail(fn, 'temperature', 'a finite number ≥ 2^-126 (the smallest normal float32; the backend may flush smaller ones to 0)', temperature);
    }
    this.temperature = temperature;
    const loss = orDefault(options.loss, 'absolute-error');
    if (!(TOY_ARGMAX_LOSSES as readonly unknown[]).includes(loss)) fail(fn, 'loss', `one of ${TOY_ARGMAX_LOSSES.join(', ')}`, loss);
    this.loss = loss;
    // tidy frees the zeros the variable is copied from; the variable itself is kept.
    this.kernel = tf.tidy(() => tf.variable(tf.zeros([this.numValues, this.numValues])));
    this.indices = tf.range(0, this.numValues);
  }

  /** Predicted index for each row: inputs [b, K] and noise [b, K] → [b], a tensor the caller disposes. */
  predict(x: tf.Tensor2D, noise: tf.Tensor2D): tf.Tensor1D {
    this.checkInputs('ToyArgmaxModel.predict', x, noise);
    return this.predictChecked(x, noise);
  }

  /**
   * The loss Σ_b |prediction_b − target_b| (a scalar) and its gradient with respect to
   * the kernel ([K, K]), differentiated as `this.loss` says. Inputs as `predict`,
   * targets [b]. The kernel is not updated; the caller disposes both tensors.
   */
  lossAndGradient(x: tf.Tensor2D, targets: tf.Tensor1D, noise: tf.Tensor2D): { loss: tf.Scalar; grad: tf.Tensor2D } {
    const fn = 'ToyArgmaxModel.lossAndGradient';
    this.checkInputs(fn, x, noise);
    if (!(targets instanceof tf.Tensor) || targets.isDisposed || targets.dtype !== 'float32' || targets.rank !== 1 || targets.shape[0] !== x.shape[0]) {
      fail(fn, 'targets', `a live float32 tensor of shape [${x.shape[0]}] (one per row of x)`, targets);
    }
    const absolute = this.loss === 'tfjs-abs' ? tf.abs : absWithSignGradient;
    const lossOf = () => tf.tidy(() => tf.sum(absolute(tf.sub(this.predictChecked(x, noise), targets))) as tf.Scalar);
    const { value, grads } = tf.variableGrads(lossOf, [this.kernel]);
    return { loss: value, grad: grads[this.kernel.name] as tf.Tensor2D };
  }

  /** Frees the kernel and the index vector; the model cannot be used afterwards. */
  dispose(): void {
    tf.dispose([this.kernel, this.indices]);
  }

  /** True once `dispose` has run. */
  get isDisposed(): boolean {
    return this.kernel.isDisposed;
  }

  private predictChecked(x: tf.Tensor2D, noise: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => {
      const noisy = tf.add(tf.matMul(x, this.kernel), noise);
      if (this.head === 'sampled-argmax') return tf.cast(tf.argMax(noisy, -1), 'float32') as tf.Tensor1D;
      // Centred first: then (h + G − max)/τ ≤ 0 and a tiny τ gives −∞ (a one-hot softmax),
      // never ∞ − ∞ = NaN. The softmax is shift-invariant, so neither value nor gradient changes.
      const soft = tf.softmax(tf.div(tf.sub(noisy, tf.max(noisy, -1, true)), this.temperature));
      const weights = this.head === 'st-gumbel-softmax' ? straightThrough(soft) : soft;
      return tf.sum(tf.mul(weights, this.indices), -1) as tf.Tensor1D;
    });
  }

  private checkInputs(fn: string, x: tf.Tensor, noise: tf.Tensor): void {
    if (this.isDisposed) fail(fn, 'the model', 'a model that has not been disposed', new Received('a disposed model'));
    const K = this.numValues;
    const ok = (t: unknown): t is tf.Tensor => t instanceof tf.Tensor && !t.isDisposed && t.dtype === 'float32' && t.rank === 2 && t.shape[1] === K && t.shape[0] > 0;
    if (!ok(x)) fail(fn, 'x', `a live float32 tensor of shape [b, ${K}] with b ≥ 1`, x);
    if (!ok(noise) || noise.shape[0] !== x.shape[0]) fail(fn, 'noise', `a live float32 tensor of the shape of x, [${x.shape.join(', ')}]`, noise);
  }
}
