import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend';
import { Random } from '../src/random';
import { Distribution, FactorizedDiscreteFlowsMixture, MDNF_EPSILON } from '../src/distributions';
import { pathwiseGradient } from '../src/estimators/pathwise';

before(async () => { await initBackend(); });

// The squared-error toy: E_q Σ_k (y_k − t_k)² for one categorical variable with K = 3.
const TARGET = [0.2, 0.7, 0.1];
const squaredError = (target: tf.Tensor) => (y: tf.Tensor) => tf.sum(tf.square(tf.sub(y, target)), [1, 2]);
const mod = (a: number, K: number) => ((a % K) + K) % K;
const argmax = (xs: number[]) => xs.indexOf(Math.max(...xs));
const read = (t: tf.Tensor) => { const v = t.arraySync(); t.dispose(); return v; };
/** Every one-hot outcome of N = 1 variable with K categories, [K, 1, K]. */
const outcomes = (K: number) => tf.tidy(() => tf.reshape(tf.oneHot(tf.range(0, K, 1, 'int32'), K), [K, 1, K]));

test('N = 1: exp(logProb) over all K outcomes sums to 1 within K·ε (plus 1e-6 for float32)', () => {
  for (const [K, B, seed] of [[3, 10, 0], [5, 7, 1], [8, 3, 2]]) {
    const q = new FactorizedDiscreteFlowsMixture({ N: 1, K, B, temperature: 1, seed });
    const x = outcomes(K);
    const logp = read(q.logProb(x)) as number[];
    const total = logp.reduce((s, l) => s + Math.exp(l), 0);
    // The exact total is 1 + K·ε: each outcome gets its share of components plus ε.
    assert.ok(Math.abs(total - 1) <= K * MDNF_EPSILON + 1e-6, `K=${K}: total ${total}`);
    assert.ok(logp.every(Number.isFinite), 'an uncovered outcome must get log ε, not −∞');
    const probs = (read(q.probsParameter()) as number[][])[0];
    probs.forEach((p, k) => assert.ok(Math.abs(logp[k] - Math.log(p + MDNF_EPSILON)) < 1e-5));
    x.dispose(); q.dispose();
  }
});

test('probsParameter() matches sample frequencies within 5σ/√n; exactly when B divides n', () => {
  const q = new FactorizedDiscreteFlowsMixture({ N: 3, K: 4, B: 7, temperature: 1, seed: 5 });
  const probs = read(q.probsParameter()) as number[][];
  const n = 997; // not a multiple of B; round-robin error is below B/n, far inside 5σ/√n
  const freq = read(tf.tidy(() => tf.mean(q.sample(n, 11), 0))) as number[][];
  for (let v = 0; v < 3; v++) for (let k = 0; k < 4; k++) {
    const p = probs[v][k], sigma = Math.sqrt(p * (1 - p));
    assert.ok(Math.abs(freq[v][k] - p) <= 5 * sigma / Math.sqrt(n) + 1e-6, `variable ${v}, k ${k}: ${freq[v][k]} vs ${p}`);
  }
  q.dispose();
  const q10 = new FactorizedDiscreteFlowsMixture({ N: 2, K: 3, B: 10, temperature: 5, seed: 8 });
  const p10 = read(q10.probsParameter()) as number[][];
  for (const m of [10, 100, 1000]) {
    const counts = read(tf.tidy(() => tf.sum(q10.sample(m, m), 0))) as number[][];
    counts.forEach((row, v) => row.forEach((c, k) => assert.equal(c, Math.round(p10[v][k] * 10) * (m / 10))));
  }
  q10.dispose();
});

test('samples equal e_{(c − s) mod K} (hand-computed), cycling through the components', () => {
  const logits = [
    [[0, 0, 0, 3, 0], [9, 1, 0, 0, 0], [0, 0, 2, 0, 1]], // s = 3, 0, 2
    [[0, 5, 0, 0, 0], [0, 0, 0, 0, 4], [1, 0, 0, 0, 0]], // s = 1, 4, 0
  ];
  const components = [[1, 4, 0], [0, 2, 3]];
  // (1−3) mod 5 = 3 (not 1+3 = 4), (4−0) = 4, (0−2) mod 5 = 3; (0−1) mod 5 = 4, (2−4) mod 5 = 3, (3−0) = 3.
  const expected = [[3, 4, 3], [4, 3, 3]];
  const q = new FactorizedDiscreteFlowsMixture({ N: 2, K: 5, B: 3, temperature: 1, logits, components });
  assert.deepEqual((read(q.locations()) as number[][][]).map((row) => row.map(argmax)), expected);
  const samples = read(q.sample(9, 4)) as number[][][];
  for (let v = 0; v < 2; v++) {
    const offset = expected[v].findIndex((_, o) => samples.every((s, i) => argmax(s[v]) === expected[v][(o + i) % 3]));
    assert.ok(offset >= 0, `variable ${v} does not cycle through its components`);
    samples.forEach((s) => assert.equal(s[v].reduce((a, b) => a + b, 0), 1));
  }
  q.dispose();
});

test('the squared-error toy: with B | n the loss is seed-independent and exact', () => {
  const target = tf.tensor(TARGET);
  const q = new FactorizedDiscreteFlowsMixture({ N: 1, K: 3, B: 10, temperature: 5 });
  const probs = (read(q.probsParameter()) as number[][])[0];
  // E Σ_k (y_k − t_k)² = Σ_j q_j ‖e_j − t‖².
  const exact = probs.reduce((s, p, j) => s + p * TARGET.reduce((a, t, k) => a + ((k === j ? 1 : 0) - t) ** 2, 0), 0);
  for (const seed of [0, 1, 2, 3, 12345]) {
    const { grad, loss, lossEvaluations } = pathwiseGradient({ variable: q.logits, sample: (n, s) => q.sample(n, s), loss: squaredError(target) }, { numSamples: 100, seed });
    assert.equal(lossEvaluations, 100);
    assert.ok(Math.abs(loss - exact) < 1e-6, `seed ${seed}: ${loss} vs ${exact}`);
    grad.dispose();
  }
  target.dispose(); q.dispose();
});

/** ST gradient of the squared-error toy's mean loss, by hand: (1/τ) p ⊙ (d − ⟨d, p⟩), d_j = g_{(c−j) mod K}. */
function explicitGradient(logits: number[][], components: number[], tau: number): number[][] {
  const B = logits.length, K = logits[0].length;
  return logits.map((z, b) => {
    const location = mod(components[b] - argmax(z), K);
    // Each component serves n/B samples, so the mean loss weights it by 1/B.
    const g = TARGET.map((t, k) => (2 / B) * ((k === location ? 1 : 0) - t));
    const d = z.map((_, j) => g[mod(components[b] - j, K)]);
    const e = z.map((x) => Math.exp(x / tau));
    const p = e.map((x) => x / e.reduce((a, c) => a + c, 0));
    const dp = d.reduce((s, dj, j) => s + dj * p[j], 0);
    return p.map((pj, j) => (pj * (d[j] - dp)) / tau);
  });
}

test('the straight-through gradient is the softmax(logits/τ) Jacobian, also after setting τ', () => {
  const target = tf.tensor(TARGET);
  const q = new FactorizedDiscreteFlowsMixture({ N: 1, K: 3, B: 10, temperature: 5, seed: 7 });
  for (const tau of [5, 0.5]) {
    q.temperature = tau;
    const { grad } = pathwiseGradient({ variable: q.logits, sample: (n, s) => q.sample(n, s), loss: squaredError(target) }, { numSamples: 100, seed: 3 });
    const got = (read(grad) as number[][][])[0];
    const want = explicitGradient((q.logits.arraySync() as number[][][])[0], q.components[0], tau);
    assert.ok(got.flat().every(Number.isFinite) && got.flat().some((v) => v !== 0));
    got.flat().forEach((v, i) => assert.ok(Math.abs(v - want.flat()[i]) < 1e-6, `τ=${tau} [${i}]: ${v} vs ${want.flat()[i]}`));
  }
  target.dispose(); q.dispose();
});

test('for a linear loss the ST gradient equals autodiff of the softmax surrogate', () => {
  const [N, K, B, tau] = [2, 4, 3, 0.7];
  const q = new FactorizedDiscreteFlowsMixture({ N, K, B, temperature: tau, seed: 9 });
  const w = tf.tensor(new Random(1).normalArray(N * K), [1, N, K]);
  // The surrogate built independently: μ_soft[n,b,k] = Σ_j softmax(z/τ)[j] · 1[(k + j) mod K = c].
  const circ = tf.tensor(q.components.flat().flatMap((c) =>
    Array.from({ length: K * K }, (_, i) => (mod(Math.floor(i / K) + (i % K), K) === c ? 1 : 0))), [N, B, K, K]);
  const soft = (z: tf.Tensor) => tf.sum(tf.mul(tf.expandDims(tf.softmax(tf.div(z, tau)), -1), circ), 2);
  // B samples, one per component: the mean of ⟨w, y⟩ is (1/B) Σ_b ⟨w, μ_b⟩.
  const wantGrad = tf.grad((z: tf.Tensor) => tf.div(tf.sum(tf.mul(soft(z), tf.transpose(w, [1, 0, 2]))), B))(q.logits);
  const { grad } = pathwiseGradient({ variable: q.logits, sample: (n, s) => q.sample(n, s), loss: (y) => tf.sum(tf.mul(y, w), [1, 2]) }, { numSamples: B, seed: 0 });
  const got = read(grad) as number[][][], want = read(wantGrad) as number[][][];
  got.flat(2).forEach((v, i) => assert.ok(Math.abs(v - want.flat(2)[i]) < 1e-6));
  assert.ok(got.flat(2).some((v) => Math.abs(v) > 1e-3));
  tf.dispose([w, circ]); q.dispose();
});

test('the same seed gives the same numbers', () => {
  const make = (seed: number) => new FactorizedDiscreteFlowsMixture({ N: 3, K: 4, B: 5, temperature: 2, seed });
  const [a, b, c] = [make(3), make(3), make(4)];
  assert.deepEqual(a.logits.arraySync(), b.logits.arraySync());
  assert.deepEqual(a.components, b.components);
  assert.deepEqual(read(a.sample(13, 9)), read(b.sample(13, 9)));
  assert.deepEqual(read(a.sample(13, new Random(2))), read(b.sample(13, new Random(2))));
  assert.notDeepEqual(a.logits.arraySync(), c.logits.arraySync());
  // Logits given as a tensor are copied: the caller may dispose theirs.
  const given = tf.tensor(a.logits.arraySync() as number[][][]);
  const d = new FactorizedDiscreteFlowsMixture({ N: 3, K: 4, B: 5, temperature: 2, logits: given, components: a.components });
  given.dispose();
  assert.deepEqual(read(d.sample(13, 9)), read(a.sample(13, 9)));
  d.dispose();
  [a, b, c].forEach((q) => q.dispose());
});

test('K = 1 and B = 1 are valid edge cases', () => {
  const one = new FactorizedDiscreteFlowsMixture({ N: 2, K: 1, B: 3, temperature: 1 });
  assert.deepEqual(read(one.probsParameter()), [[1], [1]]);
  one.dispose();
  const single = new FactorizedDiscreteFlowsMixture({ N: 1, K: 4, B: 1, temperature: 1, logits: [[[0, 0, 1, 0]]], components: [[1]] });
  assert.deepEqual(read(single.probsParameter()), [[0, 0, 0, 1]]);
  single.dispose();
});

test('every bad input raises an error naming function, argument and value', () => {
  const F = FactorizedDiscreteFlowsMixture;
  const base = { N: 1, K: 3, B: 2, temperature: 1 };
  const bad: Array<[() => unknown, RegExp]> = [
    [() => new F({ ...base, N: 0 }), /FactorizedDiscreteFlowsMixture: N must be a whole number ≥ 1, but got 0/],
    [() => new F({ ...base, K: 2.5 }), /FactorizedDiscreteFlowsMixture: K must be a whole number ≥ 1, but got 2\.5/],
    [() => new F({ ...base, B: -1 }), /FactorizedDiscreteFlowsMixture: B must be a whole number ≥ 1, but got -1/],
    [() => new F({ ...base, temperature: 0 }), /FactorizedDiscreteFlowsMixture: temperature must be a finite number > 0, but got 0/],
    [() => new F({ ...base, temperature: NaN }), /temperature must be a finite number > 0, but got NaN/],
    [() => new F({ ...base, temperature: Infinity }), /temperature must be a finite number > 0, but got Infinity/],
    [() => new F({ ...base, logits: [[[1, 2, 3]]] }), /FactorizedDiscreteFlowsMixture: logits must be of shape \[1, 2, 3\].*but got \[\[\[1, 2, 3\]\]\]/],
    [() => tf.tidy(() => { new F({ ...base, logits: tf.zeros([2, 3]) }); }), /FactorizedDiscreteFlowsMixture: logits must be of shape \[1, 2, 3\].*but got a tensor of shape \[2, 3\]/],
    [() => new F({ ...base, logits: [[[1, 2, 3], [1, 2]]] }), /FactorizedDiscreteFlowsMixture: logits must be of shape \[1, 2, 3\].*but got \[\[\[1, 2, 3\], \[1, 2\]\]\]/],
    [() => new F({ ...base, logits: [[[1, 2, 3], [1, NaN, 3]]] }), /FactorizedDiscreteFlowsMixture: logits must be finite everywhere, but got "NaN at flat index 4"/],
    [() => new F({ ...base, components: [[0, 1, 2]] }), /FactorizedDiscreteFlowsMixture: components must be an array of shape \[1, 2\].*but got \[\[0, 1, 2\]\]/],
    [() => new F({ ...base, components: [[0, 3]] }), /FactorizedDiscreteFlowsMixture: components\[0\]\[1\] must be a whole number in \[0, 3\), but got 3/],
    [() => new F({ ...base, components: [[-1, 0]] }), /components\[0\]\[0\] must be a whole number in \[0, 3\), but got -1/],
    [() => new F({ ...base, components: [[0, 1.5]] }), /components\[0\]\[1\] must be a whole number in \[0, 3\), but got 1\.5/],
    [() => new F({ ...base, seed: -2 }), /FactorizedDiscreteFlowsMixture: seed must be a whole number .*, but got -2/],
  ];
  for (const [fn, message] of bad) assert.throws(fn, message);
  const q = new F(base);
  const before = tf.memory().numTensors;
  assert.throws(() => q.sample(0, 0), /^Error: FactorizedDiscreteFlowsMixture\.sample: n must be a whole number ≥ 1, but got 0$/);
  assert.throws(() => q.sample(2.5, 0), /n must be a whole number ≥ 1, but got 2\.5/);
  assert.throws(() => (q as unknown as { sample(n: number): tf.Tensor }).sample(2), /^Error: FactorizedDiscreteFlowsMixture\.sample: seed must be .*, but got undefined$/);
  assert.throws(() => { q.temperature = -1; }, /FactorizedDiscreteFlowsMixture\.temperature: temperature must be a finite number > 0, but got -1/);
  assert.throws(() => q.logProb([[1, 0, 0]] as unknown as number[][][]), /FactorizedDiscreteFlowsMixture\.logProb: x must be of shape \[m, 1, 3\], but got a tensor of shape \[1, 3\]/);
  assert.throws(() => q.logProb([[[1, 1, 0]]]), /FactorizedDiscreteFlowsMixture\.logProb: x must be one-hot \(exactly one 1 per row\), but got "2 ones in row 0"/);
  assert.throws(() => q.logProb([[[0.5, 0.5, 0]]]), /FactorizedDiscreteFlowsMixture\.logProb: x must be one-hot \(entries 0 or 1\), but got "0\.5 at flat index 0"/);
  const pathwise = (loss: (y: tf.Tensor) => tf.Tensor, sample = (n: number, s: Random) => q.sample(n, s)) =>
    pathwiseGradient({ variable: q.logits, sample, loss }, { numSamples: 2, seed: 0 });
  assert.throws(() => pathwise((y) => tf.sum(y)), /pathwiseGradient: problem\.loss\(y\) must be a tensor of shape \[2\] \(one loss per sample\), but got a tensor of shape \[\]/);
  // One value too many is refused: the library, not the sampler, fixes n.
  assert.throws(() => pathwise((y) => tf.concat([tf.sum(y, [1, 2]), tf.zeros([1])])), /pathwiseGradient: problem\.loss\(y\) must be a tensor of shape \[2\] \(one loss per sample\), but got a tensor of shape \[3\]/);
  assert.throws(() => pathwise((y) => tf.sum(y, [1, 2]), (n, s) => q.sample(n + 1, s)), /pathwiseGradient: problem\.sample\(numSamples, seed\) must be a tensor of shape \[2, \.\.\.\] \(numSamples first\), but got a tensor of shape \[3, 1, 3\]/);
  assert.throws(() => pathwise((y) => tf.sum(y, [1, 2]), () => tf.ones([2, 1, 3])), /pathwiseGradient: problem\.sample\(numSamples, seed\) must be differentiable in problem\.variable/);
  assert.throws(() => pathwise(() => { throw new Error('the loss failed'); }), /^Error: the loss failed$/);
  assert.throws(() => pathwise((y) => tf.div(tf.sum(y, [1, 2]), 0)), /pathwiseGradient: problem\.loss\(y\) must be finite at every sample, but got Infinity/);
  assert.throws(() => pathwiseGradient({ variable: q.logits, sample: (n, s) => q.sample(n, s), loss: (y) => tf.sum(y, [1, 2]) }, { numSamples: 0, seed: 0 }), /pathwiseGradient: numSamples must be a whole number ≥ 1, but got 0/);
  assert.throws(() => pathwiseGradient({ variable: [1, 2, 3] as unknown as tf.Variable, sample: (n, s) => q.sample(n, s), loss: (y) => tf.sum(y, [1, 2]) }, { numSamples: 2, seed: 0 }), /pathwiseGradient: problem\.variable must be a tf\.Variable, but got \[1, 2, 3\]/);
  assert.equal(tf.memory().numTensors, before, 'a failed call must not leak tensors');
  assert.equal(q.temperature, 1);
  q.dispose();
});

test('1000 SGD steps with pathwiseGradient leave tf.memory().numTensors unchanged', () => {
  const target = tf.tensor(TARGET);
  const q = new FactorizedDiscreteFlowsMixture({ N: 1, K: 3, B: 10, temperature: 5 });
  const rng = new Random(0);
  const loss = squaredError(target);
  const start = tf.memory().numTensors;
  for (let i = 0; i < 1000; i++) {
    const { grad } = pathwiseGradient({ variable: q.logits, sample: (n, s) => q.sample(n, s), loss }, { numSamples: 100, seed: rng });
    tf.tidy(() => { q.logits.assign(tf.sub(q.logits, tf.mul(0.01, grad))); });
    grad.dispose();
  }
  assert.equal(tf.memory().numTensors, start);
  target.dispose(); q.dispose();
});

test('the Distribution interface: batchShape [], eventShape [N, K], not reparameterised, parameter views as new tensors', () => {
  const q: Distribution = new FactorizedDiscreteFlowsMixture({ N: 2, K: 3, B: 2, temperature: 1, logits: [[[0, 5, 0], [0, 5, 0]], [[1, 0, 0], [0, 0, 1]]], components: [[1, 1], [0, 2]] });
  assert.deepEqual([q.name, q.batchShape, q.eventShape, q.reparameterized, q.validateArgs], ['FactorizedDiscreteFlowsMixture', [], [2, 3], false, true]);
  const start = tf.memory().numTensors;
  const p = q.probsParameter(), l = q.logitsParameter();
  assert.equal(tf.memory().numTensors, start + 2, 'one new tensor per call');
  // Variable 0: both components shifted by 1 from category 1, to 0. Variable 1: 0 − 0 = 0 and (2 − 2) = 0.
  assert.deepEqual(read(p), [[1, 0, 0], [1, 0, 0]]);
  assert.deepEqual(read(l), [[0, -Infinity, -Infinity], [0, -Infinity, -Infinity]]);
  const shapes = tf.tidy(() => { const y = q.sample(5, 0); return [y.shape, q.logProb(y).shape]; });
  assert.deepEqual(shapes, [[5, 2, 3], [5]]);
  q.dispose();
});

test('validateArgs: false skips the finiteness and one-hot checks, not the shape checks, and still copies the logits', () => {
  const F = FactorizedDiscreteFlowsMixture;
  const base = { N: 1, K: 3, B: 2, temperature: 1 };
  const nan = tf.tensor3d([[[NaN, 0, 1], [0, 1, 0]]]);
  assert.throws(() => new F({ ...base, logits: nan }), /FactorizedDiscreteFlowsMixture: logits must be finite everywhere/);
  const start = tf.memory().numTensors;
  const unchecked = new F({ ...base, logits: nan, validateArgs: false });
  assert.equal(unchecked.validateArgs, false);
  assert.equal(tf.memory().numTensors, start + 2, 'the logits variable and the circulants');
  assert.doesNotThrow(() => tf.tidy(() => { unchecked.logProb([[[0.5, 0.5, 0]]]); }));
  assert.throws(() => unchecked.logProb([[0.5, 0.5, 0]]), /FactorizedDiscreteFlowsMixture\.logProb: x must be of shape \[m, 1, 3\]/);
  unchecked.dispose();
  const flat = tf.zeros([2, 3]);
  assert.throws(() => new F({ ...base, logits: flat, validateArgs: false }), /logits must be of shape \[1, 2, 3\]/);
  flat.dispose();
  assert.throws(() => new F({ ...base, validateArgs: 1 as unknown as boolean }), /^Error: FactorizedDiscreteFlowsMixture: validateArgs must be true or false, but got 1$/);
  assert.equal(tf.memory().numTensors, start, 'rejected options leave no tensors behind');
  nan.dispose();
  // Unchecked logits are copied as well: disposing or changing the caller's tensor changes nothing.
  const values = [[[0.3, -1, 2], [1, 0, 0.5]]];
  const given = tf.tensor3d(values);
  const fast = new F({ ...base, logits: given, validateArgs: false });
  given.dispose();
  const checked = new F({ ...base, logits: values });
  assert.deepEqual(read(fast.sample(6, 1)), read(checked.sample(6, 1)));
  assert.deepEqual(fast.logits.arraySync(), checked.logits.arraySync());
  fast.dispose(); checked.dispose();
});
