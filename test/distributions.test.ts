import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend, availableBackends } from '../src/backend';
import { Random } from '../src/random';
import { Bernoulli, Distribution, OneHotCategorical, RelaxedBernoulli, RelaxedOneHotCategorical } from '../src/distributions';
import { relaxedSample } from '../src/estimators/gumbel-softmax';

// Statistical checks draw N samples with a fixed seed and allow K_SIGMA·σ/√N, with
// σ = √(p(1−p)) for a frequency: with K_SIGMA = 4 a correct sampler fails one
// comparison with probability about 6e-5.
const N = 20_000;
const K_SIGMA = 4;
const TEMPERATURES = [0.01, 0.1, 1, 10, 100];

before(async () => { await initBackend(); });

/** Runs f in tf.tidy and downloads the result as a plain array. */
const values = (f: () => tf.Tensor): number[] => Array.from(tf.tidy(() => f().dataSync()));
const softmax64 = (l: number[]) => { const m = Math.max(...l); const e = l.map((v) => Math.exp(v - m)); const s = e.reduce((a, b) => a + b); return e.map((v) => v / s); };
const sigmoid64 = (l: number) => 1 / (1 + Math.exp(-l));
/** Mean in float64: a float32 sum of 20 000 terms drifts by ~1e-4, more than some tolerances here. */
const mean64 = (xs: ArrayLike<number>) => Array.from(xs).reduce((a, b) => a + b, 0) / xs.length;
/** assert.throws matches a regex against "Error: message"; this matches the message itself. */
const throwsWith = (f: () => unknown, re: RegExp) => assert.throws(f, (e: Error) => re.test(e.message));
const logAddExp = (a: number, b: number) => Math.max(a, b) + Math.log1p(Math.exp(-Math.abs(a - b)));

/**
 * The Concrete log-density in float64, organised differently from the library: raw
 * (unnormalised) logits, logsumexp by hand. Also returns the size of the largest
 * summed term, which bounds float32 cancellation error.
 */
function concreteLogDensity64(logits: number[], x: number[], tau: number): { value: number; scale: number } {
  const K = logits.length;
  let logFact = 0;
  for (let i = 2; i < K; i++) logFact += Math.log(i);
  const scores = logits.map((l, k) => l - tau * Math.log(x[k]));
  const m = Math.max(...scores);
  const lse = m + Math.log(scores.reduce((s, v) => s + Math.exp(v - m), 0));
  const numer = logits.reduce((s, l, k) => s + l - (tau + 1) * Math.log(x[k]), 0);
  const lseNorm = Math.max(...logits) + Math.log(logits.reduce((s, l) => s + Math.exp(l - Math.max(...logits)), 0));
  const scale = Math.max(...logits.map((l, k) => Math.abs(l - lseNorm) + (tau + 1) * Math.abs(Math.log(x[k]))), K * Math.abs(lse - lseNorm));
  return { value: logFact + (K - 1) * Math.log(tau) + numer - K * lse, scale: K * scale };
}

/** [1]'s binary Concrete density τ α y^(−τ−1)(1−y)^(−τ−1) / (α y^(−τ) + (1−y)^(−τ))², in log space, float64. */
function binaryConcreteLogDensity64(logit: number, y: number, tau: number): { value: number; scale: number } {
  const ly = Math.log(y), l1y = Math.log1p(-y);
  const value = Math.log(tau) + logit - (tau + 1) * (ly + l1y) - 2 * logAddExp(logit - tau * ly, -tau * l1y);
  return { value, scale: Math.abs(logit) + (tau + 1) * (Math.abs(ly) + Math.abs(l1y)) };
}

/** |a − e| ≤ 1e-4·|e| + 1e-6·scale: relative 1e-4, plus float32 rounding (~6e-8 per op) of terms of size `scale`. */
function assertDensityClose(actual: number, expected: { value: number; scale: number }, what: string): void {
  assert.ok(Number.isFinite(actual), `${what}: ${actual} is not finite`);
  const tol = 1e-4 * Math.abs(expected.value) + 1e-6 * expected.scale;
  assert.ok(Math.abs(actual - expected.value) <= tol, `${what}: got ${actual}, expected ${expected.value} (tolerance ${tol})`);
}

// ---- 1. Exact values and edge cases -------------------------------------------------

test('OneHotCategorical: exact logProb, entropy, normalised logits and shapes', () => {
  const logits = [1, 2, 0];
  const p = softmax64(logits);
  const d = new OneHotCategorical({ logits: [logits, [0, 0, 0]] });
  assert.deepEqual(d.batchShape, [2]);
  assert.equal(d.eventSize, 3);
  const lp = values(() => d.logProb([[0, 1, 0], [1, 0, 0]]));
  assert.ok(Math.abs(lp[0] - Math.log(p[1])) < 1e-6 && Math.abs(lp[1] - Math.log(1 / 3)) < 1e-6);
  const h = values(() => d.entropy());
  assert.ok(Math.abs(h[0] + p.reduce((s, q) => s + q * Math.log(q), 0)) < 1e-6 && Math.abs(h[1] - Math.log(3)) < 1e-6);
  assert.ok(Math.abs(values(() => tf.logSumExp(d.logitsParameter(), -1))[0]) < 1e-6, 'logitsParameter() is normalised');
  assert.deepEqual(tf.tidy(() => d.sample(5, 0).shape), [5, 2, 3]);
  d.dispose();
});

test('OneHotCategorical: logits ±50 and zero probabilities give finite or −∞ values, never NaN', () => {
  const d = new OneHotCategorical({ logits: [50, -50, 0] });
  const lp = values(() => d.logProb([[1, 0, 0], [0, 1, 0], [0, 0, 1]]));
  assert.ok(Math.abs(lp[0]) < 1e-6 && Math.abs(lp[1] + 100) < 1e-4 && Math.abs(lp[2] + 50) < 1e-4, `${lp}`);
  assert.ok(values(() => d.sample(1000, 1)).every((v, i) => v === (i % 3 === 0 ? 1 : 0)), 'only the dominant category');
  d.dispose();
  const z = new OneHotCategorical({ probs: [0, 0.3, 0.7] });
  assert.deepEqual(values(() => z.logProb([1, 0, 0])), [-Infinity]);
  const h = values(() => z.entropy())[0];
  assert.ok(Math.abs(h + 0.3 * Math.log(0.3) + 0.7 * Math.log(0.7)) < 1e-6, `entropy ${h}`);
  assert.equal(values(() => tf.slice(z.sample(2000, 2), [0, 0], [-1, 1])).reduce((a, b) => a + b), 0);
  z.dispose();
});

test('Bernoulli: exact logProb and entropy, including logits ±50 and probs 0 and 1', () => {
  const d = new Bernoulli({ logits: [50, -50, 0.7] });
  assert.deepEqual(d.batchShape, [3]);
  const lp1 = values(() => d.logProb([1, 1, 1])), lp0 = values(() => d.logProb([0, 0, 0]));
  // log σ(l) = −log1p(e^−l): at l = 50 that is −1.9e-22, which float32 keeps to full relative precision.
  const logSig = (l: number) => -Math.log1p(Math.exp(-l));
  for (const [i, l] of [50, -50, 0.7].entries()) {
    assert.ok(Math.abs(lp1[i] - logSig(l)) <= 1e-5 * Math.abs(logSig(l)), `log p(1) at ${l}: ${lp1[i]}`);
    assert.ok(Math.abs(lp0[i] - logSig(-l)) <= 1e-5 * Math.abs(logSig(-l)), `log p(0) at ${l}: ${lp0[i]}`);
  }
  const h = values(() => d.entropy());
  const h64 = (l: number) => -sigmoid64(l) * logSig(l) - sigmoid64(-l) * logSig(-l);
  assert.ok(h.every((v, i) => Math.abs(v - h64([50, -50, 0.7][i])) <= 1e-4 * h64([50, -50, 0.7][i])), `entropy ${h}`);
  d.dispose();
  const edge = new Bernoulli({ probs: [0, 1] });
  assert.ok(values(() => edge.entropy()).every((h) => h === 0)); // −0 is fine
  assert.deepEqual(values(() => edge.logProb([[0, 1], [1, 0]])).map((v) => v + 0), [0, 0, -Infinity, -Infinity]); // + 0 turns −0 into 0
  assert.deepEqual(values(() => edge.sample(3, 0)), [0, 1, 0, 1, 0, 1]);
  edge.dispose();
  const scalar = new Bernoulli({ logits: 0.2 });
  assert.deepEqual(tf.tidy(() => scalar.sample(4, 0).shape), [4]);
  scalar.dispose();
});

test('relaxed distributions: samples and logProb are finite at logits ±50 and temperatures 0.01 to 100', () => {
  for (const tau of TEMPERATURES) {
    const c = new RelaxedOneHotCategorical({ logits: [[50, -50, 0], [0.1, 0.2, 0.3]], temperature: tau });
    const y = values(() => c.sample(50, 3));
    assert.ok(y.every((v) => Number.isFinite(v) && v > 0 && v <= 1), `τ = ${tau}`);
    // Coordinates that would underflow are kept at 2^−126, so a sample's own density is finite.
    assert.ok(values(() => c.logProb(c.sample(200, 5))).every(Number.isFinite), `logProb of samples, τ = ${tau}`);
    assert.ok(values(() => c.logProb([[0.2, 0.3, 0.5], [0.98, 0.01, 0.01]])).every(Number.isFinite), `τ = ${tau}`);
    c.dispose();
    const b = new RelaxedBernoulli({ logits: [50, -50, 0], temperature: tau });
    assert.ok(values(() => b.sample(50, 3)).every((v) => Number.isFinite(v) && v > 0 && v < 1), `τ = ${tau}`);
    assert.ok(values(() => b.logProb(b.sample(200, 5))).every(Number.isFinite), `logProb of samples, τ = ${tau}`);
    assert.ok(values(() => b.logProb([0.3, 0.001, 0.999])).every(Number.isFinite), `τ = ${tau}`);
    b.dispose();
  }
  // τ = 100: samples sit near the centre of the simplex; τ = 0.01: near its vertices.
  const hot = new RelaxedOneHotCategorical({ logits: [1, 0, -1], temperature: 100 });
  assert.ok(values(() => hot.sample(100, 4)).every((v) => Math.abs(v - 1 / 3) < 0.05));
  hot.dispose();
  const cold = new RelaxedOneHotCategorical({ logits: [1, 0, -1], temperature: 0.01 });
  // Only samples whose top two Gumbel-perturbed logits lie within τ·log 99 ≈ 0.05 miss, a few per cent.
  assert.ok(values(() => tf.max(cold.sample(100, 4), -1)).filter((v) => v > 0.99).length >= 90);
  cold.dispose();
});

// ---- 2. Densities against analytic formulas ------------------------------------------

test('RelaxedOneHotCategorical.logProb matches the float64 Concrete density (rtol 1e-4)', () => {
  const points = [[0.2, 0.3, 0.5], [0.01, 0.01, 0.98], [0.001, 0.5, 0.499], [0.4, 0.59, 0.01]].map((p) => p.map(Math.fround));
  for (const logits of [[50, -50, 0], [0.3, -1.2, 2], [-50, -50, 50]]) {
    for (const tau of TEMPERATURES) {
      const d = new RelaxedOneHotCategorical({ logits, temperature: tau });
      const lp = values(() => d.logProb(points));
      points.forEach((x, i) => assertDensityClose(lp[i], concreteLogDensity64(logits, x, tau), `logits ${logits}, τ ${tau}, x ${x}`));
      d.dispose();
    }
  }
});

test('RelaxedBernoulli.logProb matches the float64 binary Concrete density (rtol 1e-4)', () => {
  const ys = [1e-6, 0.01, 0.3, 0.5, 0.97, 1 - 2 ** -20].map(Math.fround);
  for (const logit of [50, -50, 0, 1.3]) {
    for (const tau of TEMPERATURES) {
      const d = new RelaxedBernoulli({ logits: logit, temperature: tau });
      const lp = values(() => d.logProb(ys));
      ys.forEach((y, i) => assertDensityClose(lp[i], binaryConcreteLogDensity64(logit, y, tau), `logit ${logit}, τ ${tau}, y ${y}`));
      d.dispose();
    }
  }
});

test('RelaxedBernoulli density integrates to 1 on (0, 1) at τ = 0.5, 1, 2 (within 2e-3)', () => {
  // y = (1 − cos πt)/2 turns the integrable y^(τ−1) edges into a bounded integrand;
  // midpoint rule on 20 000 points, dropping the few whose y rounds to 0 or 1 in float32.
  const M = 20_000, ts = Array.from({ length: M }, (_, i) => (i + 0.5) / M);
  const ys = ts.map((t) => (1 - Math.cos(Math.PI * t)) / 2).filter((y) => Math.fround(y) > 0 && Math.fround(y) < 1);
  const weights = ys.map((y) => (Math.PI / 2) * Math.sqrt(y * (1 - y)) * 2 / M); // dy/dt = (π/2) sin πt = π √(y(1−y))
  for (const tau of [0.5, 1, 2]) {
    const d = new RelaxedBernoulli({ logits: 0.7, temperature: tau });
    const lp = values(() => d.logProb(ys));
    const total = lp.reduce((s, v, i) => s + Math.exp(v) * weights[i], 0);
    assert.ok(Math.abs(total - 1) < 2e-3, `τ = ${tau}: integral ${total}`);
    d.dispose();
  }
});

test('a two-category RelaxedOneHotCategorical has the RelaxedBernoulli density of the logit difference', () => {
  const ys = [1, 64, 300, 512, 1000, 1023].map((k) => k / 1024); // y and 1 − y both exact in float32
  for (const tau of [0.1, 1, 5]) {
    const c = new RelaxedOneHotCategorical({ logits: [1.5, -0.5], temperature: tau });
    const b = new RelaxedBernoulli({ logits: 2, temperature: tau });
    const a = values(() => c.logProb(ys.map((y) => [y, 1 - y]))), e = values(() => b.logProb(ys));
    a.forEach((v, i) => assert.ok(Math.abs(v - e[i]) <= 1e-4 * Math.abs(e[i]) + 1e-5, `τ ${tau}, y ${ys[i]}: ${v} vs ${e[i]}`));
    c.dispose();
    b.dispose();
  }
});

// ---- 3. Rounding: argmax of a relaxed sample is distributed as softmax(logits) ----------

test('argmax of relaxed samples has the softmax(logits) frequencies at τ = 0.1, 1, 10 (4σ/√N)', () => {
  const logits = [1, 0.2, -1, 0.5], p = softmax64(logits);
  for (const tau of [0.1, 1, 10]) {
    const d = new RelaxedOneHotCategorical({ logits, temperature: tau });
    const counts = values(() => tf.sum(tf.oneHot(tf.argMax(d.sample(N, 11), -1), 4), 0));
    p.forEach((pk, k) => {
      const tol = K_SIGMA * Math.sqrt(pk * (1 - pk)) / Math.sqrt(N);
      assert.ok(Math.abs(counts[k] / N - pk) < tol, `τ ${tau}, k ${k}: ${counts[k] / N} vs ${pk} ± ${tol}`);
    });
    d.dispose();
    const b = new RelaxedBernoulli({ logits: 0.6, temperature: tau });
    const q = sigmoid64(0.6), freq = values(() => tf.mean(tf.cast(tf.greater(b.sample(N, 12), 0.5), 'float32')))[0];
    assert.ok(Math.abs(freq - q) < K_SIGMA * Math.sqrt(q * (1 - q) / N), `RelaxedBernoulli τ ${tau}: ${freq} vs ${q}`);
    b.dispose();
  }
});

// ---- 4. Statistical checks of the discrete distributions --------------------------------

test('OneHotCategorical frequencies match probs, and entropy matches −mean logProb (4σ/√N)', () => {
  const probs = [0.5, 0.25, 0.125, 0.125];
  const d = new OneHotCategorical({ probs });
  const { freq, mc } = tf.tidy(() => {
    const x = d.sample(N, 21);
    return { freq: Array.from(tf.mean(x, 0).dataSync()), mc: -mean64(d.logProb(x).dataSync()) };
  });
  probs.forEach((p, k) => assert.ok(Math.abs(freq[k] - p) < K_SIGMA * Math.sqrt(p * (1 - p) / N), `k ${k}: ${freq[k]}`));
  const h = values(() => d.entropy())[0];
  // σ of −log p(X) is √(Σ p log²p − H²).
  const sd = Math.sqrt(probs.reduce((s, p) => s + p * Math.log(p) ** 2, 0) - h * h);
  assert.ok(Math.abs(mc - h) < K_SIGMA * sd / Math.sqrt(N), `Monte Carlo ${mc} vs entropy ${h}`);
  d.dispose();
});

test('Bernoulli frequencies match probs, and entropy matches −mean logProb (4σ/√N)', () => {
  const probs = [0.1, 0.5, 0.85];
  const d = new Bernoulli({ probs });
  const { freq, mc } = tf.tidy(() => {
    const x = d.sample(N, 22);
    const lp = tf.transpose(d.logProb(x)).arraySync() as number[][];
    return { freq: Array.from(tf.mean(x, 0).dataSync()), mc: lp.map((row) => -mean64(row)) };
  });
  const h = values(() => d.entropy());
  probs.forEach((p, i) => {
    assert.ok(Math.abs(freq[i] - p) < K_SIGMA * Math.sqrt(p * (1 - p) / N), `p ${p}: ${freq[i]}`);
    const sd = Math.sqrt(Math.max(0, p * Math.log(p) ** 2 + (1 - p) * Math.log(1 - p) ** 2 - h[i] ** 2));
    // At p = 1/2, −log p(X) is constant (σ = 0): only float32 rounding, 1e-6, is left.
    assert.ok(Math.abs(mc[i] - h[i]) <= K_SIGMA * sd / Math.sqrt(N) + 1e-6, `p ${p}: ${mc[i]} vs ${h[i]}`);
  });
  d.dispose();
});

test('exact draws: zero-probability outcomes never drawn, each batch row drawn from its own logits', () => {
  const cat = new OneHotCategorical({ probs: [[1, 0, 0], [0, 0, 1], [0, 1, 0]] });
  const bits = new Bernoulli({ probs: [1, 0, 0.5] });
  const { onehot, binary } = tf.tidy(() => ({
    onehot: tf.mean(cat.sample(500, 3), 0).arraySync() as number[][],
    binary: Array.from(tf.mean(bits.sample(2000, 4), 0).dataSync()),
  }));
  assert.deepEqual(onehot, [[1, 0, 0], [0, 0, 1], [0, 1, 0]]);
  assert.deepEqual(binary.slice(0, 2), [1, 0]);
  assert.ok(Math.abs(binary[2] - 0.5) < K_SIGMA * Math.sqrt(0.25 / 2000), `p = 1/2: ${binary[2]}`);
  cat.dispose();
  bits.dispose();
});

// ---- 5. Determinism -----------------------------------------------------------------------

const makeAll = () => [
  new OneHotCategorical({ logits: [[1, 2, 0], [0, -1, 3]] }),
  new Bernoulli({ logits: [0.3, -2] }),
  new RelaxedOneHotCategorical({ logits: [[1, 2, 0], [0, -1, 3]], temperature: 0.5 }),
  new RelaxedBernoulli({ logits: [0.3, -2], temperature: 0.5 }),
];

test('the same seed gives identical samples; a Random seed advances', () => {
  for (const d of makeAll()) {
    assert.deepEqual(values(() => d.sample(100, 5)), values(() => d.sample(100, 5)), d.name);
    const rng = new Random(5);
    assert.notDeepEqual(values(() => d.sample(100, rng)), values(() => d.sample(100, rng)), d.name);
    d.dispose();
  }
});

test('samples agree across backends: discrete ones identical, relaxed ones to float32 rounding', async () => {
  const backends = availableBackends().filter((b) => b === 'cpu' || b === 'wasm' || b === 'tensorflow');
  const results: number[][][] = [];
  for (const name of backends) {
    await initBackend(name);
    results.push(makeAll().map((d) => { const v = values(() => d.sample(200, 9)); d.dispose(); return v; }));
  }
  await initBackend();
  for (let b = 1; b < backends.length; b++) {
    assert.deepEqual(results[b][0], results[0][0], `OneHotCategorical on ${backends[b]}`);
    assert.deepEqual(results[b][1], results[0][1], `Bernoulli on ${backends[b]}`);
    // exp, log and sigmoid kernels differ in the last bits between backends.
    for (const i of [2, 3]) results[b][i].forEach((v, j) => assert.ok(Math.abs(v - results[0][i][j]) <= 1e-6, `${backends[b]}: ${v} vs ${results[0][i][j]}`));
  }
});

// ---- 6. Errors --------------------------------------------------------------------------

test('bad arguments raise errors that name the function, the argument and the value', () => {
  const cases: [() => unknown, RegExp][] = [
    [() => new RelaxedOneHotCategorical({ logits: [1, 2], temperature: -1 }), /^RelaxedOneHotCategorical: temperature must be a finite number > 0, but got -1$/],
    [() => new RelaxedBernoulli({ logits: [1], temperature: 0 }), /^RelaxedBernoulli: temperature must be .*, but got 0$/],
    [() => new RelaxedBernoulli({ logits: [1], temperature: NaN }), /temperature .* but got NaN$/],
    [() => new RelaxedOneHotCategorical({ logits: [1, 2], temperature: Infinity }), /temperature .* but got Infinity$/],
    [() => new Bernoulli({ logits: [1], probs: [0.5] }), /^Bernoulli: exactly one of logits and probs must be given, but got both$/],
    [() => new OneHotCategorical({}), /^OneHotCategorical: exactly one of logits and probs must be given, but got neither$/],
    [() => new OneHotCategorical({ probs: [0.5, 0.6] }), /^OneHotCategorical: probs must be .*sum to 1.*, but got \[0\.5, 0\.6\]$/],
    [() => new OneHotCategorical({ probs: [-0.1, 1.1] }), /probs must be non-negative.*but got \[-0\.1, 1\.1\]/],
    [() => new OneHotCategorical({ probs: tf.tensor([0.2, 0.2]) }), /probs must .* but got a tensor of shape \[2\] with values from 0\.2 to 0\.2/],
    [() => new RelaxedOneHotCategorical({ probs: [0, 1], temperature: 1 }), /RelaxedOneHotCategorical: probs must be positive/],
    [() => new Bernoulli({ probs: [1.5] }), /^Bernoulli: probs must be in \[0, 1\], but got \[1\.5\]$/],
    [() => new RelaxedBernoulli({ probs: [1], temperature: 1 }), /RelaxedBernoulli: probs must be in the open interval \(0, 1\), but got \[1\]/],
    [() => new Bernoulli({ logits: [1, Infinity] }), /^Bernoulli: logits must be finite everywhere, but got \[1, Infinity\]$/],
    [() => new OneHotCategorical({ logits: tf.tensor([NaN, 1]) }), /OneHotCategorical: logits must be finite everywhere, but got a tensor of shape \[2\]/],
    [() => new OneHotCategorical({ logits: 3 }), /OneHotCategorical: logits must be a tensor of rank ≥ 1/],
    [() => new RelaxedOneHotCategorical({ logits: [3], temperature: 1 }), /K ≥ 2 categories, but got \[3\]/],
    [() => new Bernoulli({ logits: [[1, 2], [3]] }), /Bernoulli: logits must be a number, a rectangular/],
  ];
  for (const [f, re] of cases) throwsWith(f, re);
});

test('bad sample and logProb arguments raise errors', () => {
  const [c, b, rc, rb] = makeAll();
  for (const d of [c, b, rc, rb]) {
    for (const n of [0, -1, 1.5, NaN]) throwsWith(() => d.sample(n, 0), new RegExp(`^${d.name}\\.sample: n must be a whole number ≥ 1, but got ${n}$`));
  }
  throwsWith(() => c.sample(2, -3), /OneHotCategorical\.sample: seed must be/);
  throwsWith(() => c.logProb([1, 0, 0]), /^OneHotCategorical\.logProb: x must be a tensor whose shape ends in \[2, 3\], but got a tensor of shape \[3\]$/);
  throwsWith(() => c.logProb([[1, 0, 0], [0.5, 0.5, 0]]), /OneHotCategorical\.logProb: x must be one-hot .* but got \[\[1, 0, 0\], \[0\.5, 0\.5, 0\]\]/);
  throwsWith(() => c.logProb([[1, 1, 0], [0, 0, 1]]), /x must be one-hot/);
  throwsWith(() => b.logProb([[0.5, 1]]), /^Bernoulli\.logProb: x must be 0 or 1 everywhere, but got \[\[0\.5, 1\]\]$/);
  throwsWith(() => b.logProb([1, 0, 1]), /Bernoulli\.logProb: x must be a tensor whose shape ends in \[2\]/);
  throwsWith(() => rc.logProb([[1, 0, 0], [0.2, 0.3, 0.5]]), /RelaxedOneHotCategorical\.logProb: x must be on the open simplex/);
  throwsWith(() => rc.logProb([[0.2, 0.2, 0.2], [0.2, 0.3, 0.5]]), /open simplex/);
  throwsWith(() => rb.logProb([0.5, 1]), /^RelaxedBernoulli\.logProb: x must be in the open interval \(0, 1\), but got \[0\.5, 1\]$/);
  throwsWith(() => rb.logProb(tf.tensor([NaN, 0.5])), /RelaxedBernoulli\.logProb: x must be in the open interval/);
  for (const d of [c, b, rc, rb]) d.dispose();
});

// ---- 7. Gradients and memory --------------------------------------------------------------

test('reparameterised gradients of E[f(sample)] reach logits and probs, finite and non-zero', () => {
  const w = tf.tensor([1, -2, 3]);
  const f = (y: tf.Tensor) => tf.mean(tf.sum(tf.mul(tf.square(y), w), -1));
  const viaLogits = values(() => tf.grad((l: tf.Tensor) => f(new RelaxedOneHotCategorical({ logits: l, temperature: 0.5 }).sample(500, 1)))(tf.tensor([0.5, -0.2, 0.1])));
  assert.ok(viaLogits.every(Number.isFinite) && viaLogits.some((g) => Math.abs(g) > 1e-3), `${viaLogits}`);
  // Samples depend on logit differences only, so the gradient sums to 0.
  assert.ok(Math.abs(viaLogits.reduce((a, b) => a + b)) < 1e-5);
  const probs = [0.2, 0.5, 0.3];
  const viaProbs = values(() => tf.grad((p: tf.Tensor) => f(new RelaxedOneHotCategorical({ probs: p, temperature: 0.5 }).sample(500, 1)))(tf.tensor(probs)));
  // … and on probs up to scale, so Σ p_k ∂/∂p_k = 0.
  assert.ok(viaProbs.every(Number.isFinite) && Math.abs(viaProbs.reduce((s, g, k) => s + g * probs[k], 0)) < 1e-5, `${viaProbs}`);
  // A variable used by a distribution built outside variableGrads still gets its gradient.
  const v = tf.variable(tf.tensor([0.3, -1]));
  const rb = new RelaxedBernoulli({ logits: v, temperature: 0.7 });
  const g = tf.tidy(() => Array.from(tf.variableGrads(() => tf.mean(rb.sample(500, 2)) as tf.Scalar, [v]).grads[v.name].dataSync()));
  assert.ok(g.every((x) => Number.isFinite(x) && x > 0), `∂E[y]/∂logit must be positive: ${g}`);
  const viaBernoulliProbs = values(() => tf.grad((p: tf.Tensor) => tf.mean(new RelaxedBernoulli({ probs: p, temperature: 0.7 }).sample(500, 2)))(tf.tensor([0.4])));
  assert.ok(viaBernoulliProbs[0] > 0 && Number.isFinite(viaBernoulliProbs[0]));
  rb.dispose();
  tf.dispose([v, w]);
});

test('score-function gradient: ∂ log p(x)/∂logits is onehot(x) − softmax(logits)', () => {
  const logits = [1, 2, 0], p = softmax64(logits);
  const g = values(() => tf.grad((l: tf.Tensor) => tf.sum(new OneHotCategorical({ logits: l }).logProb([0, 0, 1])))(tf.tensor(logits)));
  g.forEach((v, k) => assert.ok(Math.abs(v - ((k === 2 ? 1 : 0) - p[k])) < 1e-6));
  const gb = values(() => tf.grad((l: tf.Tensor) => tf.sum(new Bernoulli({ logits: l }).logProb([1])))(tf.tensor([0.4])));
  assert.ok(Math.abs(gb[0] - (1 - sigmoid64(0.4))) < 1e-6);
});

test('200 rounds of sample + logProb inside tf.tidy leave tf.memory().numTensors unchanged', () => {
  const all = makeAll();
  const start = tf.memory().numTensors;
  for (let i = 0; i < 200; i++) {
    for (const d of all) tf.tidy(() => { const x = d.sample(10, i); d.logProb(x); });
    tf.tidy(() => { const d = new RelaxedBernoulli({ probs: [0.3], temperature: 1 }); d.logProb(d.sample(3, i)); d.dispose(); });
  }
  assert.equal(tf.memory().numTensors, start);
  for (const d of all) d.dispose();
  assert.equal(tf.memory().numTensors, start - 4, 'dispose frees the four parameter tensors');
  const failing = tf.memory().numTensors;
  assert.throws(() => new OneHotCategorical({ probs: [0.5, 0.6] }));
  assert.equal(tf.memory().numTensors, failing, 'a rejected parameter is freed');
});

// ---- 8. Parameters as given, shapes, and validateArgs ------------------------------------

/** How many times f reads tensor values back from the backend (dataSync, data, arraySync, array). */
function countDownloads(f: () => void): number {
  const proto = tf.Tensor.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
  const names = ['dataSync', 'data', 'arraySync', 'array'];
  const originals = names.map((name) => proto[name]);
  let count = 0;
  names.forEach((name, i) => { proto[name] = function (this: unknown, ...args: unknown[]) { count++; return originals[i].apply(this, args); }; });
  try {
    f();
  } finally {
    names.forEach((name, i) => { proto[name] = originals[i]; });
  }
  return count;
}

test('shapes and flags: batchShape, eventShape, reparameterized; samples [n, ...batch, ...event]', () => {
  const expected = [
    { batchShape: [2], eventShape: [3], reparameterized: false, logProb: [7, 2] },
    { batchShape: [2], eventShape: [], reparameterized: false, logProb: [7, 2] },
    { batchShape: [2], eventShape: [3], reparameterized: true, logProb: [7, 2] },
    { batchShape: [2], eventShape: [], reparameterized: true, logProb: [7, 2] },
  ];
  makeAll().forEach((d: Distribution, i) => {
    const e = expected[i];
    assert.deepEqual([d.batchShape, d.eventShape, d.reparameterized, d.validateArgs], [e.batchShape, e.eventShape, e.reparameterized, true], d.name);
    const shapes = tf.tidy(() => { const x = d.sample(7, 0); return [x.shape, d.logProb(x).shape]; });
    assert.deepEqual(shapes, [[7, ...e.batchShape, ...e.eventShape], e.logProb], d.name);
    d.dispose();
  });
});

test('logits and probs are the parameters as given; reading them allocates nothing', () => {
  const given = tf.tensor([[1, 2, 0], [0, -1, 3]]);
  const d = new RelaxedOneHotCategorical({ logits: given, temperature: 0.5 });
  assert.equal(d.logits, given, 'a float32 tensor is held as it is, not copied');
  assert.equal(d.probs, undefined);
  const start = tf.memory().numTensors;
  for (let i = 0; i < 10; i++) assert.deepEqual(d.logits?.shape, [2, 3]);
  assert.equal(tf.memory().numTensors, start, 'a property read is not a new tensor');
  d.dispose();
  assert.equal(given.isDisposed, false, "the caller's tensor stays the caller's");
  given.dispose();
  const fromNumbers = new Bernoulli({ probs: [0.25, 0.5] });
  assert.equal(fromNumbers.logits, undefined);
  assert.deepEqual(Array.from(fromNumbers.probs!.dataSync()), [0.25, 0.5]);
  assert.equal(fromNumbers.probs!.dtype, 'float32');
  fromNumbers.dispose();
  assert.equal(fromNumbers.probs!.isDisposed, true, 'a tensor made from numbers belongs to the distribution');
});

test('logitsParameter() and probsParameter() are new tensors with exp(logits) = probs (1e-6)', () => {
  for (const d of makeAll()) {
    const start = tf.memory().numTensors;
    const l = d.logitsParameter(), p = d.probsParameter();
    assert.equal(tf.memory().numTensors, start + 2, `${d.name}: one new tensor per call`);
    assert.deepEqual(l.shape, [...d.batchShape, ...d.eventShape]);
    const binary = d.eventShape.length === 0;
    // One-hot: p = exp(l) with l normalised. Binary: l is the log-odds, so p = σ(l).
    const lv = Array.from(l.dataSync()), pv = Array.from(p.dataSync());
    lv.forEach((v, i) => assert.ok(Math.abs((binary ? sigmoid64(v) : Math.exp(v)) - pv[i]) < 1e-6, `${d.name} [${i}]: ${v} vs ${pv[i]}`));
    tf.dispose([l, p]);
    d.dispose();
  }
});

test('validateArgs: true reads values back once in the constructor; false reads nothing', () => {
  const make = (validateArgs: boolean) => [
    () => new OneHotCategorical({ logits: tf.tensor([1, 2, 0]), validateArgs }),
    () => new Bernoulli({ probs: tf.tensor([0.3]), validateArgs }),
    () => new RelaxedOneHotCategorical({ probs: tf.tensor([0.2, 0.8]), temperature: 1, validateArgs }),
    () => new RelaxedBernoulli({ logits: tf.tensor([0.3]), temperature: 1, validateArgs }),
  ];
  for (const validateArgs of [true, false]) {
    for (const build of make(validateArgs)) {
      tf.tidy(() => {
        let d: Distribution | undefined;
        const downloads = countDownloads(() => { d = build(); });
        assert.equal(downloads, validateArgs ? 1 : 0, `${d!.name}, validateArgs ${validateArgs}`);
        assert.equal(d!.validateArgs, validateArgs);
        // A relaxed sample is computed on the backend: no download either.
        if (d!.reparameterized) assert.equal(countDownloads(() => d!.sample(5, 0)), 0, d!.name);
      });
    }
  }
});

test('validateArgs: false accepts values it does not check, and still checks shapes and options', () => {
  const start = tf.memory().numTensors;
  const nan = new OneHotCategorical({ logits: [NaN, 1], validateArgs: false });
  const offSimplex = new RelaxedOneHotCategorical({ probs: [0.5, 0.6], temperature: 1, validateArgs: false });
  // logProb skips its support check too: 0.6 is no Bernoulli outcome, and unchecked it reads as 1.
  const b = new Bernoulli({ logits: [0.3], validateArgs: false });
  assert.deepEqual(values(() => b.logProb([0.6])).map(Number.isFinite), [true]);
  throwsWith(() => b.logProb([0.6, 1]), /^Bernoulli\.logProb: x must be a tensor whose shape ends in \[1\]/);
  throwsWith(() => new OneHotCategorical({ logits: 3, validateArgs: false }), /OneHotCategorical: logits must be a tensor of rank ≥ 1/);
  throwsWith(() => new RelaxedBernoulli({ logits: [1], temperature: 0, validateArgs: false }), /^RelaxedBernoulli: temperature must be/);
  throwsWith(() => new Bernoulli({ logits: [1], probs: [0.5], validateArgs: false }), /exactly one of logits and probs/);
  throwsWith(() => new Bernoulli({ logits: [1], validateArgs: 'no' as unknown as boolean }), /^Bernoulli: validateArgs must be true or false, but got "no"$/);
  [nan, offSimplex, b].forEach((d) => d.dispose());
  assert.equal(tf.memory().numTensors, start, 'rejected arguments leave no tensors behind');
});

test('relaxed samples are softmax((logits + G)/τ) kept at or above 2^−126, with G from the same Random', () => {
  const logits = [[2, -1, 0], [0, 300, -300]];
  for (const tau of [0.5, 5]) {
    const want = values(() => tf.clipByValue(tf.softmax(tf.div(tf.add(tf.tensor(logits), new Random(3).gumbel([50, 2, 3])), tau)), 2 ** -126, 1));
    const d = new RelaxedOneHotCategorical({ logits, temperature: tau });
    assert.deepEqual(values(() => d.sample(50, 3)), want, `τ ${tau}`);
    d.dispose();
    // The estimators draw through the classes: the same numbers, bit for bit.
    const viaEstimator = values(() => relaxedSample('categorical', tf.tensor(logits), 50, tau, new Random(3)));
    assert.deepEqual(viaEstimator, want, `relaxedSample, τ ${tau}`);
    const bits = [[0.3, -40]], b = new RelaxedBernoulli({ logits: bits, temperature: tau });
    assert.deepEqual(values(() => relaxedSample('bernoulli', tf.tensor(bits), 50, tau, new Random(4))), values(() => b.sample(50, 4)));
    b.dispose();
  }
});

test('the clamp passes no gradient where it acts: a Concrete log-density of a clamped sample has a finite gradient', () => {
  // At τ = 5 the logit −1000 puts a coordinate far below 2^−126. Its log-density term
  // −(τ + 1) log y has the derivative −6 · 2^126, which overflows float32 to −∞; a clamp
  // whose gradient multiplied by 0 instead of selecting would turn that into NaN.
  const g = values(() => tf.grad((l: tf.Tensor) => {
    const d = new RelaxedOneHotCategorical({ logits: l, temperature: 5 });
    return tf.sum(d.logProb(d.sample(20, 1)));
  })(tf.tensor([0, -1000, 0])));
  assert.ok(g.every(Number.isFinite), `${g}`);
});
