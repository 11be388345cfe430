import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Random, toRandom } from '../src/random';
import { initBackend, availableBackends } from '../src/backend';

// Statistical checks use N draws and a tolerance of K_SIGMA·σ/√N: with K_SIGMA = 5 a
// correct generator fails one of these checks with probability below 1e-6.
const N = 200_000;
const K_SIGMA = 5;
const EULER_GAMMA = 0.5772156649015329;

const mean = (xs: Float32Array) => xs.reduce((a, b) => a + b, 0) / xs.length;
const variance = (xs: Float32Array) => { const m = mean(xs); return xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length; };

before(async () => { await initBackend(); });
after(async () => { await initBackend(); });

test('the same seed gives the same draws, a different seed different ones', () => {
  assert.deepEqual(new Random(7).uniformArray(1000), new Random(7).uniformArray(1000));
  assert.deepEqual(new Random(7).gumbelArray(10), new Random(7).gumbelArray(10));
  assert.notDeepEqual(new Random(7).uniformArray(10), new Random(8).uniformArray(10));
  // Seed 0 is a seed like any other (no `seed || Math.random()` trap).
  assert.deepEqual(new Random(0).normalArray(5), new Random(0).normalArray(5));
});

test('every uniform lies strictly inside (0, 1), even at the extremes of the grid', () => {
  const u = new Random(1).uniformArray(1_000_000);
  let lo = 1, hi = 0;
  for (const x of u) { lo = Math.min(lo, x); hi = Math.max(hi, x); }
  assert.ok(lo > 0 && hi < 1, `range [${lo}, ${hi}]`);
  // The smallest and largest values the generator can produce are still inside.
  const smallest = 0.5 / 2 ** 23;
  const largest = (2 ** 23 - 1 + 0.5) / 2 ** 23;
  assert.ok(Math.fround(smallest) > 0 && Math.fround(largest) < 1, 'an extreme uniform rounds onto 0 or 1 in float32');
  assert.equal(Math.fround(largest), largest);
});

test('uniform moments: mean 1/2 and variance 1/12 within 5σ/√N', () => {
  const u = new Random(2).uniformArray(N);
  assert.ok(Math.abs(mean(u) - 0.5) < K_SIGMA * Math.sqrt(1 / 12) / Math.sqrt(N));
  // Var of (U − 1/2)² is 1/180, so the sample variance has σ ≈ √(1/180).
  assert.ok(Math.abs(variance(u) - 1 / 12) < K_SIGMA * Math.sqrt(1 / 180) / Math.sqrt(N));
});

test('normal moments: mean 0, variance 1 within 5σ/√N', () => {
  const z = new Random(3).normalArray(N);
  assert.ok(Math.abs(mean(z)) < K_SIGMA / Math.sqrt(N));
  // The sample variance of a standard normal has σ = √2.
  assert.ok(Math.abs(variance(z) - 1) < K_SIGMA * Math.SQRT2 / Math.sqrt(N));
});

test('Gumbel moments: mean γ, variance π²/6 within 5σ/√N', () => {
  const g = new Random(4).gumbelArray(N);
  const sd = Math.PI / Math.sqrt(6);
  assert.ok(Math.abs(mean(g) - EULER_GAMMA) < K_SIGMA * sd / Math.sqrt(N));
  // The fourth central moment of the Gumbel is 27/5·σ⁴, so Var(sample variance) ≈ (27/5 − 1)σ⁴/N.
  assert.ok(Math.abs(variance(g) - sd * sd) < K_SIGMA * Math.sqrt(22 / 5) * sd * sd / Math.sqrt(N));
  assert.ok(g.every(Number.isFinite));
});

test('split streams are independent: correlation within 5/√N of zero, and no shared prefix', () => {
  const parent = new Random(5);
  const a = parent.split().normalArray(N);
  const b = parent.split().normalArray(N);
  let dot = 0;
  for (let i = 0; i < N; i++) dot += a[i] * b[i];
  assert.ok(Math.abs(dot / N) < K_SIGMA / Math.sqrt(N), `correlation ${dot / N}`);
  assert.notDeepEqual(a.slice(0, 8), b.slice(0, 8));
  // The child does not replay the parent's own stream.
  const p = new Random(5); const child = p.split();
  assert.notDeepEqual(child.uniformArray(8), p.uniformArray(8));
});

test('permutation and integer stay in range and are deterministic', () => {
  const perm = new Random(6).permutation(50);
  assert.deepEqual([...perm].sort((x, y) => x - y), Array.from({ length: 50 }, (_, i) => i));
  assert.deepEqual(perm, new Random(6).permutation(50));
  const r = new Random(6);
  for (let i = 0; i < 1000; i++) { const k = r.integer(3); assert.ok(k >= 0 && k < 3 && Number.isInteger(k)); }
});

test('bulk draws are the one-at-a-time draws, bit for bit, and leave the generator in the same state', () => {
  for (const n of [0, 1, 7, 1000]) {
    const bulk = new Random(11), single = new Random(11);
    const u = bulk.uniformArray(n), g = bulk.gumbelArray(n), z = bulk.normalArray(n);
    assert.deepEqual(u, Float32Array.from({ length: n }, () => single.nextUniform()));
    assert.deepEqual(g, Float32Array.from({ length: n }, () => -Math.log(-Math.log(single.nextUniform()))));
    // Box–Muller takes a pair of uniforms per pair of outputs, a whole pair for an odd n.
    const pairs = Array.from({ length: Math.ceil(n / 2) }, () => [single.nextUniform(), single.nextUniform()]);
    const expected = pairs.flatMap(([a, b]) => [Math.sqrt(-2 * Math.log(a)) * Math.cos(2 * Math.PI * b), Math.sqrt(-2 * Math.log(a)) * Math.sin(2 * Math.PI * b)]);
    assert.deepEqual(z, Float32Array.from(expected.slice(0, n)));
    assert.deepEqual(bulk.bitsArray(n), Uint32Array.from({ length: n }, () => single.nextUint32()));
    assert.equal(bulk.nextUint32(), single.nextUint32());
  }
});

test('tensors are bitwise identical on every backend that loads', async () => {
  const seen: Record<string, Float32Array> = {};
  for (const name of availableBackends()) {
    await initBackend(name);
    const g = new Random(9).gumbel([100, 3]);
    seen[name] = g.dataSync() as Float32Array;
    g.dispose();
  }
  const [first, ...rest] = Object.values(seen);
  for (const other of rest) assert.deepEqual(other, first);
  assert.ok(Object.keys(seen).length >= 2, `only ${Object.keys(seen)} loaded`);
});

test('bad seeds and shapes get clear errors', () => {
  assert.throws(() => new Random(-1), /Random: seed must be a whole number in \[0, 2\^32\) or a Random, but got -1/);
  assert.throws(() => new Random(1.5), /Random: seed must be .*, but got 1\.5/);
  assert.throws(() => new Random(NaN), /Random: seed must be .*, but got NaN/);
  assert.throws(() => toRandom('3' as unknown as number, 'OneHotCategorical.sample'), /OneHotCategorical\.sample: seed must be .*, but got "3"/);
  assert.throws(() => new Random(1).uniform([2, -1]), /Random\.uniform: shape must be an array of whole numbers ≥ 0, but got \[2, -1\]/);
  assert.throws(() => new Random(1).uniformArray(2.5), /Random\.uniformArray: n must be a whole number in \[0, 134217728\] \(MAX_DRAWS\), but got 2\.5/);
  assert.throws(() => new Random(1).bitsArray(-3), /Random\.bitsArray: n must be a whole number in \[0, 134217728\] \(MAX_DRAWS\), but got -3/);
});

test('seeds are 32-bit: distinct seeds start distinct streams, and larger ones are refused, not folded', () => {
  // 0 and 2^32 + 74110565 used to give the same stream.
  assert.throws(() => new Random(2 ** 32 + 74110565), /Random: seed must be a whole number in \[0, 2\^32\) or a Random, but got 4369077861/);
  assert.throws(() => new Random(2 ** 32), /but got 4294967296/);
  const first = new Set<number>();
  for (let seed = 0; seed < 2000; seed++) first.add(new Random(seed).nextUint32() * 4 + (new Random(seed).bitsArray(2)[1] % 4));
  assert.equal(first.size, 2000, 'two of 2000 consecutive seeds started with the same draws');
  assert.doesNotThrow(() => new Random(2 ** 32 - 1));
});

test('sizes have a stated limit (MAX_DRAWS), checked before anything is allocated', () => {
  const rng = new Random(1);
  assert.throws(() => rng.uniformArray(1e9), /Random\.uniformArray: n must be a whole number in \[0, 134217728\] \(MAX_DRAWS\), but got 1000000000/);
  assert.throws(() => rng.gumbel([100000, 100000]), /Random\.gumbel: shape must be of at most 134217728 entries in all \(MAX_DRAWS\), but got \[100000, 100000\]/);
  assert.throws(() => rng.permutation(-1), /Random\.permutation: n must be a whole number/);
  assert.throws(() => rng.permutation(1.5), /Random\.permutation: n must be a whole number/);
  assert.throws(() => toRandom(undefined as unknown as number, 'reinforce'), /reinforce: seed must be given: a whole number in \[0, 2\^32\) or a Random, but got undefined/);
});

test('toRandom passes a generator through and starts a fresh one from a number', () => {
  const r = new Random(3);
  assert.equal(toRandom(r, 'f'), r);
  assert.deepEqual(toRandom(3, 'f').uniformArray(4), new Random(3).uniformArray(4));
});
