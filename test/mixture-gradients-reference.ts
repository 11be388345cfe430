/**
 * The Gaussian mixture's Monte Carlo gradients as version 1 of the library wrote them, op
 * by op under `tf.variableGrads`: the readable reference that the hand-written chain rule
 * of src/studies/gaussian-mixture is tested against (bit for bit,
 * test/mixture-gradients-identity.test.ts) and timed against (bench/mixture-gradients.ts).
 *
 * Each function takes the same arguments as the library's and draws the same noise in
 * the same order from the seed, so the two can be called on the same seed and compared.
 */
import * as tf from '@tensorflow/tfjs';
import { discreteSample } from '../src/distributions/exact-draws';
import { Baseline, centredLosses, MovingAverageBaseline } from '../src/estimators/baselines';
import { relaxedSample } from '../src/estimators/gumbel-softmax';
import { stopGradient } from '../src/estimators/straight-through';
import { Random, Seed, toRandom } from '../src/random';
import { GaussianMixtureModel, MixtureGradient, PARAMETER_NAMES, ParameterName } from '../src/studies/gaussian-mixture/model';
import { NoiseMoments } from '../src/studies/gaussian-mixture/noise';

/** The noise row's moments, as version 1 summed them (for…of, (ε − ε̄) ** 2). */
function drawNoise(rng: Random, numNoise: number): NoiseMoments {
  const eps = rng.normalArray(numNoise);
  let sum = 0;
  for (const e of eps) sum += e;
  const mean = sum / eps.length;
  let squares = 0;
  for (const e of eps) squares += (e - mean) ** 2;
  return { mean, variance: squares / eps.length };
}

/** μ and log σ of a batch of buckets s [m, K], from the inputs [X, s]. */
function meanAndLogScale(model: GaussianMixtureModel, s: tf.Tensor2D): { mu: tf.Tensor2D; logSigma: tf.Tensor2D } {
  const input = tf.concat([tf.tile(model.X, [s.shape[0], 1]), s], 1);
  const mu = tf.sigmoid(tf.add(tf.matMul(input, model.params.A as tf.Tensor2D), model.params.B)) as tf.Tensor2D;
  const logSigma = tf.add(tf.matMul(input, model.params.C as tf.Tensor2D), model.params.D) as tf.Tensor2D;
  return { mu, logSigma };
}

/** (μ + σ ε̄)² + σ² s²: the mean of z² over the noise row, [m, 1]. */
function meanSquareOverNoise(mu: tf.Tensor2D, logSigma: tf.Tensor2D, noise: NoiseMoments): tf.Tensor2D {
  const sigma = tf.exp(logSigma);
  const centre = tf.add(mu, tf.mul(sigma, noise.mean));
  return tf.add(tf.square(centre), tf.mul(tf.square(sigma), noise.variance));
}

/** Every parameter's gradient of `objective` by autodiff, read back, with the objective's value. */
function gradientsOf(model: GaussianMixtureModel, objective: () => tf.Scalar, lossEvaluations: number): MixtureGradient {
  const { value, grads } = tf.variableGrads(objective, model.variables());
  const arrays = Object.fromEntries(PARAMETER_NAMES.map((name) => [name, grads[model.params[name].name].dataSync() as Float32Array]));
  const result = { loss: value.dataSync()[0], grads: arrays as Record<ParameterName, Float32Array>, lossEvaluations };
  tf.dispose([value, ...Object.values(grads)]);
  return result;
}

/** Σ_s P_s · mean z² given s, differentiated. */
export function referenceElementary(model: GaussianMixtureModel, options: { numNoise: number; seed: Seed }): MixtureGradient {
  const noise = drawNoise(toRandom(options.seed, 'referenceElementary'), options.numNoise);
  return gradientsOf(model, () => {
    const { mu, logSigma } = meanAndLogScale(model, tf.eye(model.buckets) as tf.Tensor2D);
    return tf.matMul(tf.softmax(model.params.logP), meanSquareOverNoise(mu, logSigma, noise)).reshape([]) as tf.Scalar;
  }, model.buckets * options.numNoise);
}

/** The mean of z² over relaxed buckets, differentiated through the relaxed samples. */
export function referenceGumbelSoftmax(
  model: GaussianMixtureModel, options: { numSamples: number; numNoise: number; seed: Seed; temperature: number },
): MixtureGradient {
  const n = options.numSamples;
  const rng = toRandom(options.seed, 'referenceGumbelSoftmax');
  const noise = drawNoise(rng.split(), options.numNoise);
  return gradientsOf(model, () => {
    const s = relaxedSample('categorical', model.params.logP, n, options.temperature, rng).reshape([n, model.buckets]) as tf.Tensor2D;
    const { mu, logSigma } = meanAndLogScale(model, s);
    return tf.mean(meanSquareOverNoise(mu, logSigma, noise)) as tf.Scalar;
  }, n * options.numNoise);
}

/** The surrogate mean_i[f_i + (f_i − b_i)·log P_{s_i}], differentiated; the loss is mean f. */
export function referenceScoreFunction(
  model: GaussianMixtureModel, options: { numSamples: number; numNoise: number; seed: Seed; baseline?: Baseline },
): MixtureGradient {
  const n = options.numSamples;
  const baseline = options.baseline ?? 'none';
  const rng = toRandom(options.seed, 'referenceScoreFunction');
  const noise = drawNoise(rng.split(), options.numNoise);
  const s = tf.tidy(() => discreteSample('categorical', model.params.logP, n, rng).reshape([n, model.buckets]) as tf.Tensor2D);
  let meanLoss = NaN;
  try {
    const { grads, lossEvaluations } = gradientsOf(model, () => {
      const { mu, logSigma } = meanAndLogScale(model, s);
      const f = meanSquareOverNoise(mu, logSigma, noise);
      meanLoss = tf.mean(f).dataSync()[0];
      const weights = stopGradient(centredLosses(f, baseline));
      const logProb = tf.sum(tf.mul(s, tf.logSoftmax(model.params.logP)), 1, true);
      return tf.mean(tf.add(f, tf.mul(weights, logProb))) as tf.Scalar;
    }, n * options.numNoise);
    if (baseline instanceof MovingAverageBaseline) baseline.update(meanLoss);
    return { loss: meanLoss, grads, lossEvaluations };
  } finally {
    s.dispose();
  }
}
