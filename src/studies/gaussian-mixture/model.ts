/**
 * A discrete mixture of Gaussians: a bucket s picks the mean and scale of a Gaussian z,
 * and we want the gradient of E[z²] with respect to every parameter.
 *
 *   s ~ Categorical(softmax(logP)),            s ∈ {0, …, K−1}
 *   μ(s) = sigmoid([X, onehot(s)]·A + B),       log σ(s) = [X, onehot(s)]·C + D
 *   z | s ~ N(μ(s), σ(s)²),                      objective E[z²] = Σ_s P_s (μ_s² + σ_s²)
 *
 * The exact objective is a finite sum, so its exact gradient is the ground truth
 * against which the Monte Carlo methods of ./gradients are compared.
 */
import * as tf from '@tensorflow/tfjs';
import { ParameterGradientsEstimate } from '../../estimators/result';
import { MAX_DRAWS, toRandom } from '../../random';
import { Received } from '../../distributions/checks';
import { checkOptionsObject, checkPositiveInteger, fail, orDefault } from '../../validate';

/** The parameters of the model: the bucket logits, and the weights and biases of the mean and log scale. */
export interface MixtureParameters<T = tf.Variable> {
  logP: T; // [1, K]   bucket logits
  A: T; //    [D+K, 1] weights of the mean
  B: T; //    [1]      bias of the mean
  C: T; //    [D+K, 1] weights of the log scale
  D: T; //    [1]      bias of the log scale
}

export const PARAMETER_NAMES = ['logP', 'A', 'B', 'C', 'D'] as const;
export type ParameterName = (typeof PARAMETER_NAMES)[number];

/**
 * The model with all parameters and the input X drawn N(0, 1) from a seed.
 *
 * Shapes: K = `buckets` (default 5), D = `dim` (default 10), D + K ≤ 2^27; see MixtureParameters.
 * An unknown option is refused.
 * The caller disposes the model.
 *
 * @example
 * const model = new GaussianMixtureModel({ seed: 36 });
 * const { loss, grads } = exactMixtureGradient(model);   // grads.A is a Float32Array of 15 numbers
 * model.dispose();
 */
export class GaussianMixtureModel {
  readonly buckets: number;
  readonly dim: number;
  readonly params: MixtureParameters;
  /** The fixed input, [1, dim]. */
  readonly X: tf.Tensor2D;

  constructor(options: { seed: number; buckets?: number; dim?: number }) {
    const fn = 'GaussianMixtureModel';
    // buckets and dim are optional, so a misspelt one would otherwise be replaced by its default silently.
    checkOptionsObject(fn, 'options', options, ['seed', 'buckets', 'dim']);
    this.buckets = checkPositiveInteger(fn, 'buckets', orDefault(options.buckets, 5));
    this.dim = checkPositiveInteger(fn, 'dim', orDefault(options.dim, 10));
    const width = this.dim + this.buckets;
    // Every parameter is drawn at once from the generator: refuse a size it cannot draw before any is made.
    if (width > MAX_DRAWS) fail(fn, 'dim + buckets', `at most ${MAX_DRAWS} (MAX_DRAWS)`, width);
    const rng = toRandom(options.seed, fn);
    // tidy frees each drawn tensor once the variable has copied it.
    const normalVariable = (shape: number[]) => tf.tidy(() => tf.variable(rng.normal(shape)));
    this.params = {
      logP: normalVariable([1, this.buckets]),
      A: normalVariable([width, 1]),
      B: normalVariable([1]),
      C: normalVariable([width, 1]),
      D: normalVariable([1]),
    };
    const xValues = rng.normalArray(this.dim);
    this.X = tf.tensor2d(xValues, [1, this.dim]);
    const allBucketInputs = tf.tidy(() => inputRows(this.X, this.allBuckets()));
    constants.set(this, { xValues, allBucketInputs, one: tf.scalar(1) });
  }

  /** Bucket probabilities P = softmax(logP), [1, K]. */
  probs(): tf.Tensor2D {
    return tf.softmax(this.params.logP) as tf.Tensor2D;
  }

  /**
   * Mean and log scale for a batch of (one-hot or relaxed) buckets s, [m, K] → two [m, 1].
   * Relaxed buckets are what the Gumbel-Softmax method feeds in.
   */
  meanAndLogScale(s: tf.Tensor2D): { mu: tf.Tensor2D; logSigma: tf.Tensor2D } {
    const input = inputRows(this.X, s);
    const mu = tf.sigmoid(tf.add(tf.matMul(input, this.params.A as tf.Tensor2D), this.params.B)) as tf.Tensor2D;
    const logSigma = tf.add(tf.matMul(input, this.params.C as tf.Tensor2D), this.params.D) as tf.Tensor2D;
    return { mu, logSigma };
  }

  /** The one-hot code of every bucket, [K, K]: the identity matrix, row s = onehot(s). */
  allBuckets(): tf.Tensor2D {
    return tf.eye(this.buckets) as tf.Tensor2D;
  }

  /** The exact objective E[z²] = Σ_s P_s (μ_s² + σ_s²), a scalar. */
  exactObjective(): tf.Scalar {
    return tf.tidy(() => {
      const { mu, logSigma } = this.meanAndLogScale(this.allBuckets());
      const conditional = tf.add(tf.square(mu), tf.exp(tf.mul(2, logSigma))); // E[z² | s], [K, 1]
      return tf.matMul(this.probs(), conditional).reshape([]) as tf.Scalar;
    });
  }

  /** Per bucket s: P_s, μ_s and σ_s, read back as arrays of K numbers. */
  bucketSummary(): { probs: number[]; mu: number[]; sigma: number[] } {
    return tf.tidy(() => {
      const { mu, logSigma } = this.meanAndLogScale(this.allBuckets());
      return { probs: Array.from(this.probs().dataSync()), mu: Array.from(mu.dataSync()), sigma: Array.from(tf.exp(logSigma).dataSync()) };
    });
  }

  /** The parameters as a list, in PARAMETER_NAMES order. */
  variables(): tf.Variable[] {
    return PARAMETER_NAMES.map((name) => this.params[name]);
  }

  dispose(): void {
    const made = constants.get(this);
    tf.dispose([...this.variables(), this.X, ...(made ? [made.allBucketInputs, made.one] : [])]);
    constants.delete(this);
  }
}

/** The rows [X, s] that μ and log σ are linear in, for buckets s [m, K]: [m, D+K]. */
function inputRows(X: tf.Tensor2D, s: tf.Tensor2D): tf.Tensor2D {
  return tf.concat([tf.tile(X, [s.shape[0], 1]), s], 1) as tf.Tensor2D;
}

/** What the hand-written gradients (./chain-rule) reuse at every call, made with the model and freed with it. */
export interface ModelConstants {
  /** X's values on the host, where `inputsFrom` assembles rows (tf.tile and tf.concat are slow kernels on wasm and cpu). */
  xValues: Float32Array;
  /** The rows [X, onehot(s)] of every bucket, [K, D+K]: the exact sum over s reads them at every call. */
  allBucketInputs: tf.Tensor2D;
  /** The scalar 1 (for 1 − μ), rather than an upload at every call. */
  one: tf.Scalar;
}

const constants = new WeakMap<GaussianMixtureModel, ModelConstants>();

/** The constants of a model that `checkModel` has accepted. */
export function modelConstants(model: GaussianMixtureModel): ModelConstants {
  return constants.get(model)!;
}

/**
 * The rows [X, s] for bucket values on the host, s [m·K] row-major: assembled there and
 * uploaded once, with the values of the model's own concat of X and s.
 */
export function inputsFrom(model: GaussianMixtureModel, buckets: ArrayLike<number>): tf.Tensor2D {
  const { xValues } = modelConstants(model);
  const width = model.dim + model.buckets, m = buckets.length / model.buckets;
  const rows = new Float32Array(m * width);
  for (let i = 0; i < m; i++) {
    rows.set(xValues, i * width);
    for (let k = 0; k < model.buckets; k++) rows[i * width + model.dim + k] = buckets[i * model.buckets + k];
  }
  return tf.tensor2d(rows, [m, width]);
}

/** The result of every method on the model: one gradient per parameter, read back as arrays. */
export type MixtureGradient = ParameterGradientsEstimate<ParameterName>;

/**
 * Gradients of a scalar function of the model's parameters, read back as arrays, with
 * `loss` the function's value. Refuses a value or gradient that is not finite (σ can
 * overflow float32 at extreme parameters), naming `fn`.
 */
export function gradientsOf(fn: string, model: GaussianMixtureModel, objective: () => tf.Scalar, lossEvaluations: number): MixtureGradient {
  const { value, grads } = tf.variableGrads(objective, model.variables());
  try {
    const byName = Object.fromEntries(PARAMETER_NAMES.map((name) => [name, grads[model.params[name].name]]));
    return readGradients(fn, value.dataSync()[0], byName as Record<ParameterName, tf.Tensor>, lossEvaluations);
  } finally {
    tf.dispose([value, ...Object.values(grads)]);
  }
}

/**
 * Reads one gradient per parameter back as arrays (the caller disposes the tensors) and
 * refuses a loss or gradient that is not finite, naming `fn`.
 */
export function readGradients(fn: string, loss: number, grads: Record<ParameterName, tf.Tensor>, lossEvaluations: number): MixtureGradient {
  const arrays = Object.fromEntries(PARAMETER_NAMES.map((name) => [name, grads[name].dataSync() as Float32Array]));
  const result = { loss, grads: arrays as Record<ParameterName, Float32Array>, lossEvaluations };
  const finite = Number.isFinite(result.loss) && PARAMETER_NAMES.every((name) => result.grads[name].every(Number.isFinite));
  if (!finite) throw new Error(`${fn}: the objective or its gradient is not finite at these parameters (value ${result.loss})`);
  return result;
}

/** Checks that `model` is a GaussianMixtureModel that has not been disposed. */
export function checkModel(fn: string, model: unknown): GaussianMixtureModel {
  if (!(model instanceof GaussianMixtureModel)) fail(fn, 'model', 'a GaussianMixtureModel', model);
  if (!constants.has(model)) fail(fn, 'model', 'a GaussianMixtureModel that has not been disposed', new Received('a disposed one'));
  return model;
}
