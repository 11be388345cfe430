/**
 * A small multilayer perceptron with explicit variables, initialised from the
 * project's generator (TensorFlow.js initialisers ignore seeds, so they are not used).
 */
import * as tf from '@tensorflow/tfjs';
import { Received } from '../../distributions/checks';
import { MAX_DRAWS, Random } from '../../random';
import { checkPositiveInteger, fail } from '../../validate';
import { checkTensor } from './checks';

/** The most weights and biases one network may hold: the draws one call of `Random` may make (512 MiB). */
const MAX_MLP_PARAMETERS = MAX_DRAWS;

/**
 * Checks layer widths, input first, and that the weights fit the budget; `fn` and `arg`
 * name what the user called and passed.
 */
export function checkLayerSizes(fn: string, arg: string, sizes: unknown): number[] {
  if (!Array.isArray(sizes) || sizes.length < 2) fail(fn, arg, 'a list of at least two layer widths', sizes);
  sizes.forEach((n, i) => checkPositiveInteger(fn, `${arg}[${i}]`, n));
  let parameters = 0;
  for (let i = 0; i + 1 < sizes.length; i++) parameters += (sizes[i] + 1) * sizes[i + 1];
  if (parameters > MAX_MLP_PARAMETERS) fail(fn, arg, `layer widths with at most ${MAX_MLP_PARAMETERS} weights and biases in all`, new Received(`${parameters} of them`));
  return sizes;
}

/**
 * A hidden layer's bias and ReLU, relu(z + b) for z = x·W [n, m] and b [m], with its
 * gradient written out: the values that tf.add and tf.relu give, without the two
 * reshapes of tf.add's gradient (kernels on the tensorflow backend). ReLU's gradient is
 * dy · sign(relu(·)), value for value TensorFlow.js' dy · step(·) (1 where the input is
 * > 0, 0 where it is ≤ 0) without `step`, which the tensorflow backend builds from six
 * ops and two uploads. bench/mlp-variants.ts and bench/vae-step.ts time the VAE step.
 */
const biasRelu = tf.customGrad((...args) => {
  const [z, b, save] = args as unknown as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  const y = tf.relu(tf.add(z, b));
  save([y]);
  return {
    value: y,
    gradFunc: (dy: tf.Tensor, [output]: tf.Tensor[]) => {
      const dz = tf.mul(dy, tf.sign(output));
      return [dz, tf.sum(dz, 0)];
    },
  };
}) as (z: tf.Tensor2D, b: tf.Tensor) => tf.Tensor2D;

/** The output layer's bias, z + b, with tf.add's gradient less its two reshapes (dy, and dy summed over the batch). */
const bias = tf.customGrad((...args) => {
  const [z, b] = args as unknown as [tf.Tensor, tf.Tensor];
  // clone: the engine disposes what gradFunc returns, and dy is not ours to dispose.
  return { value: tf.add(z, b), gradFunc: (dy: tf.Tensor) => [tf.clone(dy), tf.sum(dy, 0)] };
}) as (z: tf.Tensor2D, b: tf.Tensor) => tf.Tensor2D;

/**
 * Dense layers `sizes[0] → sizes[1] → … → sizes[last]`, ReLU between them, linear output.
 * At most 2^27 weights and biases in all (`MAX_DRAWS`), checked before any is made.
 *
 * @example
 * const mlp = new Mlp([4, 8, 2], new Random(0));
 * const x = tf.ones([3, 4]) as tf.Tensor2D;
 * mlp.apply(x).print();   // [3, 2]
 * x.dispose();
 * mlp.dispose();
 */
export class Mlp {
  readonly weights: tf.Variable[] = [];
  readonly biases: tf.Variable[] = [];

  /**
   * @param sizes layer widths, input first, e.g. [784, 512, 256, 200]
   * @param rng the generator the weights are drawn from (Glorot-uniform scale)
   */
  constructor(readonly sizes: number[], rng: Random) {
    checkLayerSizes('Mlp', 'sizes', sizes);
    if (!(rng instanceof Random)) fail('Mlp', 'rng', 'a Random (the generator the weights are drawn from)', rng);
    this.sizes = sizes.slice();
    for (let i = 0; i + 1 < sizes.length; i++) {
      const [fanIn, fanOut] = [sizes[i], sizes[i + 1]];
      // Glorot-uniform: U(−a, a) with a = √(6 / (fan_in + fan_out)) keeps activations' scale across layers.
      const limit = Math.sqrt(6 / (fanIn + fanOut));
      const w = tf.tidy(() => rng.uniform([fanIn, fanOut]).mul(2 * limit).sub(limit));
      this.weights.push(tf.variable(w)); // unnamed: many models may live side by side
      const b = tf.zeros([fanOut]);
      this.biases.push(tf.variable(b));
      tf.dispose([w, b]); // tf.variable copies its initial value
    }
  }

  /** Forward pass: [b, sizes[0]] → [b, sizes[last]]. */
  apply(x: tf.Tensor2D): tf.Tensor2D {
    this.checkLive('Mlp.apply');
    checkTensor('Mlp.apply', 'x', x, ['b', this.sizes[0]]);
    return tf.tidy(() => {
      let h: tf.Tensor2D = x;
      this.weights.forEach((w, i) => {
        const z = tf.matMul(h, w as tf.Tensor2D) as tf.Tensor2D;
        h = i + 1 < this.weights.length ? biasRelu(z, this.biases[i]) : bias(z, this.biases[i]);
      });
      return h;
    });
  }

  /** Every trainable variable. */
  variables(): tf.Variable[] {
    return [...this.weights, ...this.biases];
  }

  /** True once `dispose` has run. */
  get isDisposed(): boolean {
    return this.weights[0].isDisposed;
  }

  /** Refuses a call on a disposed network, naming `fn`. */
  private checkLive(fn: string): void {
    if (this.isDisposed) fail(fn, 'this Mlp', 'one that has not been disposed', new Received('a disposed one'));
  }

  dispose(): void {
    tf.dispose(this.variables());
  }
}
