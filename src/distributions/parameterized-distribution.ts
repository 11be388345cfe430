/**
 * The base class of the four parametric distributions: the parameter as given, the
 * shapes and flags of the `Distribution` interface, the parameter views, and the
 * checks every `sample` call starts with.
 */
import * as tf from '@tensorflow/tfjs';
import { Random, Seed, toRandom } from '../random';
import { checkBudget, checkPositiveInteger } from '../validate';
import { TensorInput } from './checks';
import { Distribution } from './distribution';
import { EventType, LogitsOrProbs, Parameters } from './parameters';

/** What the four parametric distributions share: their parameter, shapes and sampling set-up. */
export abstract class ParameterizedDistribution implements Distribution {
  protected readonly params: Parameters;
  /**
   * The logits as given, as a float32 tensor (the caller's own tensor, or one made
   * from the numbers given, freed by `dispose`), or undefined if probs were given.
   * For normalised log-probabilities, call `logitsParameter()`.
   */
  readonly logits: tf.Tensor | undefined;
  /** The probs as given (as `logits`), or undefined if logits were given; see `probsParameter()`. */
  readonly probs: tf.Tensor | undefined;
  readonly batchShape: number[];
  readonly eventShape: number[];
  readonly validateArgs: boolean;

  /**
   * `reparameterized` marks the continuous relaxations: their samples are
   * differentiable in the parameters, and their probs must lie strictly inside (0, 1).
   */
  protected constructor(readonly name: string, args: LogitsOrProbs, event: EventType, readonly reparameterized: boolean) {
    this.params = new Parameters(name, args, event, reparameterized);
    const { kind, value, shape } = this.params;
    this.logits = kind === 'logits' ? value : undefined;
    this.probs = kind === 'probs' ? value : undefined;
    this.batchShape = event === 'one-hot' ? shape.slice(0, -1) : shape.slice();
    this.eventShape = event === 'one-hot' ? shape.slice(-1) : [];
    this.validateArgs = this.params.validateArgs;
  }

  /**
   * Normalised log-probabilities, shape [...batchShape, ...eventShape], as a new tensor
   * the caller disposes. One-hot: logsumexp over the last axis is 0, so
   * exp(logitsParameter()) is probsParameter() (unlike TFP, which returns the logits
   * as given). Binary: the log-odds log p − log(1 − p).
   */
  logitsParameter(): tf.Tensor {
    this.live(`${this.name}.logitsParameter`);
    return this.params.normalisedLogits();
  }

  /** Probabilities, same shape as `logitsParameter()`, as a new tensor the caller disposes. */
  probsParameter(): tf.Tensor {
    this.live(`${this.name}.probsParameter`);
    return this.params.probabilities();
  }

  abstract sample(n: number, seed: Seed): tf.Tensor;
  abstract logProb(x: TensorInput): tf.Tensor;

  /** Checks `n`, makes the generator, and gives the shape [n, ...parameter shape] of the noise. */
  protected samplingSetup(n: number, seed: Seed): { rng: Random; shape: number[] } {
    const fn = `${this.name}.sample`;
    this.live(fn);
    checkPositiveInteger(fn, 'n', n);
    // The draws and the samples are n × (parameter size) entries each.
    checkBudget(fn, 'n × parameter size', n * this.params.value.size);
    return { rng: toRandom(seed, fn), shape: [n, ...this.params.shape] };
  }

  /**
   * Refuses a call on a disposed distribution, or on one whose parameter tensor (the
   * caller's own) has been disposed since, rather than failing inside TensorFlow.js.
   */
  protected live(fn: string): void {
    if (this.params.disposed) throw new Error(`${fn}: this ${this.name} was used after dispose(); make a new one`);
    if (this.params.value.isDisposed) {
      throw new Error(`${fn}: the ${this.params.kind} tensor this ${this.name} was made from has been disposed since`);
    }
  }

  /** Frees the tensors this object owns. The object is unusable afterwards. */
  dispose(): void {
    this.params.dispose();
  }
}
