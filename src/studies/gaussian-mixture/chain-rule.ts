/**
 * The mean square over the noise, f(s) = (1/L2) Σ_j z_j², and its gradient by the chain
 * rule written out, for the Monte Carlo methods of ./gradients.
 *
 *   input = [X, s]                  a = input·A + B,  μ = sigmoid(a)
 *   l = input·C + D,  σ = exp(l)    c = μ + σ ε̄,      f = c² + σ² s²   (see ./noise)
 *
 * Backward, for an upstream gradient df (one weight per row of f):
 *
 *   ∂f/∂c = 2c,  ∂f/∂σ = 2σ s² + 2c ε̄,  ∂σ/∂l = σ,  ∂μ/∂a = μ (1 − μ)
 *   dA = inputᵀ (df ∂f/∂c ∂μ/∂a),  dB = Σ_rows (…),  dC = inputᵀ (df ∂f/∂σ σ),  dD = Σ_rows (…)
 *   ds = the s columns of (da Aᵀ + dl Cᵀ)
 *
 * Why not autodiff: TensorFlow.js' tape saves a copy of every input it will need, casts
 * and reshapes in each gradient and dispatches every op from JavaScript, which made these
 * estimates 80 to 112 kernels. Written out, the elementary and log-trick gradients take
 * 35 and 47 kernels op by op (the `tensorflow` backend) and 3 fused kernels each on cpu
 * and wasm (./fused-mean-square, ./fused-bucket-gradients), with the same values: each
 * step is the kernel, in the order,
 * that TensorFlow.js' own gradient of that op runs (tfjs-core's gradients: square → dy·2x,
 * sigmoid → dy·(y(1 − y)), exp → dy·y, matMul → dy·Bᵀ and Aᵀ·dy, a broadcast add → the
 * sum over the broadcast axis), so the gradients are bit-identical to version 1's
 * autodiff (test/mixture-gradients-identity.test.ts). The exceptions are exact in
 * float32: x + x for 2x, a broadcast scalar for a filled tensor, no casts of float32 to float32.
 */
import * as tf from '@tensorflow/tfjs';
import { logSoftmax } from '../../kernels/log-softmax';
import { fusedExpectation, fusedLogProbGrad, hasFusedExpectation, hasFusedLogProbGrad } from './fused-bucket-gradients';
import { fusedMeanSquare, fusedMeanSquareGrad, hasFusedMeanSquare, hasFusedMeanSquareGrad } from './fused-mean-square';
import { GaussianMixtureModel, modelConstants } from './model';
import { NoiseMoments } from './noise';

/** The forward pass for rows of inputs [X, s], [m, D+K]: f [m, 1] and what the backward pass reads. */
export interface MeanSquarePass {
  inputs: tf.Tensor2D;
  mu: tf.Tensor2D;
  sigma: tf.Tensor2D;
  centre: tf.Tensor2D;
  f: tf.Tensor2D;
  /** mean f, a scalar, when asked for. */
  meanF?: tf.Scalar;
  noise: NoiseMoments;
  /** ε̄ and s² as scalar tensors, uploaded once for both passes when they run op by op. */
  noiseScalars?: [tf.Scalar, tf.Scalar];
}

/**
 * f = (μ + σ ε̄)² + σ² s² for each row of `inputs` ([X, s], see `inputsFrom`), [m, D+K] → [m, 1],
 * and `withMean` its mean: one fused kernel where the backend has it (./fused-mean-square), else op by op.
 */
export function meanSquarePass(model: GaussianMixtureModel, inputs: tf.Tensor2D, noise: NoiseMoments, withMean = false): MeanSquarePass {
  const { A, B, C, D } = model.params;
  if (hasFusedMeanSquare()) {
    const [mu, sigma, centre, f, meanF] = fusedMeanSquare(inputs, { A, B, C, D }, noise.mean, noise.variance, withMean);
    return { inputs, mu, sigma, centre, f, meanF, noise };
  }
  const noiseScalars: [tf.Scalar, tf.Scalar] = [tf.scalar(noise.mean), tf.scalar(noise.variance)];
  const mu = tf.sigmoid(tf.add(tf.matMul(inputs, A as tf.Tensor2D), B)) as tf.Tensor2D;
  const sigma = tf.exp(tf.add(tf.matMul(inputs, C as tf.Tensor2D), D)) as tf.Tensor2D;
  const centre = tf.add(mu, tf.mul(sigma, noiseScalars[0])) as tf.Tensor2D;
  const f = tf.add(tf.square(centre), tf.mul(tf.square(sigma), noiseScalars[1])) as tf.Tensor2D;
  return { inputs, mu, sigma, centre, f, meanF: withMean ? (tf.mean(f) as tf.Scalar) : undefined, noise, noiseScalars };
}

/** The tensors of a pass that its backward pass reads, for a caller that keeps them past a tidy. */
export function passTensors(pass: MeanSquarePass): tf.Tensor[] {
  return [pass.inputs, pass.mu, pass.sigma, pass.centre, ...(pass.noiseScalars ?? [])];
}

/** The gradients of Σ_i df_i f_i: A and C [D+K, 1], B and D [1], and, if asked, the buckets s [m, K]. */
export interface MeanSquareGradients {
  A: tf.Tensor;
  B: tf.Tensor;
  C: tf.Tensor;
  D: tf.Tensor;
  buckets?: tf.Tensor2D;
}

/**
 * The backward pass of `meanSquarePass` for the upstream gradient df / divisor, with df of
 * m entries (any shape: one weight per row) or a scalar that weights every row alike.
 */
export function meanSquareBackward(
  model: GaussianMixtureModel, pass: MeanSquarePass, df: tf.Tensor, divisor: number, withBuckets: boolean,
): MeanSquareGradients {
  const { inputs, mu, sigma, centre, noise } = pass;
  if (hasFusedMeanSquareGrad()) {
    const weights = withBuckets ? { A: model.params.A, C: model.params.C } : {};
    const attrs = { mean: noise.mean, variance: noise.variance, divisor, buckets: model.buckets };
    const [A, B, C, D, buckets] = fusedMeanSquareGrad({ df, inputs, mu, sigma, centre, ...weights }, attrs);
    return { A, B, C, D, buckets: buckets as tf.Tensor2D | undefined };
  }
  const [mean, variance] = pass.noiseScalars ?? [tf.scalar(noise.mean), tf.scalar(noise.variance)];
  if (df.size !== 1) df = tf.reshape(df, mu.shape);
  if (divisor !== 1) df = tf.div(df, divisor);
  const dCentre = tf.mul(df, tf.add(centre, centre)); // f = c² + …
  const dSigma = tf.add(tf.mul(tf.mul(df, variance), tf.add(sigma, sigma)), tf.mul(dCentre, mean)); // … + σ² s², c = μ + σ ε̄
  const dLogScale = tf.mul(dSigma, sigma); // σ = exp(l)
  const dPreMean = tf.mul(dCentre, tf.mul(mu, tf.sub(modelConstants(model).one, mu))); // μ = sigmoid(a)
  const grads: MeanSquareGradients = {
    A: tf.matMul(inputs, dPreMean, true, false),
    B: tf.sum(dPreMean, 0),
    C: tf.matMul(inputs, dLogScale, true, false),
    D: tf.sum(dLogScale, 0),
  };
  if (withBuckets) {
    const dInputs = tf.add(tf.matMul(dPreMean, model.params.A as tf.Tensor2D, false, true), tf.matMul(dLogScale, model.params.C as tf.Tensor2D, false, true));
    grads.buckets = tf.slice(dInputs, [0, model.dim], [-1, model.buckets]) as tf.Tensor2D;
  }
  return grads;
}

/**
 * The exact sum over buckets Σ_s P_s f_s [1, 1], for P = softmax(logP) [1, K] and f [K, 1],
 * its gradient in logP, P ⊙ (fᵀ − P·f) [1, K] (TensorFlow.js' softmax gradient for dP = fᵀ),
 * and P.
 */
export function bucketExpectation(logP: tf.Tensor, f: tf.Tensor2D): { value: tf.Tensor; logP: tf.Tensor; probs: tf.Tensor } {
  if (hasFusedExpectation()) {
    const [value, grad, probs] = fusedExpectation(logP, f);
    return { value, logP: grad, probs };
  }
  const probs = tf.softmax(logP) as tf.Tensor2D;
  const weighted = tf.mul(tf.reshape(f, probs.shape), probs);
  return { value: tf.matMul(probs, f), logP: tf.sub(weighted, tf.mul(tf.sum(weighted, -1, true), probs)), probs };
}

/**
 * The gradient in logP of (1/n) Σ_i w_i log P_{s_i} for one-hot buckets s [n, K] and
 * losses w [n, 1], in the steps of TensorFlow.js' gradients of the mean, the product
 * with s, the sum over K and logSoftmax.
 */
export function logProbGradient(logP: tf.Tensor, buckets: tf.Tensor2D, losses: tf.Tensor, n: number): tf.Tensor {
  if (hasFusedLogProbGrad()) return fusedLogProbGrad(logP, buckets, losses, n);
  const weights = tf.mul(tf.div(1, n), losses);
  const dLogProbs = tf.reshape(tf.sum(tf.mul(weights, buckets), 0), logP.shape); // Σ_i w_i s_i / n, [1, K]
  const probs = tf.exp(logSoftmax(logP)); // the softmax as the logSoftmax gradient computes it
  return tf.sub(dLogProbs, tf.mul(tf.sum(dLogProbs, 1, true), probs));
}
