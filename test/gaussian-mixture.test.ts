import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend';
import { Random } from '../src/random';
import {
  GaussianMixtureModel, PARAMETER_NAMES, exactMixtureGradient, elementaryMixtureGradient, gumbelSoftmaxMixtureGradient,
  scoreFunctionMixtureGradient, elementaryMean, gumbelMean, flattenGradient, flatParameterNames, gradientStatistics,
  estimateMixtureGradient, MIXTURE_GRADIENT_METHODS, MovingAverageBaseline,
} from '../src';

before(async () => { await initBackend(); });

// A float64 reference written separately: E[z²] = Σ_s P_s (μ_s² + σ_s²) from plain arrays.
function objective64(p: Record<string, number[]>, X: number[], K: number): number {
  const m = Math.max(...p.logP);
  const e = p.logP.map((l) => Math.exp(l - m));
  const Z = e.reduce((a, b) => a + b, 0);
  let total = 0;
  for (let s = 0; s < K; s++) {
    const input = [...X, ...Array.from({ length: K }, (_, k) => (k === s ? 1 : 0))];
    const a = input.reduce((acc, x, i) => acc + x * p.A[i], 0) + p.B[0];
    const c = input.reduce((acc, x, i) => acc + x * p.C[i], 0) + p.D[0];
    const mu = 1 / (1 + Math.exp(-a));
    total += (e[s] / Z) * (mu * mu + Math.exp(2 * c));
  }
  return total;
}

function plain(model: GaussianMixtureModel): Record<string, number[]> {
  return Object.fromEntries(PARAMETER_NAMES.map((n) => [n, Array.from(model.params[n].dataSync())]));
}

test('exact gradient equals central differences of a float64 reference objective (rel. 1e-3)', () => {
  const model = new GaussianMixtureModel({ seed: 36 });
  const p = plain(model), X = Array.from(model.X.dataSync());
  const { loss, grads, lossEvaluations } = exactMixtureGradient(model);
  assert.ok(Math.abs(loss - objective64(p, X, 5)) < 1e-4 * objective64(p, X, 5));
  assert.equal(lossEvaluations, 5);
  const h = 1e-5;
  for (const name of PARAMETER_NAMES) {
    p[name].forEach((_, i) => {
      const up = structuredClone(p), down = structuredClone(p);
      up[name][i] += h; down[name][i] -= h;
      const fd = (objective64(up, X, 5) - objective64(down, X, 5)) / (2 * h);
      assert.ok(Math.abs(grads[name][i] - fd) < 1e-3 * Math.max(1, Math.abs(fd)), `${name}[${i}]: ${grads[name][i]} vs ${fd}`);
    });
  }
  model.dispose();
});

test('the Monte Carlo average over the noise row equals the grid average of z² (float64 reference, rel. 1e-5)', () => {
  // elementaryMixtureGradient(seed) draws its ε as new Random(seed).normalArray(L2); the reference averages
  // (μ_s + σ_s ε_j)² over the [K, L2] grid, which the library gets from ε's mean and variance.
  const model = new GaussianMixtureModel({ seed: 36 });
  const p = plain(model), X = Array.from(model.X.dataSync());
  const L2 = 500, eps = new Random(4).normalArray(L2);
  const m = Math.max(...p.logP), e = p.logP.map((l) => Math.exp(l - m)), Z = e.reduce((a, b) => a + b, 0);
  let grid = 0;
  for (let s = 0; s < 5; s++) {
    const input = [...X, ...Array.from({ length: 5 }, (_, k) => (k === s ? 1 : 0))];
    const mu = 1 / (1 + Math.exp(-(input.reduce((acc, x, i) => acc + x * p.A[i], 0) + p.B[0])));
    const sigma = Math.exp(input.reduce((acc, x, i) => acc + x * p.C[i], 0) + p.D[0]);
    grid += (e[s] / Z) * eps.reduce((acc, v) => acc + (mu + sigma * v) ** 2, 0) / L2;
  }
  const { loss, lossEvaluations } = elementaryMixtureGradient(model, { numNoise: L2, seed: 4 });
  assert.ok(Math.abs(loss - grid) < 1e-5 * grid, `${loss} vs ${grid}`);
  assert.equal(lossEvaluations, 5 * L2);
  model.dispose();
});

test('elementary and log-trick estimates are unbiased: every coordinate within 5 standard errors of exact', () => {
  // With 37 coordinates and K = 5, a correct estimator fails with probability below 1e-4.
  const model = new GaussianMixtureModel({ seed: 36 });
  const exact = flattenGradient(exactMixtureGradient(model).grads);
  const rng = new Random(7);
  const M = 60;
  const runs = {
    elementary: Array.from({ length: M }, () => flattenGradient(elementaryMixtureGradient(model, { numNoise: 200, seed: rng }).grads)),
    plain: Array.from({ length: M }, () => flattenGradient(scoreFunctionMixtureGradient(model, { numSamples: 50, numNoise: 200, seed: rng }).grads)),
    baseline: Array.from({ length: M }, () => flattenGradient(scoreFunctionMixtureGradient(model, { numSamples: 50, numNoise: 200, seed: rng, baseline: 'leave-one-out' }).grads)),
  };
  for (const [name, estimates] of Object.entries(runs)) {
    const stats = gradientStatistics(estimates, exact);
    assert.ok(stats.maxAbsZ < 5, `${name}: max |z| = ${stats.maxAbsZ}`);
  }
  // The baseline reduces the variance of the logP coordinates.
  const names = flatParameterNames(model);
  const logPVariance = (e: Float64Array[]) => gradientStatistics(e, exact).sd.filter((_, k) => names[k] === 'logP').reduce((a, s) => a + s * s, 0);
  assert.ok(logPVariance(runs.baseline) < logPVariance(runs.plain));
  model.dispose();
});

test('Gumbel-Softmax: close to exact at low τ, visibly biased at high τ', () => {
  const model = new GaussianMixtureModel({ seed: 36 });
  const exact = flattenGradient(exactMixtureGradient(model).grads);
  const rng = new Random(8);
  const stats = (temperature: number) => gradientStatistics(
    Array.from({ length: 40 }, () => flattenGradient(gumbelSoftmaxMixtureGradient(model, { numSamples: 100, numNoise: 200, seed: rng, temperature }).grads)), exact);
  const hot = stats(5), cold = stats(0.1);
  assert.ok(hot.biasNorm > 5 * hot.biasNoise, `τ = 5: bias ${hot.biasNorm} vs noise ${hot.biasNoise}`);
  assert.ok(cold.biasNorm < hot.biasNorm / 3, `bias at τ = 0.1 ${cold.biasNorm}, at τ = 5 ${hot.biasNorm}`);
  model.dispose();
});

test('the means of μ: Gumbel mean of μ at τ = 0.01 matches Σ P_s μ_s within 5 standard errors', () => {
  const model = new GaussianMixtureModel({ seed: 36 });
  const { probs, mu } = model.bucketSummary();
  const exact = probs.reduce((a, p, s) => a + p * mu[s], 0);
  assert.ok(Math.abs(elementaryMean(model) - exact) < 1e-6);
  const sd = Math.sqrt(probs.reduce((a, p, s) => a + p * (mu[s] - exact) ** 2, 0));
  const n = 4000;
  assert.ok(Math.abs(gumbelMean(model, { numSamples: n, temperature: 0.01, seed: 3 }) - exact) < 5 * sd / Math.sqrt(n));
  model.dispose();
});

test('estimateMixtureGradient runs every method by name with the same numbers as its own function', () => {
  const model = new GaussianMixtureModel({ seed: 36 });
  const options = { numSamples: 10, numNoise: 20, seed: 5, temperature: 0.5, baseline: 'leave-one-out' as const };
  const direct = {
    exact: exactMixtureGradient(model),
    elementary: elementaryMixtureGradient(model, options),
    'gumbel-softmax': gumbelSoftmaxMixtureGradient(model, options),
    'score-function': scoreFunctionMixtureGradient(model, options),
  };
  assert.deepEqual([...MIXTURE_GRADIENT_METHODS], Object.keys(direct));
  for (const method of MIXTURE_GRADIENT_METHODS) {
    const byName = estimateMixtureGradient(method, model, options);
    assert.deepEqual(byName, direct[method], method);
  }
  assert.deepEqual(MIXTURE_GRADIENT_METHODS.map((m) => direct[m].lossEvaluations), [5, 5 * 20, 10 * 20, 10 * 20]);
  model.dispose();
});

test('a moving-average baseline keeps the score-function estimate unbiased and learns the loss', () => {
  const model = new GaussianMixtureModel({ seed: 36 });
  const exact = exactMixtureGradient(model);
  const baseline = new MovingAverageBaseline({ decay: 0.5 });
  const rng = new Random(11);
  const estimates = Array.from({ length: 60 }, () => flattenGradient(scoreFunctionMixtureGradient(model, { numSamples: 50, numNoise: 200, seed: rng, baseline }).grads));
  const stats = gradientStatistics(estimates, flattenGradient(exact.grads));
  assert.ok(stats.maxAbsZ < 5, `max |z| = ${stats.maxAbsZ}`);
  // After 60 steps the average has forgotten its start: it is within 30% of E[z²].
  assert.ok(Math.abs(baseline.value - exact.loss) < 0.3 * exact.loss, `${baseline.value} vs ${exact.loss}`);
  model.dispose();
});

test('determinism, no leaked tensors, and argument errors', () => {
  const model = new GaussianMixtureModel({ seed: 36 });
  const before = tf.memory().numTensors;
  const a = flattenGradient(gumbelSoftmaxMixtureGradient(model, { numSamples: 10, numNoise: 10, seed: 4, temperature: 0.5 }).grads);
  const b = flattenGradient(gumbelSoftmaxMixtureGradient(model, { numSamples: 10, numNoise: 10, seed: 4, temperature: 0.5 }).grads);
  assert.deepEqual(a, b);
  scoreFunctionMixtureGradient(model, { numSamples: 10, numNoise: 10, seed: 4, baseline: 'leave-one-out' });
  elementaryMixtureGradient(model, { numNoise: 10, seed: 4 });
  exactMixtureGradient(model);
  elementaryMean(model); gumbelMean(model, { numSamples: 5, temperature: 1, seed: 1 });
  model.bucketSummary();
  assert.equal(tf.memory().numTensors, before);
  assert.equal(a.length, 37);
  const bad: Array<[() => unknown, RegExp]> = [
    [() => gumbelSoftmaxMixtureGradient(model, { numSamples: 10, numNoise: 10, seed: 4, temperature: 0 }), /^Error: gumbelSoftmaxMixtureGradient: temperature must be a finite number > 0, but got 0$/],
    // A missing temperature is a compile-time error (checked by tsc here); where TypeScript cannot see it, a named one.
    // @ts-expect-error temperature is required
    [() => gumbelSoftmaxMixtureGradient(model, { numSamples: 10, numNoise: 10, seed: 4 }), /gumbelSoftmaxMixtureGradient: temperature must be given for this estimator/],
    // @ts-expect-error temperature is required by name too
    [() => estimateMixtureGradient('gumbel-softmax', model, { numSamples: 10, numNoise: 10, seed: 4 }), /estimateMixtureGradient\('gumbel-softmax'\): temperature must be given/],
    [() => scoreFunctionMixtureGradient(model, { numSamples: 1, numNoise: 10, seed: 4, baseline: 'leave-one-out' }), /scoreFunctionMixtureGradient: numSamples must be at least 2 with the leave-one-out baseline, but got 1/],
    [() => scoreFunctionMixtureGradient(model, { numSamples: 10, numNoise: 10, seed: 4, baseline: true as never }), /scoreFunctionMixtureGradient: baseline must be 'none', 'leave-one-out' or a MovingAverageBaseline instance, but got true/],
    [() => scoreFunctionMixtureGradient(model, { numSamples: 2.5, numNoise: 10, seed: 4 }), /scoreFunctionMixtureGradient: numSamples must be a whole number ≥ 1, but got 2\.5/],
    [() => elementaryMixtureGradient(model, { numNoise: 0, seed: 4 }), /elementaryMixtureGradient: numNoise must be a whole number ≥ 1, but got 0/],
    [() => elementaryMixtureGradient(model, null as never), /elementaryMixtureGradient: options must be an object \{numNoise, seed\}, but got null/],
    [() => exactMixtureGradient({} as never), /exactMixtureGradient: model must be a GaussianMixtureModel, but got an empty object/],
    [() => estimateMixtureGradient('log-trick' as never, model, undefined as never), /estimateMixtureGradient: method must be one of exact, elementary, gumbel-softmax, score-function, but got "log-trick"/],
    [() => gumbelMean(model, { numSamples: 0, temperature: 1, seed: 1 }), /gumbelMean: numSamples must be a whole number ≥ 1, but got 0/],
    [() => new GaussianMixtureModel({ seed: -1 }), /GaussianMixtureModel: seed must be a whole number/],
    [() => gradientStatistics([[1]], [1]), /gradientStatistics: estimates must be at least 2/],
    [() => gradientStatistics([[1], [NaN]], [1]), /gradientStatistics: estimates\[1\] must .*NaN/],
  ];
  for (const [call, message] of bad) assert.throws(call, message);
  assert.equal(tf.memory().numTensors, before, 'a refused call must not leak tensors');
  // A deterministic coordinate that is exactly right has z = 0, not 0/0.
  assert.deepEqual(gradientStatistics([[1, 2], [1, 4]], [1, 3]).zScores, [0, 0]);
  model.dispose();
});

test('parameters that overflow σ give a named error, not a NaN gradient', () => {
  const model = new GaussianMixtureModel({ seed: 36 });
  model.params.D.assign(tf.tensor1d([100])); // log σ ≈ 100: σ² overflows float32
  const before = tf.memory().numTensors;
  assert.throws(() => exactMixtureGradient(model), /exactMixtureGradient: the objective or its gradient is not finite at these parameters/);
  assert.throws(() => scoreFunctionMixtureGradient(model, { numSamples: 4, numNoise: 4, seed: 0 }), /scoreFunctionMixtureGradient: the objective or its gradient is not finite/);
  assert.equal(tf.memory().numTensors, before);
  model.dispose();
});
