/**
 * One example and one fast-check property per root cause of issue 13 that the library
 * has fixed, each written so that it fails on the code before its fix (checked against
 * the parent of each fixing commit; see the report of the session that wrote them).
 * Sizes above 2^32 entries are used where the old code would have allocated, so that
 * on old code a test fails at once instead of exhausting the machine.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import * as lib from '../src';
import { refusedBy } from './refused-by';
import * as validate from '../src/validate';

before(async () => { await lib.initBackend(); });

/** Property runs: enough to cover each generator's cases, few enough to stay fast. */
const RUNS = { numRuns: 25, seed: 13, endOnFailure: true };


// ── Seeds above 2^32 are refused (they used to share streams with smaller seeds) ──

test('seeds: 2^32 + 74110565 is refused by name instead of sharing the stream of seed 0', () => {
  refusedBy('Random', () => new lib.Random(2 ** 32 + 74110565));
  const q = new lib.OneHotCategorical({ logits: [0, 0] });
  refusedBy('OneHotCategorical.sample', () => q.sample(2, 2 ** 32));
  q.dispose();
});

test('seeds: every whole number from 2^32 to 2^53 is refused; every seed below gives its own stream', () => {
  fc.assert(fc.property(fc.integer({ min: 2 ** 32, max: Number.MAX_SAFE_INTEGER }), (seed) => refusedBy('Random', () => new lib.Random(seed))), RUNS);
  fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 1, max: 2 ** 32 - 1 }), (seed, offset) => {
    const other = (seed + offset) % 2 ** 32;
    const a = new lib.Random(seed).bitsArray(2), b = new lib.Random(other).bitsArray(2);
    assert.ok(a[0] !== b[0] || a[1] !== b[1], `seeds ${seed} and ${other} start the same stream`);
  }), RUNS);
});

// ── Sizes beyond the budgets (MAX_DRAWS, MAX_ENTRIES) are refused before allocating ──

test('budgets: draws of 2^33 numbers and a sample of 3·2^31 entries are refused by name', () => {
  refusedBy('Random.uniformArray', () => new lib.Random(0).uniformArray(2 ** 33));
  const q = new lib.OneHotCategorical({ logits: [0, 0, 0] });
  refusedBy('OneHotCategorical.sample', () => q.sample(2 ** 31, 0));
  q.dispose();
});

test('budgets: every draw count and sample size beyond the budget is refused by name, leaking nothing', () => {
  const rng = new lib.Random(0);
  const q = new lib.RelaxedOneHotCategorical({ logits: [0, 0, 0, 0], temperature: 1 });
  fc.assert(fc.property(fc.integer({ min: 2 ** 33, max: 2 ** 45 }), fc.constantFrom('uniformArray', 'normalArray', 'gumbelArray', 'bitsArray'), (n, method) => {
    refusedBy(`Random.${method}`, () => rng[method as 'uniformArray'](n));
    refusedBy('RelaxedOneHotCategorical.sample', () => q.sample(n, 0));
  }), RUNS);
  q.dispose();
});

// ── No spread of big arrays into function arguments (they overflowed the stack) ──

test('no spread: gradientStatistics at d = 2e5 and OneHotCategorical.sample at K = 1e6 work', () => {
  const d = 200_000;
  const stats = lib.gradientStatistics([new Float32Array(d).fill(1), new Float32Array(d).fill(3)], new Float32Array(d).fill(2));
  assert.ok(Math.abs(stats.biasNorm) < 1e-9, `bias ${stats.biasNorm}`);
  const logits = tf.zeros([1_000_000]);
  const q = new lib.OneHotCategorical({ logits });
  const y = q.sample(1, 0);
  assert.equal(tf.sum(y).dataSync()[0], 1);
  tf.dispose([y, logits]);
  q.dispose();
});

test('no spread: gradientStatistics is exact for any length up to 3e5 (mean of two estimates)', () => {
  fc.assert(fc.property(fc.integer({ min: 120_000, max: 300_000 }), fc.double({ min: -10, max: 10, noNaN: true }), (d, shift) => {
    const low = new Float32Array(d).fill(Math.fround(shift - 1)), high = new Float32Array(d).fill(Math.fround(shift + 1));
    const stats = lib.gradientStatistics([low, high], new Float32Array(d).fill(Math.fround(shift)));
    assert.ok(Number.isFinite(stats.biasNorm) && stats.biasNorm < 1e-3 * Math.sqrt(d), `d = ${d}: bias ${stats.biasNorm}`);
  }), { ...RUNS, numRuns: 5 });
});

// ── describe, which formats values on the error path, never throws ──────────────

/** Values that used to make `describe` throw: no prototype, a revoked proxy, throwing getters. */
function awkwardValues(): unknown[] {
  const revocable = Proxy.revocable({}, {});
  revocable.revoke();
  const throwing = Object.defineProperty({}, 'shape', { get() { throw new Error('getter'); }, enumerable: true });
  return [Object.create(null), revocable.proxy, throwing, { toString: () => { throw new Error('toString'); } }, 10n, Symbol('s')];
}

test('describe: a null-prototype object, a revoked proxy and throwing getters are described, not thrown on', () => {
  for (const value of awkwardValues()) assert.equal(typeof validate.describe(value), 'string');
  // The error path itself: the seed is shown in the message, and showing it must not crash.
  refusedBy('Random', () => new lib.Random(Object.create(null)));
});

test('describe: any value at all, nested or odd, gives a string', () => {
  // (Not the revoked proxy here: fast-check itself cannot print one when it reports.)
  const odd = fc.constantFrom(...awkwardValues().slice(2));
  fc.assert(fc.property(fc.oneof(fc.anything(), odd, fc.array(odd), fc.dictionary(fc.string(), odd)), (value) => {
    assert.equal(typeof validate.describe(value), 'string');
  }), { ...RUNS, numRuns: 200 });
});

// ── A disposed tensor, or an object used after dispose(), gives a named error ──

/** Public functions that take a tensor first, with the name their errors carry. */
const TENSOR_TAKERS: [string, (t: tf.Tensor) => unknown][] = [
  ['straightThrough', (t) => lib.straightThrough(t)],
  ['OneHotCategorical', (t) => new lib.OneHotCategorical({ logits: t })],
  ['Bernoulli', (t) => new lib.Bernoulli({ logits: t })],
  ['RelaxedOneHotCategorical', (t) => new lib.RelaxedOneHotCategorical({ logits: t, temperature: 1 })],
  ['centredLosses', (t) => lib.centredLosses(t, 'leave-one-out')],
];

test('disposed: a disposed tensor and a distribution used after dispose() are named', () => {
  const t = tf.tensor1d([0.2, 0.8]);
  t.dispose();
  refusedBy('straightThrough', () => lib.straightThrough(t));
  const q = new lib.OneHotCategorical({ logits: [0, 1] });
  q.dispose();
  refusedBy('OneHotCategorical.sample', () => q.sample(2, 0));
});

test('disposed: every tensor-taking function refuses any disposed tensor by name', () => {
  fc.assert(fc.property(fc.constantFrom(...TENSOR_TAKERS), fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 2, maxLength: 6 }), ([name, call], values) => {
    const t = tf.tensor1d(values);
    t.dispose();
    refusedBy(name, () => call(t));
  }), RUNS);
});

// ── Errors name the function the user called, not an inner helper ─────────────

/** The estimators' own functions, each with a problem it refuses. */
const ESTIMATOR_FUNCTIONS: [string, (p: lib.GradientProblem, o: never) => unknown][] = [
  ['gumbelSoftmax', lib.gumbelSoftmax], ['stGumbelSoftmax', lib.stGumbelSoftmax], ['reinforce', lib.reinforce],
  ['sumAndSample', lib.sumAndSample], ['straightThroughEstimator', lib.straightThroughEstimator], ['reinmax', lib.reinmax],
];

test('names: an estimator called by its own name says so, not its registry name', () => {
  const problem = { logits: [0, 1], family: 'nonsense' as lib.Family, loss: (y: tf.Tensor) => tf.sum(y, 1) };
  refusedBy('gumbelSoftmax', () => lib.gumbelSoftmax(problem, { numSamples: 2, seed: 0, temperature: 1 }));
  const zeros = tf.zeros([3]);
  refusedBy('relaxedSample', () => lib.relaxedSample('categorical', zeros, 2, Infinity, new lib.Random(0)));
  zeros.dispose();
});

test('names: every estimator function names itself for any bad family, logits or sample count', () => {
  const bad = fc.oneof(
    fc.string().filter((s) => s !== 'categorical' && s !== 'bernoulli').map((family) => ({ family, numSamples: 2 })),
    fc.constantFrom({ logits: [NaN, 1] }, { logits: [[1], [1, 2]] }, { logits: 'x' }),
    fc.constantFrom({ numSamples: 0 }, { numSamples: 2.5 }, { numSamples: -1 }),
  );
  fc.assert(fc.property(fc.constantFrom(...ESTIMATOR_FUNCTIONS), bad, ([name, estimator], spoil) => {
    const base = { logits: [0.2, 0.5], family: 'categorical', loss: (y: tf.Tensor) => tf.sum(y, 1) };
    const { numSamples = 2, ...problemPart } = spoil as { numSamples?: number };
    refusedBy(name, () => estimator({ ...base, ...problemPart } as lib.GradientProblem, { numSamples, seed: 0, temperature: 1 } as never));
  }), RUNS);
});

// ── A loss that throws while the tape records strands no tensors ──────────────

/** A loss that throws while the gradient tape records. */
const throwing = () => { throw new Error('the loss failed'); };

test('tape: a throwing loss in the Gumbel-Softmax estimators leaves no tensor behind', () => {
  for (const name of ['gumbel-softmax', 'st-gumbel-softmax'] as const) {
    const before = tf.memory().numTensors;
    assert.throws(() => lib.estimateGradient(name, { logits: [0.1, 0.2, 0.7], family: 'categorical', loss: throwing }, { numSamples: 3, seed: 0, temperature: 1 }), /the loss failed/);
    assert.equal(tf.memory().numTensors, before, `${name} leaked`);
  }
});

test('tape: every estimator, any logits and sample count, a loss that throws: the same error, no tensor left', () => {
  const logits = fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 2, maxLength: 4 });
  fc.assert(fc.property(fc.constantFrom(...lib.ESTIMATOR_NAMES), logits, fc.integer({ min: 2, max: 5 }), (name, l, numSamples) => {
    const family = (lib.ESTIMATOR_FAMILIES?.[name] ?? ['categorical'])[0];
    const before = tf.memory().numTensors;
    assert.throws(() => lib.estimateGradient(name, { logits: l, family, loss: throwing }, { numSamples, seed: 0, temperature: 1 } as never), /the loss failed/);
    assert.equal(tf.memory().numTensors, before, `${name} leaked`);
  }), RUNS);
});

// ── initBackend(null) is refused, not read as "the default" ───────────────────

test('initBackend: null is refused and the backend stays as it was', async () => {
  const before = lib.backend();
  await assert.rejects(lib.initBackend(null as never), /^Error: initBackend: name must be/);
  assert.equal(lib.backend(), before);
});

test('initBackend: any value that is not a backend name is refused, and the backend stays', async () => {
  const before = lib.backend();
  const notAName = fc.oneof(fc.constantFrom(null, 0, false, NaN, [], {}), fc.string().filter((s) => !['tensorflow', 'wasm', 'cpu'].includes(s)));
  await fc.assert(fc.asyncProperty(notAName, async (name) => {
    await assert.rejects(lib.initBackend(name as never), /^Error: initBackend: name must be/);
    assert.equal(lib.backend(), before);
  }), RUNS);
});

// ── logProb refuses temperatures where float32 loses its accuracy ─────────────

test('logProb: τ = 1e8 is refused (it was off by up to 60 nats), τ = 100 is not', () => {
  const far = new lib.RelaxedOneHotCategorical({ logits: [0, 1, 2], temperature: 1e8 });
  refusedBy('RelaxedOneHotCategorical.logProb', () => far.logProb([[0.3, 0.3, 0.4]]));
  far.dispose();
  const near = new lib.RelaxedOneHotCategorical({ logits: [0, 1, 2], temperature: 100 });
  const lp = near.logProb([[0.3, 0.3, 0.4]]);
  assert.ok(Number.isFinite(lp.dataSync()[0]));
  tf.dispose([lp]);
  near.dispose();
});

test('logProb: every τ above 1e4 is refused by name, whatever the logits and the point', () => {
  const logits = fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 2, maxLength: 5 });
  fc.assert(fc.property(fc.double({ min: 1.0001e4, max: 1e30, noNaN: true }), logits, (temperature, l) => {
    const q = new lib.RelaxedOneHotCategorical({ logits: l, temperature });
    refusedBy('RelaxedOneHotCategorical.logProb', () => q.logProb([l.map(() => 1 / l.length)]));
    q.dispose();
  }), RUNS);
});

test('RelaxedBernoulli.logProb: every τ above 1e4 is refused by name (11 nats off at 1e8), and 1e4 is accurate', () => {
  fc.assert(fc.property(fc.double({ min: 1.0001e4, max: 1e30, noNaN: true }), fc.double({ min: -5, max: 5, noNaN: true }), (temperature, l) => {
    const q = new lib.RelaxedBernoulli({ logits: [l], temperature });
    refusedBy('RelaxedBernoulli.logProb', () => q.logProb([0.5]));
    q.dispose();
  }), RUNS);
  // At τ = 1e4 the density at x = 1/2 is log τ − 2 log(1/2) − softplus(−l) − softplus(l), computed here in float64.
  const q = new lib.RelaxedBernoulli({ logits: [0], temperature: 1e4 });
  const lp = q.logProb([0.5]);
  assert.ok(Math.abs(lp.dataSync()[0] - (Math.log(1e4) + 2 * Math.log(2) - 2 * Math.log(2))) < 1e-3);
  tf.dispose([lp]);
  q.dispose();
});

// ── renderSvg reads no file and no URL ────────────────────────────────────────

/** A local file a spec could name: rendering must never read it. */
function localCsv(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'render-')), 'secret.csv');
  writeFileSync(file, 'x,y\n1,2\n');
  return file;
}

test('renderSvg: data from a local file or a URL is refused by name', async () => {
  for (const url of [localCsv(), 'https://example.com/x.csv']) {
    await assert.rejects(lib.renderSvg({ data: { url }, mark: 'point' } as lib.ChartSpec), /^Error: renderSvg: spec\.data\.url must be absent/);
  }
});

test('renderSvg: a url anywhere in a spec, at any depth, is refused by name', async () => {
  const file = localCsv();
  const url = fc.oneof(fc.constant(file), fc.webUrl(), fc.string({ minLength: 1 }));
  const where = fc.constantFrom(
    (u: string) => ({ data: { url: u }, mark: 'point' }),
    (u: string) => ({ layer: [{ mark: 'bar', data: { url: u } }] }),
    (u: string) => ({ data: { values: [{ x: 1 }] }, mark: 'point', encoding: { x: { field: 'x', type: 'quantitative', url: u } } }),
  );
  await fc.assert(fc.asyncProperty(url, where, async (u, spec) => {
    await assert.rejects(lib.renderSvg(spec(u) as unknown as lib.ChartSpec), /^Error: renderSvg: spec\..*url must be absent/);
  }), { ...RUNS, numRuns: 15 });
});

// ── show writes only inside its chart folder ──────────────────────────────────

const SPEC = { data: { values: [{ x: 1, y: 2 }] }, mark: 'point', encoding: { x: { field: 'x', type: 'quantitative' } } } as lib.ChartSpec;

/** A fresh chart folder inside a fresh temporary folder: an escaping write lands in the outer one. */
function chartFolder(): { outer: string; charts: string } {
  const outer = mkdtempSync(join(tmpdir(), 'show-'));
  const charts = join(outer, 'charts');
  process.env.DISCRETE_GRADIENTS_OUT = charts;
  return { outer, charts };
}

test('show: a name that would leave the chart folder is refused, and nothing is written outside it', async () => {
  const { outer } = chartFolder();
  await assert.rejects(lib.show(SPEC, { name: '../escaped' }), /^Error: show: options\.name must be/);
  assert.ok(!existsSync(join(outer, 'escaped.svg')), 'a chart was written outside the chart folder');
});

test('show: any name with a path character is refused; any title is written inside the folder', async () => {
  const pathy = fc.tuple(fc.string({ maxLength: 5 }), fc.constantFrom('/', '\\', '..', '../', '/..'), fc.string({ maxLength: 5 })).map(([a, b, c]) => a + b + c);
  await fc.assert(fc.asyncProperty(pathy, fc.string({ maxLength: 300 }), async (name, title) => {
    const { outer, charts } = chartFolder();
    await assert.rejects(lib.show(SPEC, { name }), /^Error: show: options\.name must be/);
    await lib.show({ ...SPEC, title } as lib.ChartSpec);
    assert.deepEqual(readdirSync(outer), ['charts'], `something was written beside the chart folder for title ${JSON.stringify(title)}`);
    assert.equal(readdirSync(charts).length, 1);
  }), { ...RUNS, numRuns: 10 });
});
