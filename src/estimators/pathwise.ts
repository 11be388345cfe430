/**
 * The pathwise (reparameterisation) gradient: autodiff straight through the sampler.
 *
 * This is how MDNF is trained (Kusmierczyk & Klami, "Reliable Categorical Variational
 * Inference with Mixture of Discrete Normalizing Flows"): the samples of
 * `FactorizedDiscreteFlowsMixture.sample` are one-hot, but carry a straight-through
 * gradient to the logits, so the mean loss is simply differentiated by the tape.
 * It works equally for any sampler whose output is differentiable in the variable
 * (Gumbel-Softmax, straight-through Gumbel-Softmax).
 */
import * as tf from '@tensorflow/tfjs';
import { Random, toRandom } from '../random';
import { fail } from '../validate';
import { checkSampling, SamplingOptions } from './options';
import { SampleLoss } from './problem';
import { finiteness, GradientEstimate } from './result';

/**
 * What `pathwiseGradient` differentiates: E[loss(y)] over y = sample(n, seed), with
 * respect to `variable`.
 */
export interface PathwiseProblem {
  /** The parameters, any shape; a trainable `tf.Variable`. */
  variable: tf.Variable;
  /** Draws n samples [n, ...] from `seed`; they must depend on `variable` through differentiable ops. */
  sample: (numSamples: number, seed: Random) => tf.Tensor;
  /** One loss per sample: [n, ...] → [n]. */
  loss: SampleLoss;
}

/** What went wrong inside the tape, reported once the tape is closed. */
interface Problem { arg: string; rule: string; value: unknown }

/** A value to report after its tensor is freed: a tensor is kept as its shape, which the error message shows. */
function reportable(value: unknown): unknown {
  return value instanceof tf.Tensor ? { shape: value.shape.slice() } : value;
}

/**
 * The mean loss over n drawn samples and its autodiff gradient with respect to the variable.
 *
 * It takes `(problem, options)` like every estimator: the problem says what to
 * differentiate (the variable, its sampler and the loss), the options how many draws
 * and from which seed. The library, not the sampler, fixes n, so it can check that the
 * sampler gave n samples and the loss one value for each (a loss of n + 1 values is
 * refused), and report n as `lossEvaluations`.
 *
 * Shapes: `grad` has the variable's shape (the caller disposes it); `loss` is the mean
 * over the n samples; `lossEvaluations` is n. A failing call (bad sample or loss shape,
 * a loss that throws or is not finite, a sampler that does not reach the variable)
 * leaves `tf.memory().numTensors` unchanged.
 *
 * @example
 * const q = new FactorizedDiscreteFlowsMixture({ N: 1, K: 3, B: 10, temperature: 5 });
 * const target = tf.tensor([0.2, 0.7, 0.1]);
 * const rng = new Random(0);
 * const problem = { variable: q.logits, sample: (n: number, seed: Random) => q.sample(n, seed), loss: (y: tf.Tensor) => tf.sum(tf.square(tf.sub(y, target)), [1, 2]) };
 * const { grad, loss } = pathwiseGradient(problem, { numSamples: 100, seed: rng });
 * tf.tidy(() => { q.logits.assign(tf.sub(q.logits, tf.mul(0.01, grad))); });
 * grad.dispose();
 */
export function pathwiseGradient(problem: PathwiseProblem, options: SamplingOptions): GradientEstimate {
  const fn = 'pathwiseGradient';
  if (problem === null || typeof problem !== 'object') fail(fn, 'problem', 'an object {variable, sample, loss}', problem);
  const { variable, sample, loss } = problem;
  if (!(variable instanceof tf.Variable)) fail(fn, 'problem.variable', 'a tf.Variable', variable);
  if (!variable.trainable) fail(fn, 'problem.variable', 'trainable', 'a variable with trainable = false');
  if (typeof sample !== 'function') fail(fn, 'problem.sample', 'a function (numSamples, seed) returning samples [n, ...]', sample);
  if (typeof loss !== 'function') fail(fn, 'problem.loss', 'a function of samples [n, ...] returning [n]', loss);
  const n = checkSampling(fn, options);
  const rng = toRandom(options.seed, fn);

  // Nothing may throw while the tape records (it would strand the tensors it saved), so
  // the user's calls are guarded and a problem is reported after the backward pass.
  let problemFound: Problem | undefined;
  let thrown: { error: unknown } | undefined;
  let recorded = false;
  const meanLoss = (): tf.Scalar => {
    try {
      const y = sample(n, rng);
      if (!(y instanceof tf.Tensor) || y.rank < 1 || y.shape[0] !== n) {
        problemFound = { arg: 'problem.sample(numSamples, seed)', rule: `a tensor of shape [${n}, ...] (numSamples first)`, value: reportable(y) };
      } else {
        const values = loss(y);
        if (!(values instanceof tf.Tensor) || values.rank !== 1 || values.shape[0] !== n) {
          problemFound = { arg: 'problem.loss(y)', rule: `a tensor of shape [${n}] (one loss per sample)`, value: reportable(values) };
        } else {
          recorded = true;
          return tf.mean(values) as tf.Scalar;
        }
      }
    } catch (error) {
      thrown = { error };
    }
    return tf.scalar(0); // not connected to the variable: variableGrads then refuses, after the tape is closed
  };

  let lossValue = NaN;
  const grad = tf.tidy(() => {
    let result: { value: tf.Scalar; grads: tf.NamedTensorMap } | undefined;
    try {
      result = tf.variableGrads(meanLoss, [variable]);
    } catch (error) {
      // variableGrads refuses a value no gradient path connects to the variable; any
      // other error is the user's or the backend's and passes through unchanged.
      const unconnected = error instanceof Error && /connection between any variable/.test(error.message);
      if (!unconnected) throw error;
    }
    if (thrown !== undefined) throw thrown.error;
    if (problemFound !== undefined) fail(fn, problemFound.arg, problemFound.rule, problemFound.value);
    const g = result?.grads[variable.name];
    if (!recorded || result === undefined || g === undefined || g === null) {
      fail(fn, 'problem.sample(numSamples, seed)', 'differentiable in problem.variable (no gradient reached it)', 'samples that do not depend on it');
    }
    const [value, gradOk] = tf.stack([result.value, finiteness(g)]).dataSync();
    if (!Number.isFinite(value)) fail(fn, 'problem.loss(y)', 'finite at every sample', value);
    if (Number.isNaN(gradOk)) throw new Error(`${fn}: the gradient is not finite although the loss is; check the sampler's and the loss's gradients`);
    lossValue = value;
    return g;
  });
  return { grad, loss: lossValue, lossEvaluations: n };
}
