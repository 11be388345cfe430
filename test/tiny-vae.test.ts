/**
 * The enumerable VAE of notebook 02: the exact negative ELBO against a sum written out
 * by hand, its gradient against finite differences and against REINFORCE, the repeated
 * estimates' noise sharing, and the error paths.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend';
import { gradientStatistics } from '../src/diagnostics/gradient-statistics';
import { CategoricalVae } from '../src/studies/categorical-vae';
import { exactNegativeElbo, exactVaeGradient, MAX_LATENT_CONFIGURATIONS, trainByExactElbo } from '../src/studies/relaxed-entropy/tiny-vae';
import { repeatVaeGradients } from '../src/studies/relaxed-entropy/vae-gradient-estimates';

before(async () => {
  await initBackend();
});

const X = [[1, 1, 0, 0], [0, 1, 1, 0], [0, 0, 1, 1], [1, 0, 0, 1]];
const model = (seed = 0, numLatents = 2, numCategories = 3) => new CategoricalVae({ numLatents, numCategories, hidden: [8], numPixels: 4, seed });
const norm = (v: number[]) => Math.hypot(...v);

/** −ELBO and −log p(x), averaged over the batch, by loops over configurations on the host. */
function byHand(vae: CategoricalVae, x: number[][]): { negElbo: number; negLogLik: number } {
  const { numLatents: N, numCategories: K } = vae;
  const logits = tf.tidy(() => vae.encode(tf.tensor2d(x)).arraySync() as number[][][]);
  const configurations: number[][] = [];
  for (let c = 0; c < K ** N; c++) configurations.push(Array.from({ length: N }, (_, n) => Math.floor(c / K ** (N - 1 - n)) % K));
  const pixelLogits = tf.tidy(() => vae.decode(tf.oneHot(tf.tensor2d(configurations, undefined, 'int32'), K).toFloat()).arraySync() as number[][]);
  const logSigmoid = (v: number) => (v >= 0 ? -Math.log1p(Math.exp(-v)) : v - Math.log1p(Math.exp(v)));
  let negElbo = 0, negLogLik = 0;
  x.forEach((row, b) => {
    const probs = logits[b].map((l) => {
      const m = Math.max(...l), z = l.reduce((a, v) => a + Math.exp(v - m), 0);
      return l.map((v) => Math.exp(v - m) / z);
    });
    const kl = probs.reduce((a, p) => a + p.reduce((s, pk) => s + pk * Math.log(pk * K), 0), 0);
    let reconstruction = 0, evidence = 0;
    configurations.forEach((config, c) => {
      const q = config.reduce((a, k, n) => a * probs[n][k], 1);
      const logLik = row.reduce((a, xd, d) => a + (xd === 1 ? logSigmoid(pixelLogits[c][d]) : logSigmoid(-pixelLogits[c][d])), 0);
      reconstruction += q * logLik;
      evidence += Math.exp(logLik) / K ** N; // p(z) p(x | z) with the uniform prior
    });
    negElbo += (kl - reconstruction) / x.length;
    negLogLik += -Math.log(evidence) / x.length;
  });
  return { negElbo, negLogLik };
}

test('exactNegativeElbo equals the sum over configurations written by hand, and bounds −log p(x) from above', () => {
  for (const [seed, N, K] of [[0, 2, 3], [1, 1, 4], [2, 3, 2]]) {
    const vae = model(seed, N, K);
    const got = tf.tidy(() => exactNegativeElbo(vae, X).dataSync()[0]);
    const want = byHand(vae, X);
    assert.ok(Math.abs(got - want.negElbo) < 1e-5 * Math.max(1, Math.abs(want.negElbo)), `N = ${N}, K = ${K}: ${got} vs ${want.negElbo}`);
    assert.ok(got >= want.negLogLik - 1e-5, `−ELBO ${got} is below −log p(x) = ${want.negLogLik}`);
    vae.dispose();
  }
});

test('exactVaeGradient agrees with central finite differences of the objective', () => {
  const vae = model(3);
  const exact = exactVaeGradient(vae, X);
  // Coordinates across both networks, with their flat index in `variables()` order (weights, then biases).
  const [ew, eb, dw] = [vae.encoder.weights, vae.encoder.biases, vae.decoder.weights];
  const probes: [tf.Variable, number, number][] = [
    [ew[0], 0, exact.encoder[0]],
    [eb[1], 2, exact.encoder[ew[0].size + ew[1].size + eb[0].size + 2]],
    [dw[1], 5, exact.decoder[dw[0].size + 5]],
  ];
  probes.forEach(([variable, index, want], i) => {
    // float32: rounding of the objective costs about 4e-7 / (2h) = 2e-5 at h = 0.01, truncation h² f‴ less.
    const h = 1e-2;
    const at = (delta: number) => {
      const values = variable.dataSync().slice();
      values[index] += delta;
      tf.tidy(() => variable.assign(tf.tensor(values, variable.shape)));
      const f = tf.tidy(() => exactNegativeElbo(vae, X).dataSync()[0]);
      values[index] -= delta;
      tf.tidy(() => variable.assign(tf.tensor(values, variable.shape)));
      return f;
    };
    const difference = (at(h) - at(-h)) / (2 * h);
    assert.ok(Math.abs(difference - want) < 1e-4 + 0.01 * Math.abs(difference), `probe ${i}: ${difference} vs ${want}`);
    assert.ok(Math.abs(want) > 1e-3, `probe ${i}: a gradient of ${want} tests little`);
  });
  vae.dispose();
});

test('REINFORCE averages to the exact gradient within 3 noise levels; straight-through\'s decoder gradient too; Gumbel-Softmax\'s is biased', () => {
  const vae = model(4);
  trainByExactElbo(vae, X, { steps: 20, learningRate: 0.02 });
  const exact = exactVaeGradient(vae, X);
  const reinforce = repeatVaeGradients(vae, X, { estimator: 'reinforce', kl: 'analytic', temperature: 1, numSamples: 1000, seed: 1 }, 20);
  for (const part of ['encoder', 'decoder'] as const) {
    const s = gradientStatistics(reinforce[part], exact[part]);
    // An unbiased estimate has ‖bias‖ about √(tr Σ / M); three times that is far in the tail.
    assert.ok(s.biasNorm < 3 * s.biasNoise, `REINFORCE ${part}: bias ${s.biasNorm}, noise ${s.biasNoise}`);
    assert.ok(s.biasNoise < 0.2 * norm(exact[part]), `REINFORCE ${part}: the reference is too loose (noise ${s.biasNoise})`);
  }
  const st = repeatVaeGradients(vae, X, { estimator: 'st-gumbel-softmax', kl: 'relaxed-log-mass', temperature: 1, numSamples: 1000, seed: 2 }, 20);
  const stDecoder = gradientStatistics(st.decoder, exact.decoder);
  assert.ok(stDecoder.biasNorm < 3 * stDecoder.biasNoise, `ST decoder: bias ${stDecoder.biasNorm}, noise ${stDecoder.biasNoise}`);
  const gs = repeatVaeGradients(vae, X, { estimator: 'gumbel-softmax', kl: 'analytic', temperature: 2, numSamples: 1000, seed: 2 }, 20);
  const gsDecoder = gradientStatistics(gs.decoder, exact.decoder);
  assert.ok(gsDecoder.biasNorm > 10 * gsDecoder.biasNoise, `GS decoder at τ = 2: bias ${gsDecoder.biasNorm}, noise ${gsDecoder.biasNoise}`);
  vae.dispose();
});

test('repeatVaeGradients: deterministic for a seed; KL treatments share their noise, so the decoder gradients coincide', () => {
  const vae = model(5);
  const options = { estimator: 'st-gumbel-softmax' as const, temperature: 0.5, numSamples: 50, seed: 9 };
  const a = repeatVaeGradients(vae, X, { ...options, kl: 'analytic' }, 3);
  const again = repeatVaeGradients(vae, X, { ...options, kl: 'analytic' }, 3);
  assert.deepEqual(a, again);
  const relaxed = repeatVaeGradients(vae, X, { ...options, kl: 'relaxed-log-mass' }, 3);
  assert.deepEqual(relaxed.decoder, a.decoder); // the KL term does not touch the decoder
  assert.notDeepEqual(relaxed.encoder, a.encoder);
  assert.notDeepEqual(a.encoder[0], a.encoder[1]); // the repetitions are independent draws
  assert.equal(a.encoder[0].length, 4 * 8 + 8 + 8 * 6 + 6);
  assert.equal(a.decoder[0].length, 6 * 8 + 8 + 8 * 4 + 4);
  vae.dispose();
});

test('trainByExactElbo lowers the objective and holds the tensor count flat', () => {
  const vae = model(6);
  const initial = tf.tidy(() => exactNegativeElbo(vae, X).dataSync()[0]);
  const start = tf.memory().numTensors;
  const history = trainByExactElbo(vae, X, { steps: 30, learningRate: 0.05 });
  assert.deepEqual(history.map((r) => r.step), Array.from({ length: 30 }, (_, i) => i));
  assert.ok(history[29].negElbo < history[0].negElbo - 0.1, `${history[0].negElbo} → ${history[29].negElbo}`);
  assert.ok(Math.abs(history[0].negElbo - initial) < 1e-6, 'the first record is the objective before any step');
  assert.equal(tf.memory().numTensors, start);
  const x = tf.tensor2d(X);
  exactVaeGradient(vae, x); // a tensor given by the caller stays the caller's
  assert.equal(x.isDisposed, false);
  x.dispose();
  repeatVaeGradients(vae, X, { estimator: 'gumbel-softmax', kl: 'concrete-monte-carlo', temperature: 0.5, numSamples: 10, seed: 0 }, 2);
  assert.equal(tf.memory().numTensors, start);
  vae.dispose();
});

test('bad input is refused with the function, argument and value named, and leaks nothing', () => {
  const vae = model(7);
  const big = new CategoricalVae({ numLatents: 7, numCategories: 4, hidden: [4], numPixels: 4, seed: 0 });
  const huge = tf.zeros([500_000, 4]); // 9 configurations × 4 pixels each: 1.8 · 10^7 terms
  const start = tf.memory().numTensors;
  assert.ok(4 ** 7 > MAX_LATENT_CONFIGURATIONS);
  const base = { estimator: 'st-gumbel-softmax' as const, kl: 'analytic' as const, temperature: 1, numSamples: 4, seed: 0 };
  const cases: [() => unknown, RegExp][] = [
    [() => exactNegativeElbo(big, X), /exactNegativeElbo: model must be small enough to enumerate \(K\^N ≤ 4096 latent configurations\), but got "4\^7 = 16384"/],
    [() => exactVaeGradient(vae, huge), /exactVaeGradient: x must be a batch small enough to enumerate \(b · K\^N · D ≤ 2\^24 terms\), but got "500000 images · 9 · 4 = 18000000"/],
    [() => exactVaeGradient(vae, [[1, 0, 1]]), /exactVaeGradient: x must be of shape \[b, 4\] \(the model's pixels\), but got a tensor of shape \[1, 3\]/],
    [() => exactVaeGradient(vae, [[1, 0, 0.5, 1]]), /exactVaeGradient: x must be binary \(every entry 0 or 1\), but got "0.5 at flat index 2"/],
    [() => exactVaeGradient({} as CategoricalVae, X), /exactVaeGradient: model must be a CategoricalVae, but got an empty object/],
    [() => trainByExactElbo(vae, X, { steps: 0 }), /trainByExactElbo: steps must be a whole number ≥ 1, but got 0/],
    [() => trainByExactElbo(vae, X, { steps: 2, learningRate: NaN }), /trainByExactElbo: learningRate must be a finite number > 0, but got NaN/],
    [() => repeatVaeGradients(vae, X, { ...base, estimator: 'rebar' as never }, 2), /repeatVaeGradients: estimator must be one of/],
    [() => repeatVaeGradients(vae, X, { ...base, kl: 'discrete-monte-carlo' as never }, 2), /repeatVaeGradients: kl must be one of analytic, relaxed-log-mass, concrete-monte-carlo/],
    [() => repeatVaeGradients(vae, X, { ...base, temperature: 0 }, 2), /repeatVaeGradients: temperature must be a finite number > 0, but got 0/],
    [() => repeatVaeGradients(vae, X, { ...base, estimator: 'reinforce', numSamples: 1 }, 2), /repeatVaeGradients: numSamples must be at least 2/],
    [() => repeatVaeGradients(vae, X, base, 0), /repeatVaeGradients: repeats must be a whole number ≥ 1, but got 0/],
    [() => repeatVaeGradients(vae, X, null as never, 2), /repeatVaeGradients: options must be an object/],
    [() => repeatVaeGradients(vae, [[2, 0, 0, 0]], base, 2), /repeatVaeGradients: x must be binary/],
  ];
  for (const [call, message] of cases) {
    assert.throws(call, message);
    assert.equal(tf.memory().numTensors, start, `a refused call leaked: ${message}`);
  }
  tf.dispose([huge]);
  big.dispose();
  vae.dispose();
});
