/**
 * MDNF: N independent categorical variables, each an equally weighted mixture of B
 * discrete normalizing flows applied to fixed point masses.
 *
 * Reference: T. Kusmierczyk and A. Klami, "Reliable Categorical Variational Inference
 * with Mixture of Discrete Normalizing Flows" (arXiv:2006.15568).
 */
import * as tf from '@tensorflow/tfjs';
import { Seed, toRandom } from '../random';
import { checkFiniteValues, checkIndex, checkPositive, checkPositiveInteger, fail } from '../validate';
import { applyShift, roundRobinSelection, shiftCirculant, straightThroughShift } from './mdnf-shift';

const NAME = 'FactorizedDiscreteFlowsMixture';

/**
 * Added to every component's indicator in `logProb`. Without it an outcome that no
 * component covers has log-probability −∞, and one such outcome turns a whole
 * log-likelihood into −∞. The price: the K outcomes of one variable then carry
 * total mass 1 + K·ε instead of 1 (and N variables (1 + K·ε)^N).
 */
export const MDNF_EPSILON = 1e-6;

/** Options of `FactorizedDiscreteFlowsMixture`; shapes in brackets. */
export interface FactorizedDiscreteFlowsMixtureOptions {
  /** Number of independent categorical variables. */
  N: number;
  /** Number of categories of each variable. */
  K: number;
  /** Number of mixture components (flows) per variable. */
  B: number;
  /** τ > 0 of the straight-through surrogate softmax(logits / τ). */
  temperature: number;
  /** Initial logits [N, B, K]; default N(0, 1) draws from `seed`. */
  logits?: number[][][] | tf.Tensor;
  /** Base point masses as category indices [N][B]; default uniform draws from `seed`. */
  components?: number[][];
  /** Seed for the default logits and components; default 0. */
  seed?: Seed;
}

/**
 * Mixture of discrete normalizing flows with straight-through gradients.
 *
 * Component b of variable n is e_{c[n,b]} moved by a shift s[n,b] = argmax(logits[n,b]);
 * its location is e_{(c − s) mod K}. The distribution of variable n is uniform over its
 * B locations, so `probs()` is a fraction with denominator B. Gradients reach
 * `logits` through softmax(logits / τ): τ → ∞ gives vanishing, nearly uniform
 * gradients; τ → 0 gives zero gradient except near ties.
 *
 * @example
 * const q = new FactorizedDiscreteFlowsMixture({ N: 1, K: 3, B: 10, temperature: 5 });
 * const y = q.sample(100);   // [100, 1, 3], one-hot
 * q.probs().print();         // [1, 3], multiples of 1/10
 */
export class FactorizedDiscreteFlowsMixture {
  readonly N: number;
  readonly K: number;
  readonly B: number;
  /** The trainable parameters [N, B, K]. */
  readonly logits: tf.Variable;
  /** The base categories c [N][B] (a copy; they never change). */
  readonly components: number[][];
  private tau: number;
  private readonly circulant: tf.Tensor3D;

  constructor(options: FactorizedDiscreteFlowsMixtureOptions) {
    const N = (this.N = checkPositiveInteger(NAME, 'N', options.N));
    const K = (this.K = checkPositiveInteger(NAME, 'K', options.K));
    const B = (this.B = checkPositiveInteger(NAME, 'B', options.B));
    this.tau = checkPositive(NAME, 'temperature', options.temperature);
    const rng = toRandom(options.seed ?? 0, NAME);
    // Separate streams, so that giving the logits does not change the default components.
    const [logitRng, componentRng] = [rng.split(), rng.split()];
    const values = options.logits === undefined ? logitRng.normalArray(N * B * K) : logitValues(options.logits, [N, B, K]);
    this.components = options.components === undefined
      ? Array.from({ length: N }, () => Array.from({ length: B }, () => componentRng.integer(K)))
      : checkComponents(options.components, N, B, K);
    // tidy frees the upload; the variable keeps its own reference to the data.
    this.logits = tf.tidy(() => tf.variable(tf.tensor3d(values, [N, B, K]), true));
    this.circulant = shiftCirculant(this.components, K);
  }

  get temperature(): number {
    return this.tau;
  }

  /** Sets τ (finite, > 0) for samples drawn from now on: each sample keeps the τ it was drawn with. */
  set temperature(value: number) {
    this.tau = checkPositive(`${NAME}.temperature`, 'temperature', value);
  }

  /** The locations μ[n, b] = e_{(c − s) mod K} [N, B, K], straight-through in `logits`. */
  locations(): tf.Tensor3D {
    return tf.tidy(() => applyShift(straightThroughShift(this.logits, this.tau), this.circulant));
  }

  /**
   * Draws one-hot samples [numSamples, N, K], differentiable w.r.t. `logits`.
   * Components are used round-robin (see `roundRobinSelection`), so when B divides
   * numSamples every component appears equally often and the seed does not matter.
   */
  sample(numSamples: number, seed: Seed = 0): tf.Tensor3D {
    checkPositiveInteger(`${NAME}.sample`, 'numSamples', numSamples);
    const rng = toRandom(seed, `${NAME}.sample`);
    return tf.tidy(() => {
      const select = roundRobinSelection(numSamples, this.N, this.B, rng); // [N, m, B]
      const picked = tf.matMul(select, this.locations()); // [N, m, K]
      return tf.transpose(picked, [1, 0, 2]) as tf.Tensor3D;
    });
  }

  /**
   * log q(x) = Σ_n log( (1/B) Σ_b (1[x_n = μ[n,b]] + ε) ) for one-hot x [m, N, K]; gives [m].
   * Normalised only up to ε: see `MDNF_EPSILON`.
   */
  logProb(x: tf.Tensor | number[][][]): tf.Tensor1D {
    return tf.tidy(() => {
      const y = checkOneHot(x instanceof tf.Tensor ? x : tf.tensor(x), this.N, this.K);
      // For one-hot rows, ⟨x_n, μ[n,b]⟩ is the indicator 1[x_n = μ[n,b]].
      const match = tf.matMul(tf.transpose(y, [1, 0, 2]) as tf.Tensor3D, this.locations(), false, true); // [N, m, B]
      const mixture = tf.add(tf.mean(match, -1), MDNF_EPSILON); // (1/B) Σ_b (1[·] + ε), [N, m]
      return tf.sum(tf.log(mixture), 0) as tf.Tensor1D;
    });
  }

  /** The exact probabilities [N, K]: the share of the B components located at k. */
  probs(): tf.Tensor2D {
    return tf.tidy(() => tf.mean(this.locations(), 1) as tf.Tensor2D);
  }

  /** Frees the logits and the fixed circulants. */
  dispose(): void {
    tf.dispose([this.logits, this.circulant]);
  }
}

function logitValues(logits: number[][][] | tf.Tensor, shape: number[]): Float32Array {
  const rule = `of shape [${shape.join(', ')}] ([N, B, K])`;
  // Arrays are checked here, not by tf.tensor: backends differ on ragged input.
  const [N, B, K] = shape;
  const isRow = (row: unknown, length: number) => Array.isArray(row) && row.length === length;
  const fits = logits instanceof tf.Tensor
    ? logits.shape.join() === shape.join()
    : isRow(logits, N) && logits.every((n) => isRow(n, B) && n.every((b) => isRow(b, K)));
  if (!fits) fail(NAME, 'logits', rule, logits);
  const values = logits instanceof tf.Tensor ? Float32Array.from(logits.dataSync()) : Float32Array.from(logits.flat(2));
  checkFiniteValues(NAME, 'logits', values);
  return values;
}

function checkComponents(components: number[][], N: number, B: number, K: number): number[][] {
  if (!Array.isArray(components) || components.length !== N || components.some((row) => !Array.isArray(row) || row.length !== B)) {
    fail(NAME, 'components', `an array of shape [${N}, ${B}] ([N, B])`, components);
  }
  return components.map((row, n) => row.map((c, b) => checkIndex(NAME, `components[${n}][${b}]`, c, K)));
}

/** Checks that x is [m, N, K] with one-hot rows; reads the values back, so keep x small. */
function checkOneHot(x: tf.Tensor, N: number, K: number): tf.Tensor3D {
  const fn = `${NAME}.logProb`;
  if (x.rank !== 3 || x.shape[1] !== N || x.shape[2] !== K) fail(fn, 'x', `of shape [m, ${N}, ${K}]`, x);
  const v = x.dataSync();
  for (let r = 0; r < v.length; r += K) {
    let ones = 0;
    for (let k = 0; k < K; k++) {
      if (v[r + k] === 1) ones++;
      else if (v[r + k] !== 0) fail(fn, 'x', 'one-hot (entries 0 or 1)', `${v[r + k]} at flat index ${r + k}`);
    }
    if (ones !== 1) fail(fn, 'x', 'one-hot (exactly one 1 per row)', `${ones} ones in row ${r / K}`);
  }
  return tf.cast(x, 'float32') as tf.Tensor3D;
}
