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
import { guardedVariableGrads } from './guarded-gradient';
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
  return pathwiseGradientFor('pathwiseGradient', problem, options);
}

/** `pathwiseGradient` on behalf of `fn`, the function the user called (a training loop, say), which its errors name. */
export function pathwiseGradientFor(fn: string, problem: PathwiseProblem, options: SamplingOptions): GradientEstimate {
  if (problem === null || typeof problem !== 'object') fail(fn, 'problem', 'an object {variable, sample, loss}', problem);
  const { variable, sample, loss } = problem;
  if (!(variable instanceof tf.Variable)) fail(fn, 'problem.variable', 'a tf.Variable', variable);
  if (!variable.trainable) fail(fn, 'problem.variable', 'trainable', 'a variable with trainable = false');
  if (typeof sample !== 'function') fail(fn, 'problem.sample', 'a function (numSamples, seed) returning samples [n, ...]', sample);
  if (typeof loss !== 'function') fail(fn, 'problem.loss', 'a function of samples [n, ...] returning [n]', loss);
  const n = checkSampling(fn, options);
  const rng = toRandom(options.seed, fn);

  // The user's sampler and loss run inside the tape; guardedVariableGrads closes the
  // tape and frees what it recorded before any error, theirs or ours, leaves.
  const meanLoss = (): tf.Scalar => {
    const y = sample(n, rng);
    if (!(y instanceof tf.Tensor) || y.isDisposed || y.rank < 1 || y.shape[0] !== n) {
      fail(fn, 'problem.sample(numSamples, seed)', `a tensor of shape [${n}, ...] (numSamples first)`, y);
    }
    const values = loss(y);
    if (!(values instanceof tf.Tensor) || values.isDisposed || values.rank !== 1 || values.shape[0] !== n) {
      fail(fn, 'problem.loss(y)', `a tensor of shape [${n}] (one loss per sample)`, values);
    }
    return tf.mean(values) as tf.Scalar;
  };
  const unconnected = (): never => fail(fn, 'problem.sample(numSamples, seed)', 'differentiable in problem.variable (no gradient reached it)', 'samples that do not depend on it');

  let lossValue = NaN;
  const grad = tf.tidy(() => {
    let result: { value: tf.Scalar; grads: tf.NamedTensorMap };
    try {
      result = guardedVariableGrads(meanLoss, [variable]);
    } catch (error) {
      // variableGrads refuses a value no gradient path connects to the variable; any
      // other error is the user's, the backend's or one of ours above, and passes through.
      if (error instanceof Error && /connection between any variable/.test(error.message)) unconnected();
      throw error;
    }
    const g = result.grads[variable.name];
    if (g === undefined || g === null) unconnected();
    const [value, gradOk] = tf.stack([result.value, finiteness(g)]).dataSync();
    if (!Number.isFinite(value)) fail(fn, 'problem.loss(y)', 'finite at every sample', value);
    if (Number.isNaN(gradOk)) throw new Error(`${fn}: the gradient is not finite although the loss is; check the sampler's and the loss's gradients`);
    lossValue = value;
    return g;
  });
  return { grad, loss: lossValue, lossEvaluations: n };
}
