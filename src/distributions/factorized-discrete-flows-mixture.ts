/**
 * MDNF: N independent categorical variables, each an equally weighted mixture of B
 * discrete normalizing flows applied to fixed point masses.
 *
 * Reference: T. Kusmierczyk and A. Klami, "Reliable Categorical Variational Inference
 * with Mixture of Discrete Normalizing Flows" (arXiv:2006.15568).
 */
import * as tf from '@tensorflow/tfjs';
import { Seed, toRandom } from '../random';
import { checkBudget, checkPositive, checkPositiveInteger, fail, orDefault } from '../validate';
import { TensorInput, toFloatTensor } from './checks';
import { Distribution, DistributionOptions, readValidateArgs } from './distribution';
import { checkComponents, checkOneHot, initialLogits, MDNF_NAME as NAME } from './mdnf-arguments';
import { applyShift, roundRobinSelection, shiftCirculant, straightThroughShift } from './mdnf-shift';

/**
 * Added to every component's indicator in `logProb`. Without it an outcome that no
 * component covers has log-probability −∞, and one such outcome turns a whole
 * log-likelihood into −∞. The price: the K outcomes of one variable then carry
 * total mass 1 + K·ε instead of 1 (and N variables (1 + K·ε)^N).
 */
export const MDNF_EPSILON = 1e-6;

/** Options of `FactorizedDiscreteFlowsMixture`; shapes in brackets. */
export interface FactorizedDiscreteFlowsMixtureOptions extends DistributionOptions {
  /** Number of independent categorical variables. */
  N: number;
  /** Number of categories of each variable. */
  K: number;
  /** Number of mixture components (flows) per variable. */
  B: number;
  /** τ > 0 of the straight-through surrogate softmax(logits / τ). */
  temperature: number;
  /** Initial shift scores [N, B, K] (copied); default N(0, 1) draws from `seed`. */
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
 * B locations, so `probsParameter()` is a fraction with denominator B. Gradients reach
 * `logits` through softmax(logits / τ): τ → ∞ gives vanishing, nearly uniform
 * gradients; τ → 0 gives zero gradient except near ties.
 *
 * The N variables form one event: `batchShape` is [], `eventShape` [N, K], a sample of
 * n draws [n, N, K], and `logProb` gives the joint log-probability, [n].
 * `validateArgs: false` skips the finiteness check of given logits (a download when
 * they are a tensor) and the one-hot check of `logProb`'s x.
 *
 * @example
 * const q = new FactorizedDiscreteFlowsMixture({ N: 1, K: 3, B: 10, temperature: 5 });
 * const y = q.sample(100, 0);        // [100, 1, 3], one-hot
 * const p = q.probsParameter();      // [1, 3], multiples of 1/10
 * tf.dispose([y, p]);
 * q.dispose();
 */
export class FactorizedDiscreteFlowsMixture implements Distribution {
  readonly name = NAME;
  readonly N: number;
  readonly K: number;
  readonly B: number;
  /**
   * The trainable shift scores [N, B, K], the parameters a training loop updates (with
   * `assign`). They are not the distribution's log-probabilities: see `logitsParameter()`.
   */
  readonly logits: tf.Variable;
  /** The base categories c [N][B] (a copy; they never change). */
  readonly components: number[][];
  readonly batchShape: number[] = [];
  readonly eventShape: number[];
  /**
   * False: samples are exactly one-hot, and their gradient is the straight-through
   * surrogate of `straightThroughShift`, not the derivative of an expectation.
   */
  readonly reparameterized = false;
  readonly validateArgs: boolean;
  private tau: number;
  private readonly circulant: tf.Tensor3D;

  constructor(options: FactorizedDiscreteFlowsMixtureOptions) {
    if (options === null || typeof options !== 'object') fail(NAME, 'options', 'an object {N, K, B, temperature, …}', options);
    this.validateArgs = readValidateArgs(NAME, options);
    const N = (this.N = checkPositiveInteger(NAME, 'N', options.N));
    const K = (this.K = checkPositiveInteger(NAME, 'K', options.K));
    const B = (this.B = checkPositiveInteger(NAME, 'B', options.B));
    this.tau = checkPositive(NAME, 'temperature', options.temperature);
    // The largest allocation is the circulant of shifts, N·B·K·K entries.
    checkBudget(NAME, 'N × B × K × K', N * B * K * K);
    this.eventShape = [N, K];
    const rng = toRandom(orDefault(options.seed, 0), NAME);
    // Separate streams, so that giving the logits does not change the default components.
    const [logitRng, componentRng] = [rng.split(), rng.split()];
    this.components = options.components === undefined
      ? Array.from({ length: N }, () => Array.from({ length: B }, () => componentRng.integer(K)))
      : checkComponents(options.components, N, B, K);
    // Last: every check above has passed, so nothing is left to free if one fails.
    this.logits = initialLogits(options.logits, [N, B, K], () => logitRng.normalArray(N * B * K), this.validateArgs);
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
    this.live(`${NAME}.locations`);
    return tf.tidy(() => applyShift(straightThroughShift(this.logits, this.tau), this.circulant));
  }

  /**
   * Draws n one-hot samples [n, N, K], differentiable w.r.t. `logits` (straight-through).
   * Components are used round-robin (see `roundRobinSelection`), so when B divides n
   * every component appears equally often and the seed does not matter.
   */
  sample(n: number, seed: Seed): tf.Tensor3D {
    const fn = `${NAME}.sample`;
    this.live(fn);
    checkPositiveInteger(fn, 'n', n);
    // The selection is N·n·B entries and the samples n·N·K.
    checkBudget(fn, 'n × N × max(B, K)', n * this.N * Math.max(this.B, this.K));
    const rng = toRandom(seed, fn);
    return tf.tidy(() => {
      const select = roundRobinSelection(n, this.N, this.B, rng); // [N, n, B]
      const picked = tf.matMul(select, this.locations()); // [N, n, K]
      return tf.transpose(picked, [1, 0, 2]) as tf.Tensor3D;
    });
  }

  /**
   * log q(x) = Σ_n log( (1/B) Σ_b (1[x_n = μ[n,b]] + ε) ) for one-hot x [m, N, K]; gives [m].
   * Normalised only up to ε: see `MDNF_EPSILON`. With `validateArgs`, throws unless x
   * is one-hot (a download of x).
   */
  logProb(x: TensorInput): tf.Tensor1D {
    const fn = `${NAME}.logProb`;
    this.live(fn);
    return tf.tidy(() => {
      const { tensor } = toFloatTensor(fn, 'x', x);
      if (tensor.rank !== 3 || tensor.shape[1] !== this.N || tensor.shape[2] !== this.K) fail(fn, 'x', `of shape [m, ${this.N}, ${this.K}]`, tensor);
      if (this.validateArgs) checkOneHot(fn, tensor, this.K);
      // For one-hot rows, ⟨x_n, μ[n,b]⟩ is the indicator 1[x_n = μ[n,b]].
      const match = tf.matMul(tf.transpose(tensor, [1, 0, 2]) as tf.Tensor3D, this.locations(), false, true); // [N, m, B]
      const mixture = tf.add(tf.mean(match, -1), MDNF_EPSILON); // (1/B) Σ_b (1[·] + ε), [N, m]
      return tf.sum(tf.log(mixture), 0) as tf.Tensor1D;
    });
  }

  /** The exact probabilities [N, K], the share of the B components located at k; a new tensor to dispose. */
  probsParameter(): tf.Tensor2D {
    this.live(`${NAME}.probsParameter`);
    return tf.tidy(() => tf.mean(this.locations(), 1) as tf.Tensor2D);
  }

  /**
   * log of `probsParameter()` [N, K], −∞ for a category no component covers (without
   * the ε of `logProb`); a new tensor to dispose.
   */
  logitsParameter(): tf.Tensor2D {
    return tf.tidy(() => tf.log(this.probsParameter()) as tf.Tensor2D);
  }

  /** Refuses a call after `dispose()` (or once the logits were disposed elsewhere). */
  private live(fn: string): void {
    if (this.circulant.isDisposed || this.logits.isDisposed) throw new Error(`${fn}: this ${NAME} was used after dispose(); make a new one`);
  }

  /** Frees the logits and the fixed circulants. */
  dispose(): void {
    tf.dispose([this.logits, this.circulant]);
  }
}
