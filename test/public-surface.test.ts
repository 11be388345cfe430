/**
 * Property-based probe of the public surface (see public-surface-probe.ts): every
 * exported function and constructor, given values a user might pass by mistake, ends
 * in an Error that starts with its own name, and leaks no tensor. Then one example
 * per root cause that the probe of issue 13 found.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import * as lib from '../src';
import { badArguments, classify, publicCallables } from './public-surface-probe';

before(async () => { await lib.initBackend(); });


/**
 * The inputs of the probe that are in fact valid, by callable: an all-optional
 * constructor given nothing or an empty object builds a default one, any finite τ > 0 is
 * a constant temperature, and any string is Markdown.
 */
const isEmptyObject = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof tf.Tensor) && Object.keys(v).length === 0;
const VALID_INPUT: Record<string, (args: unknown[]) => boolean> = {
  MovingAverageBaseline: ([o]) => o === undefined || isEmptyObject(o),
  RebarControlVariate: ([o]) => o === undefined || isEmptyObject(o),
  RelaxControlVariate: ([o]) => o === undefined || isEmptyObject(o),
  constantTemperature: ([t]) => typeof t === 'number' && Number.isFinite(t) && t > 0,
  showMarkdown: ([text]) => typeof text === 'string',
};

for (const [name, fn, isClass] of publicCallables()) {
  test(`${name}: bad arguments give an Error named for it and leak nothing`, async () => {
    await fc.assert(
      fc.asyncProperty(badArguments(fn.length), async (makeArgs) => {
        let args: unknown[] = [];
        const { outcome, detail } = await classify(name, fn, isClass, () => (args = makeArgs()));
        if (outcome === 'accepted' && VALID_INPUT[name]?.(args)) return;
        assert.equal(outcome, 'ok', `${name}: ${outcome}: ${detail}`);
      }),
      { seed: 13, numRuns: 15 },
    );
  });
}

/** Asserts that `call` throws an Error matching `message` and leaves the tensor count unchanged. */
function refuses(call: () => unknown, message: RegExp): void {
  const before = tf.memory().numTensors;
  assert.throws(call, message);
  assert.equal(tf.memory().numTensors, before, 'tensors leaked');
}

test('estimators name the function the user called, not their registry name', () => {
  const problem = { logits: [0, 1], family: 'nonsense' as 'categorical', loss: (y: tf.Tensor) => tf.sum(y, 1) };
  refuses(() => lib.gumbelSoftmax(problem, { numSamples: 2, seed: 0, temperature: 1 }), /^Error: gumbelSoftmax: problem\.family/);
  refuses(() => lib.stGumbelSoftmax(problem, { numSamples: 2, seed: 0, temperature: 1 }), /^Error: stGumbelSoftmax: /);
  refuses(() => lib.sumAndSample(problem, { numSamples: 2, seed: 0 }), /^Error: sumAndSample: /);
});

test('no spread of big arrays: gradientStatistics with d = 2e5, OneHotCategorical.sample with K = 1e6', () => {
  const d = 200_000;
  const estimates = [new Float32Array(d).fill(1), new Float32Array(d).fill(2)];
  const stats = lib.gradientStatistics(estimates, new Float32Array(d).fill(1.5));
  assert.ok(Math.abs(stats.biasNorm) < 1e-9 && Number.isFinite(stats.maxAbsZ));
  const q = new lib.OneHotCategorical({ logits: tf.zeros([1_000_000]) as tf.Tensor });
  const y = q.sample(2, 0);
  assert.deepEqual(Array.from(tf.sum(y, -1).dataSync()), [1, 1]);
  tf.dispose([y, q.logits!]);
  q.dispose();
});

test('sizes beyond the 1 GiB budget are refused by name before allocating', () => {
  const q = new lib.OneHotCategorical({ logits: [0, 0, 0] });
  refuses(() => q.sample(1e9, 0), /^Error: OneHotCategorical\.sample: n × parameter size must be at most 268435456 entries/);
  q.dispose();
  refuses(() => new lib.FactorizedDiscreteFlowsMixture({ N: 1000, B: 1000, K: 1000, temperature: 1 }), /^Error: FactorizedDiscreteFlowsMixture: N × B × K × K must be at most/);
  const zeros = tf.zeros([3]);
  refuses(() => lib.relaxedSample('categorical', zeros, 1e9, 1, new lib.Random(0)), /^Error: relaxedSample: n × logits\.size/);
  zeros.dispose();
});

test('a disposed tensor, or a distribution used after dispose(), gives a named error', () => {
  const t = tf.tensor1d([0.1, 0.9]);
  t.dispose();
  refuses(() => lib.straightThrough(t), /^Error: straightThrough: y must be a live tensor, but got a disposed tensor/);
  for (const make of [
    () => new lib.OneHotCategorical({ logits: [0, 1] }),
    () => new lib.Bernoulli({ logits: [0, 1] }),
    () => new lib.RelaxedOneHotCategorical({ logits: [0, 1], temperature: 1 }),
    () => new lib.RelaxedBernoulli({ logits: [0, 1], temperature: 1 }),
  ]) {
    const q = make();
    q.dispose();
    refuses(() => q.sample(2, 0), new RegExp(`^Error: ${q.name}\\.sample: this ${q.name} was used after dispose\\(\\)`));
    refuses(() => q.logProb([[0, 1]]), new RegExp(`^Error: ${q.name}\\.logProb: this ${q.name} was used after dispose\\(\\)`));
    refuses(() => q.probsParameter(), new RegExp(`^Error: ${q.name}\\.probsParameter: `));
  }
  const own = tf.tensor1d([0, 1]);
  const q = new lib.OneHotCategorical({ logits: own });
  own.dispose();
  refuses(() => q.entropy(), /^Error: OneHotCategorical\.entropy: the logits tensor this OneHotCategorical was made from has been disposed/);
  const m = new lib.FactorizedDiscreteFlowsMixture({ N: 2, B: 2, K: 3, temperature: 1 });
  m.dispose();
  refuses(() => m.sample(2, 0), /^Error: FactorizedDiscreteFlowsMixture\.sample: this FactorizedDiscreteFlowsMixture was used after dispose/);
});

test('straightThrough never turns a non-finite row into a one-hot', () => {
  const y = lib.straightThrough(tf.tensor2d([[NaN, 0.5], [0.2, 0.8]]));
  const v = Array.from(y.dataSync());
  assert.ok(v.slice(0, 2).every(Number.isNaN), `the NaN row became ${v.slice(0, 2)}`);
  assert.deepEqual(v.slice(2), [0, 1]);
  y.dispose();
});

test('inner helpers do not take the blame: relaxedSample, findStationaryLogits', () => {
  const zeros = tf.zeros([3]);
  refuses(() => lib.relaxedSample('categorical', zeros, 2, Infinity, new lib.Random(0)), /^Error: relaxedSample: temperature/);
  zeros.dispose();
  assert.throws(() => lib.findStationaryLogits({ gradient: () => [0, 0], initial: [NaN, 0], family: 'categorical' }), /^Error: findStationaryLogits: initial must be finite/);
});

test('initBackend(null) is refused and does not switch backend', async () => {
  const before = lib.backend();
  await assert.rejects(lib.initBackend(null as unknown as string), /^Error: initBackend: name must be one of tensorflow, wasm, cpu \(or no argument\), but got null/);
  assert.equal(lib.backend(), before);
});

test('selectDigits refuses out-of-range indices; binarise refuses a non-Digits value', () => {
  const digits = { images: new Float32Array(2 * lib.PIXELS), labels: Int32Array.from([3, 4]), count: 2 };
  assert.throws(() => lib.selectDigits(digits, [0, 2]), /^Error: selectDigits: order\[1\] must be a whole number in \[0, 2\), but got 2/);
  assert.throws(() => lib.selectDigits(digits, [-1]), /^Error: selectDigits: order\[0\]/);
  assert.throws(() => lib.binarise({} as lib.Digits), /^Error: binarise: digits must be a Digits object/);
  assert.equal(lib.selectDigits(digits, [1]).labels[0], 4);
});

test('RelaxedOneHotCategorical.logProb refuses temperatures beyond its accurate range', () => {
  const q = new lib.RelaxedOneHotCategorical({ logits: [0, 1, 2], temperature: 1e8 });
  refuses(() => q.logProb([[0.3, 0.3, 0.4]]), /^Error: RelaxedOneHotCategorical\.logProb: temperature must be at most 10000 .*but got 100000000/);
  q.dispose();
});

test('renderSvg refuses data loaded from a file or URL', async () => {
  for (const data of [{ url: '/etc/passwd' }, { url: 'https://example.com/x.csv' }]) {
    await assert.rejects(renderSpec({ data, mark: 'point' }), /^Error: renderSvg: spec\.data\.url must be absent: data must be inline values/);
  }
  await assert.rejects(renderSpec({ layer: [{ data: { url: 'x.json' }, mark: 'bar' }] }), /^Error: renderSvg: spec\.layer\[0\]\.data\.url/);
  await assert.rejects(renderSpec(null), /^Error: renderSvg: spec must be a Vega-Lite spec/);
});

function renderSpec(spec: unknown): Promise<string> {
  return lib.renderSvg(spec as lib.ChartSpec);
}

test('Random refuses what a seed cannot hold; shuffledArray and permutation check their sizes', () => {
  assert.throws(() => new lib.Random(2 ** 32 + 74110565), /^Error: Random: seed must be a whole number in \[0, 2\^32\)/);
  assert.throws(() => new lib.Random(0).permutation(-1), /^Error: Random\.permutation: n must be/);
  assert.throws(() => lib.shuffledArray(0, 0), /^Error: shuffledArray: numValues/);
});

test('the analytic entropy and KL helpers refuse NaN and ∞ instead of passing them through', () => {
  refuses(() => lib.entropy.analytic([NaN, 0]), /^Error: entropy\.analytic: logits must be finite everywhere/);
  refuses(() => lib.kl.analytic([0, 1], [Infinity, 0]), /^Error: kl\.analytic: priorLogits must be finite everywhere/);
  refuses(() => lib.kl.discreteMonteCarlo({ logits: [0, 1], priorLogits: null as unknown as number[] }, { numSamples: 2, seed: 0, temperature: 1 }), /^Error: kl\.discreteMonteCarlo: problem\.priorLogits/);
});

test('histogram helpers refuse NaN values instead of making NaN rows', () => {
  assert.throws(() => lib.binDensity([0.1, NaN, 0.3], 4, [0, 1]), /^Error: binDensity: .*NaN/);
});
