/**
 * A small multilayer perceptron with explicit variables, initialised from the
 * project's generator (TensorFlow.js initialisers ignore seeds, so they are not used).
 */
import * as tf from '@tensorflow/tfjs';
import { Random } from '../../random';
import { checkPositiveInteger } from '../../validate';

/**
 * Dense layers `sizes[0] → sizes[1] → … → sizes[last]`, ReLU between them, linear output.
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
    if (!Array.isArray(sizes) || sizes.length < 2) throw new Error(`Mlp: sizes must list at least two widths, but got ${JSON.stringify(sizes)}`);
    sizes.forEach((n, i) => checkPositiveInteger('Mlp', `sizes[${i}]`, n));
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
    return tf.tidy(() => {
      let h: tf.Tensor2D = x;
      this.weights.forEach((w, i) => {
        h = tf.add(tf.matMul(h, w as tf.Tensor2D), this.biases[i]);
        if (i + 1 < this.weights.length) h = tf.relu(h);
      });
      return h;
    });
  }

  /** Every trainable variable. */
  variables(): tf.Variable[] {
    return [...this.weights, ...this.biases];
  }

  dispose(): void {
    tf.dispose(this.variables());
  }
}
