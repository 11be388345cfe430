/**
 * The exact objective of a categorical VAE small enough to enumerate. With N latents of
 * K classes there are K^N latent configurations, so the negative ELBO of the discrete
 * model,
 *
 *   −ELBO(x) = −Σ_z q(z | x) log p(x | z) + KL(q(z | x) ‖ p(z)),
 *
 * is a finite sum, and autodiff of it gives the exact gradient every estimator is
 * measured against: the unbiased reference the entropy source asks for.
 */
import * as tf from '@tensorflow/tfjs';
import { logSoftmax } from '../../kernels/log-softmax';
import { Received, TensorInput, toFloatTensor } from '../../distributions/checks';
import { analyticLogRatio } from '../../estimators/entropy/analytic';
import { guardedVariableGrads } from '../../estimators/guarded-gradient';
import { addRecord, checkLoopOptions, LoopOptions } from '../../train/loop';
import { checkPositive, checkPositiveInteger, describe, fail, orDefault } from '../../validate';
import { CategoricalVae, checkVae } from '../categorical-vae/categorical-vae';

/** The most latent configurations K^N the enumeration accepts; beyond it the sum is refused, not attempted. */
export const MAX_LATENT_CONFIGURATIONS = 4096;

/** The most Adam steps one call of `trainByExactElbo` takes: a few minutes at the largest enumerable sizes. */
const MAX_EXACT_STEPS = 100_000;

/** The most pixel log-likelihood terms b · K^N · D one enumeration evaluates (64 MB of float32 per tensor). */
const MAX_ENUMERATED_TERMS = 2 ** 24;

/** A gradient of a VAE objective, split by network and flattened in `variables()` order. */
export interface VaeGradient {
  /** The objective's value: −ELBO in nats per datum, averaged over the batch. */
  objective: number;
  /** ∂objective/∂(encoder weights and biases), flattened. */
  encoder: number[];
  /** ∂objective/∂(decoder weights and biases), flattened. */
  decoder: number[];
}

/**
 * The exact negative ELBO of the discrete model, averaged over the batch, by summing over
 * all K^N latent configurations z with q(z | x) = Π_n softmax(encoder logits)_{n, z_n},
 * the uniform prior, and the analytic KL. Differentiable in the model's variables.
 *
 * Shapes: x [b, D] with binary entries (0 or 1), D = model.numPixels → a scalar.
 * Limits: at most MAX_LATENT_CONFIGURATIONS configurations, and b · K^N · D ≤ 2^24.
 *
 * @example
 * const vae = new CategoricalVae({ numLatents: 2, numCategories: 3, hidden: [8], numPixels: 4, seed: 0 });
 * const negElbo = exactNegativeElbo(vae, [[1, 0, 1, 1], [0, 0, 1, 0]]);  // a scalar, nats per datum
 * negElbo.print();
 * tf.dispose(negElbo);
 * vae.dispose();
 */
export function exactNegativeElbo(model: CategoricalVae, x: TensorInput): tf.Scalar {
  return withBinaryBatch('exactNegativeElbo', model, x, (data) => negativeElbo(model, data));
}

/**
 * The exact gradient of `exactNegativeElbo` with respect to every variable of the model,
 * read back as numbers, split into the encoder's and the decoder's parts.
 *
 * Shapes: x [b, D] binary → `encoder` and `decoder` flat, in `variables()` order.
 *
 * @example
 * const vae = new CategoricalVae({ numLatents: 2, numCategories: 3, hidden: [8], numPixels: 4, seed: 0 });
 * const { objective, encoder, decoder } = exactVaeGradient(vae, [[1, 0, 1, 1], [0, 0, 1, 0]]);
 * console.log(objective, encoder.length, decoder.length);  // −ELBO, 4·8 + 8 + 8·6 + 6, 6·8 + 8 + 8·4 + 4
 * vae.dispose();
 */
export function exactVaeGradient(model: CategoricalVae, x: TensorInput): VaeGradient {
  return withBinaryBatch('exactVaeGradient', model, x, (data) => variableGradient(model, () => negativeElbo(model, data)));
}

/** One step of `trainByExactElbo`: the exact −ELBO before it. */
export interface ExactElboRecord {
  step: number;
  negElbo: number;
}

/** Options of `trainByExactElbo`; `recordEvery` defaults to 1 (every step). */
export interface ExactElboTrainingOptions extends LoopOptions<ExactElboRecord> {
  steps: number;
  /** Adam's step size; default 0.01. */
  learningRate?: number;
}

/**
 * Adam on the exact negative ELBO for `steps` steps: a trained point for the gradient
 * comparisons, reached without any estimator. Returns the objective before each recorded step.
 *
 * Shapes: x [b, D] binary. Options: steps in [1, 100000]; learningRate > 0, default 0.01.
 *
 * @example
 * const vae = new CategoricalVae({ numLatents: 2, numCategories: 3, hidden: [8], numPixels: 4, seed: 0 });
 * const history = trainByExactElbo(vae, [[1, 0, 1, 1], [0, 0, 1, 0]], { steps: 50 });
 * console.log(history[0].negElbo, history.at(-1)?.negElbo);  // the −ELBO falls
 * vae.dispose();
 */
export function trainByExactElbo(model: CategoricalVae, x: TensorInput, options: ExactElboTrainingOptions): ExactElboRecord[] {
  const fn = 'trainByExactElbo';
  if (options === null || typeof options !== 'object') fail(fn, 'options', 'an object {steps, learningRate?, recordEvery?, onRecord?}', options);
  const steps = checkPositiveInteger(fn, 'steps', options.steps);
  if (steps > MAX_EXACT_STEPS) fail(fn, 'steps', `at most ${MAX_EXACT_STEPS}`, steps);
  const learningRate = checkPositive(fn, 'learningRate', orDefault(options.learningRate, 0.01));
  const { recordEvery, onRecord } = checkLoopOptions(fn, options, 1);
  return withBinaryBatch(fn, model, x, (data) => {
    const optimizer = tf.train.adam(learningRate);
    try {
      const history: ExactElboRecord[] = [];
      for (let step = 0; step < steps; step++) {
        // The step is applied only once it is known to be finite, so a failed run never leaves NaN weights.
        const { value, grads } = tf.variableGrads(() => negativeElbo(model, data), model.variables());
        const [negElbo, gradientCheck] = tf.tidy(() => tf.stack([value, tf.addN(Object.values(grads).map((g) => tf.sum(tf.sub(g, g))))]).dataSync());
        if (!Number.isFinite(negElbo) || Number.isNaN(gradientCheck)) {
          tf.dispose([value, ...Object.values(grads)]);
          fail(fn, 'the objective and its gradient', 'finite at every step (this step was not applied; the model keeps its last finite weights)',
            new Received(`${Number.isFinite(negElbo) ? 'a non-finite gradient' : `an objective of ${negElbo}`} at step ${step}`));
        }
        optimizer.applyGradients(model.variables().map((v) => ({ name: v.name, tensor: grads[v.name] })));
        tf.dispose([value, ...Object.values(grads)]);
        if (step % recordEvery === 0 || step === steps - 1) addRecord(history, { step, negElbo }, onRecord);
      }
      return history;
    } finally {
      optimizer.dispose(); // Adam's moment estimates
    }
  });
}

/** Every configuration of N latents with K classes, one-hot: [K^N, N, K], latent 0 slowest. */
function latentConfigurations(N: number, K: number): tf.Tensor3D {
  const count = K ** N;
  const indices = new Int32Array(count * N);
  for (let c = 0; c < count; c++) {
    for (let n = N - 1, rest = c; n >= 0; n--, rest = Math.floor(rest / K)) indices[c * N + n] = rest % K;
  }
  return tf.tidy(() => tf.cast(tf.oneHot(tf.tensor2d(indices, [count, N], 'int32'), K), 'float32') as tf.Tensor3D);
}

/** −ELBO averaged over the batch, by enumeration; x already checked. */
function negativeElbo(model: CategoricalVae, x: tf.Tensor2D): tf.Scalar {
  const { numLatents: N, numCategories: K } = model, [b] = x.shape;
  return tf.tidy(() => {
    const logits = model.encode(x); // [b, N, K]
    const logPi = logSoftmax(logits);
    const z = latentConfigurations(N, K); // [C, N, K]
    const C = z.shape[0];
    // log q(z | x) = Σ_n log π_{n, z_n}: [b, C].
    const logQ = tf.matMul(tf.reshape(logPi, [b, N * K]), tf.reshape(z, [C, N * K]), false, true);
    // log p(x | z) for every datum and configuration: [b, C].
    const pixelLogits = model.decode(z); // [C, D]
    const logLik = tf.reshape(model.logLikelihood(tf.reshape(tf.tile(tf.expandDims(x, 1), [1, C, 1]), [b * C, -1]),
      tf.tile(pixelLogits, [b, 1])), [b, C]);
    const reconstruction = tf.sum(tf.mul(tf.exp(logQ), logLik), 1); // E_q log p(x | z), [b]
    const kl = tf.sum(analyticLogRatio(logits, tf.fill([K], -Math.log(K))), -1); // [b]
    return tf.mean(tf.sub(kl, reconstruction)) as tf.Scalar;
  });
}

/**
 * The value and the flattened encoder and decoder gradients of `objective`; an objective
 * that throws leaves no tensor behind.
 */
export function variableGradient(model: CategoricalVae, objective: () => tf.Scalar): VaeGradient {
  const encoderVars = model.encoder.variables(), decoderVars = model.decoder.variables();
  return tf.tidy(() => {
    const { value, grads } = guardedVariableGrads(objective, [...encoderVars, ...decoderVars]);
    const flat = (vars: tf.Variable[]) => Array.from(tf.concat(vars.map((v) => tf.reshape(grads[v.name], [-1]))).dataSync());
    return { objective: value.dataSync()[0], encoder: flat(encoderVars), decoder: flat(decoderVars) };
  });
}

/**
 * Checks the model and a binary batch x [b, D], and runs `body` on x as a float32
 * tensor; a tensor made from numbers is freed afterwards, on the error path too.
 */
export function withBinaryBatch<T>(fn: string, model: CategoricalVae, x: TensorInput, body: (x: tf.Tensor2D) => T): T {
  checkVae(fn, model);
  const configurations = model.numCategories ** model.numLatents;
  if (configurations > MAX_LATENT_CONFIGURATIONS) {
    fail(fn, 'model', `small enough to enumerate (K^N ≤ ${MAX_LATENT_CONFIGURATIONS} latent configurations)`,
      `${model.numCategories}^${model.numLatents} = ${configurations}`);
  }
  const { tensor, owned } = toFloatTensor(fn, 'x', x);
  try {
    if (tensor.rank !== 2 || tensor.shape[0] < 1 || tensor.shape[1] !== model.numPixels) {
      fail(fn, 'x', `of shape [b, ${model.numPixels}] (the model's pixels)`, tensor);
    }
    const terms = tensor.shape[0] * configurations * model.numPixels;
    if (terms > MAX_ENUMERATED_TERMS) {
      fail(fn, 'x', `a batch small enough to enumerate (b · K^N · D ≤ 2^24 terms)`, `${tensor.shape[0]} images · ${configurations} · ${model.numPixels} = ${terms}`);
    }
    const values = tensor.dataSync(); // small by the limit above and the caller's batch
    const bad = values.findIndex((v) => v !== 0 && v !== 1);
    if (bad >= 0) fail(fn, 'x', 'binary (every entry 0 or 1)', `${describe(values[bad])} at flat index ${bad}`);
    return body(tensor as tf.Tensor2D);
  } finally {
    if (owned) tensor.dispose();
  }
}
