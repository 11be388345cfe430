/**
 * Ground truth for a VAE small enough to enumerate: the exact S-sample bound and its
 * exact gradient, the target of VIMCO (whose gradient is unbiased for this bound, not
 * for the ELBO).
 *
 * With C = K^N codes, the S-sample bound E[log (1/S) Σ_s w(z_s)], z_s ~ q independently,
 * is a sum over the C^S tuples of codes, each weighted by Π_s q(z_s | x). For S = 1 it
 * is the ELBO itself, E_q[log w] = E_q[log p(x | z)] − KL(q ‖ p): the quantity of
 * `exactNegativeElbo`, here computed from the log-weights instead of the analytic KL
 * (a test checks that the two agree).
 */
import * as tf from '@tensorflow/tfjs';
import { logSoftmax } from '../../kernels/log-softmax';
import { guardedVariableGrads } from '../../estimators/guarded-gradient';
import { checkPositiveInteger, fail, orDefault } from '../../validate';
import { CategoricalVae, checkVae } from './categorical-vae';
import { checkTensor, checkTensorValues } from './checks';

/** The most code tuples C^S that `exactVaeBound` enumerates. */
export const MAX_EXACT_TUPLES = 2 ** 16;

/** Every tuple of S indices below C, the first index varying slowest: [C^S · S] int32. */
function indexTuples(C: number, S: number): Int32Array {
  const T = C ** S, out = new Int32Array(T * S);
  for (let t = 0; t < T; t++) for (let s = 0, rest = t; s < S; s++, rest = Math.floor(rest / C)) out[t * S + (S - 1 - s)] = rest % C;
  return out;
}

/**
 * The exact negative S-sample bound, −mean_b E[log (1/S) Σ_s w(z_s)], differentiable in
 * every weight of the model: −ELBO for S = 1, −IWAE_S above. In nats per digit.
 *
 * Shapes: x [b, D] with pixels in [0, 1] → a scalar. Limits: (K^N)^S ≤ MAX_EXACT_TUPLES, and
 * b · max(K^N · D, (K^N)^S · S) ≤ 2^24 terms.
 *
 * @example
 * const vae = new CategoricalVae({ numLatents: 2, numCategories: 3, hidden: [16], seed: 0 });
 * const x = tf.zeros([1, 784]) as tf.Tensor2D;
 * const negElbo = exactVaeBound(vae, x, 1);   // 9 codes
 * const negIwae = exactVaeBound(vae, x, 3);   // 729 tuples of 3 codes; at most negElbo
 * tf.dispose([x, negElbo, negIwae]);
 * vae.dispose();
 */
export function exactVaeBound(model: CategoricalVae, x: tf.Tensor2D, numSamples?: number): tf.Scalar {
  return boundOf(model, x, checkBoundArguments('exactVaeBound', model, x, numSamples));
}

/** The most terms one enumeration evaluates (codes × pixels, or tuples × samples, times the batch): 64 MB of float32 per tensor. */
const MAX_BOUND_TERMS = 2 ** 24;

/** Checks the arguments of the exact bound, naming `fn`; returns S. */
function checkBoundArguments(fn: string, model: CategoricalVae, x: tf.Tensor2D, numSamples: number | undefined): number {
  checkVae(fn, model);
  const S = checkPositiveInteger(fn, 'numSamples', orDefault(numSamples, 1));
  const { numLatents: N, numCategories: K } = model, C = K ** N;
  if (C ** S > MAX_EXACT_TUPLES) fail(fn, '(numCategories^numLatents)^numSamples', `at most ${MAX_EXACT_TUPLES} tuples of codes`, C ** S);
  checkTensor(fn, 'x', x, ['b', model.numPixels]);
  // The decoder sees every code for every datum, and the bound every tuple for every datum.
  const terms = Math.max(C * model.numPixels, C ** S * S) * x.shape[0];
  if (terms > MAX_BOUND_TERMS) fail(fn, 'x', `a batch small enough to enumerate (b · max(K^N · D, (K^N)^S · S) ≤ 2^24)`, x);
  checkTensorValues(fn, 'x', x, 'pixels in [0, 1]', (min, max) => min >= 0 && max <= 1);
  return S;
}

/** The exact negative S-sample bound, on checked arguments. */
function boundOf(model: CategoricalVae, x: tf.Tensor2D, S: number): tf.Scalar {
  const { numLatents: N, numCategories: K } = model, C = K ** N;
  const b = x.shape[0];
  return tf.tidy(() => {
    // Code c has class ⌊c / K^(N−1−n)⌋ mod K at latent n.
    const classes = Int32Array.from({ length: C * N }, (_, i) => Math.floor(Math.floor(i / N) / K ** (N - 1 - (i % N))) % K);
    const codes = tf.cast(tf.oneHot(tf.tensor1d(classes, 'int32'), K), 'float32').reshape([C, 1, N, K]);
    const logPi = tf.expandDims(logSoftmax(model.encode(x)), 0); // [1, b, N, K]
    const logQ = tf.sum(tf.mul(codes, logPi), [2, 3]); // [C, b]
    const decoded = model.decode(tf.reshape(tf.tile(codes, [1, b, 1, 1]), [C * b, N * K]));
    const recon = tf.reshape(model.logLikelihood(tf.tile(x, [C, 1]), decoded), [C, b]);
    const logW = tf.sub(tf.add(recon, model.priorLogProb), logQ); // [C, b]
    const index = tf.tensor1d(indexTuples(C, S), 'int32');
    const tupleLogW = tf.reshape(tf.gather(logW, index), [C ** S, S, b]);
    const tupleLogQ = tf.sum(tf.reshape(tf.gather(logQ, index), [C ** S, S, b]), 1); // [T, b]
    const bound = tf.sub(tf.logSumExp(tupleLogW, 1), Math.log(S)); // [T, b]
    return tf.neg(tf.mean(tf.sum(tf.mul(tf.exp(tupleLogQ), bound), 0))) as tf.Scalar;
  });
}

/**
 * The exact gradient of `exactVaeBound` with respect to every weight, split by network
 * and flattened in `variables()` order: the shape of `exactVaeGradient`'s result, whose
 * `objective` is the −ELBO; here it is the negative S-sample bound.
 *
 * @example
 * const vae = new CategoricalVae({ numLatents: 2, numCategories: 3, hidden: [8], seed: 0 });
 * const x = tf.zeros([1, 784]) as tf.Tensor2D;
 * const { objective, encoder, decoder } = exactVaeBoundGradient(vae, x, 3);   // −IWAE₃ and its gradient
 * console.log(objective, encoder.length, decoder.length);
 * x.dispose();
 * vae.dispose();
 */
export function exactVaeBoundGradient(model: CategoricalVae, x: tf.Tensor2D, numSamples?: number): { objective: number; encoder: number[]; decoder: number[] } {
  const S = checkBoundArguments('exactVaeBoundGradient', model, x, numSamples);
  const { value, grads } = guardedVariableGrads(() => boundOf(model, x, S), model.variables());
  try {
    const flat = (vars: tf.Variable[]) => tf.tidy(() => Array.from(tf.concat(vars.map((v) => tf.reshape(grads[v.name], [-1]))).dataSync()));
    return { objective: value.dataSync()[0], encoder: flat(model.encoder.variables()), decoder: flat(model.decoder.variables()) };
  } finally {
    tf.dispose([value, ...Object.values(grads)]);
  }
}
