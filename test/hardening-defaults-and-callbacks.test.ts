/**
 * Root causes the deep probe (public-surface-deep.test.ts) found, one example and one
 * fast-check property each: null read as "the default", misspelt options of all-optional
 * constructors, a loss that hands back a disposed tensor, counts that would run for
 * hours, a VAE used after dispose() or given what is not one, and a training step that
 * would leave non-finite weights.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import * as lib from '../src';
import { refusedBy } from './refused-by';

before(async () => { await lib.initBackend(); });

const RUNS = { numRuns: 25, seed: 13, endOnFailure: true };


const bits = { logits: [0.3, -0.2], family: 'bernoulli' as const, loss: (b: tf.Tensor) => tf.sum(b, 1) };

/** Calls whose options each have an optional key: with that key null, each must refuse it. */
const NULL_OPTIONS: [string, string, (o: Record<string, unknown>) => unknown, Record<string, unknown>][] = [
  ['MovingAverageBaseline', 'decay', (o) => new lib.MovingAverageBaseline(o), {}],
  ['RebarControlVariate', 'temperature', (o) => new lib.RebarControlVariate(o), {}],
  ['RelaxControlVariate', 'hiddenUnits', (o) => new lib.RelaxControlVariate(o), {}],
  ['GaussianMixtureModel', 'dim', (o) => new lib.GaussianMixtureModel(o as never), { seed: 0 }],
  ['ToyArgmaxModel', 'temperature', (o) => new lib.ToyArgmaxModel(o as never), { head: 'gumbel-softmax' }],
  ['gumbelRao', 'conditionalSamples', (o) => lib.gumbelRao(bits, o as never), { numSamples: 2, seed: 0, temperature: 1 }],
  ['sumAndSample', 'numSummed', (o) => lib.sumAndSample(bits, o as never), { numSamples: 2, seed: 0 }],
  ['rebar', 'tune', (o) => lib.rebar(bits, o as never), { numSamples: 2, seed: 0 }],
  ['findStationaryLogits', 'maxIterations', (o) => lib.findStationaryLogits(o as never), { gradient: (l: number[]) => l, initial: [0, 0], family: 'categorical' }],
  ['evaluateVae', 'batchSize', (o) => lib.evaluateVae(null as never, null as never, o as never), {}],
];

test('null is refused, not read as "the default": MovingAverageBaseline({ decay: null })', () => {
  refusedBy('MovingAverageBaseline', () => new lib.MovingAverageBaseline({ decay: null as never }));
  refusedBy('gumbelRao', () => lib.gumbelRao(bits, { numSamples: 2, seed: 0, temperature: 1, conditionalSamples: null as never }));
});

test('null is refused, not read as "the default", for every optional option probed', () => {
  fc.assert(fc.property(fc.constantFrom(...NULL_OPTIONS.filter(([name]) => name !== 'evaluateVae')), ([name, key, call, base]) => {
    refusedBy(name, () => call({ ...base, [key]: null }));
  }), RUNS);
});

test('a misspelt option of an all-optional constructor is refused, naming the key', () => {
  assert.throws(() => new lib.MovingAverageBaseline({ decy: 0.5 } as never), /^Error: MovingAverageBaseline: options must be an object whose keys are among \{decay\}, but got the unknown key "decy"/);
});

test('any key an all-optional constructor does not know is refused by name', () => {
  const known = new Set(['decay', 'temperature', 'scale', 'learningRate', 'hiddenUnits', 'seed', 'buckets', 'dim']);
  const makers: [string, (o: object) => unknown][] = [
    ['MovingAverageBaseline', (o) => new lib.MovingAverageBaseline(o)], ['RebarControlVariate', (o) => new lib.RebarControlVariate(o)],
    ['RelaxControlVariate', (o) => new lib.RelaxControlVariate(o)], ['GaussianMixtureModel', (o) => new lib.GaussianMixtureModel({ seed: 0, ...o } as never)],
  ];
  fc.assert(fc.property(fc.constantFrom(...makers), fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !known.has(k) && k !== '__proto__'), ([name, make], key) => {
    refusedBy(name, () => make({ [key]: 1 }));
  }), RUNS);
});

/** A loss that frees its result before handing it back. */
const disposedLoss = (y: tf.Tensor) => {
  const values = tf.sum(tf.reshape(y, [y.shape[0], -1]), 1);
  values.dispose();
  return values;
};

test('a loss that returns a disposed tensor is named, and strands no tensor (it used to leak 6–8)', () => {
  refusedBy("estimateGradient('reinforce')", () => lib.estimateGradient('reinforce', { ...bits, loss: disposedLoss }, { numSamples: 2, seed: 0 }));
});

test('every estimator refuses a loss that returns a disposed tensor, leaking nothing', () => {
  fc.assert(fc.property(fc.constantFrom(...lib.ESTIMATOR_NAMES), fc.integer({ min: 2, max: 5 }), (name, numSamples) => {
    const family = lib.ESTIMATOR_FAMILIES[name][0];
    const logits = family === 'categorical' ? [[0.5, -1, 2]] : [0.3, -0.2];
    refusedBy(`estimateGradient('${name}')`, () => lib.estimateGradient(name, { logits, family, loss: disposedLoss }, { numSamples, seed: 0, temperature: 1 } as never));
  }), RUNS);
});

test('counts that would run for hours are refused: tuneControlVariate and trainByExactElbo steps', () => {
  refusedBy('tuneControlVariate', () => lib.tuneControlVariate(bits, new lib.RebarControlVariate(), { steps: 1e12, numSamples: 2, seed: 0 }));
  const vae = new lib.CategoricalVae({ numLatents: 1, numCategories: 2, hidden: [2], numPixels: 2, seed: 0 });
  refusedBy('trainByExactElbo', () => lib.trainByExactElbo(vae, [[1, 0]], { steps: 1e12 }));
  vae.dispose();
});

test('any step count beyond the cap is refused at once, for both', () => {
  const vae = new lib.CategoricalVae({ numLatents: 1, numCategories: 2, hidden: [2], numPixels: 2, seed: 0 });
  fc.assert(fc.property(fc.integer({ min: 100_001, max: Number.MAX_SAFE_INTEGER }), (steps) => {
    refusedBy('tuneControlVariate', () => lib.tuneControlVariate(bits, new lib.RebarControlVariate(), { steps, numSamples: 2, seed: 0 }));
    refusedBy('trainByExactElbo', () => lib.trainByExactElbo(vae, [[1, 0]], { steps }));
  }), RUNS);
  vae.dispose();
});

/** The VAE helpers, each called with a given model on data that is otherwise right. */
function vaeCalls(): [string, (model: unknown) => unknown][] {
  const digits = { images: new Float32Array(2 * lib.PIXELS), labels: new Int32Array(2), count: 2 };
  const x = () => tf.zeros([1, lib.PIXELS]) as tf.Tensor2D;
  return [
    ['evaluateVae', (m) => lib.evaluateVae(m as never, digits, { numSamples: 2, seed: 0 })],
    ['reconstructDigits', (m) => lib.reconstructDigits(m as never, digits, { count: 1, seed: 0 })],
    ['samplePrior', (m) => lib.samplePrior(m as never, { count: 1, seed: 0 })],
    ['exactVaeBound', (m) => tf.tidy(() => lib.exactVaeBound(m as never, x(), 1))],
    ['exactVaeBoundGradient', (m) => tf.tidy(() => lib.exactVaeBoundGradient(m as never, x(), 1))],
    ['vaeObjective', (m) => tf.tidy(() => lib.vaeObjective(m as never, x(), { estimator: 'reinforce', kl: 'analytic', temperature: 1, numSamples: 2, rng: new lib.Random(0) }))],
  ];
}

test('a VAE used after dispose() is named by every helper (they used to fail with TypeErrors)', () => {
  const vae = new lib.CategoricalVae({ numLatents: 2, numCategories: 3, hidden: [4], seed: 0 });
  vae.dispose();
  refusedBy('reconstructDigits', () => lib.reconstructDigits(vae, { images: new Float32Array(lib.PIXELS), labels: new Int32Array(1), count: 1 }, { count: 1, seed: 0 }));
  const x = tf.zeros([1, lib.PIXELS]) as tf.Tensor2D;
  refusedBy('CategoricalVae.encode', () => vae.encode(x));
  x.dispose();
});

test('every VAE helper refuses a disposed model, or anything that is not a model, by name', () => {
  const disposed = new lib.CategoricalVae({ numLatents: 2, numCategories: 3, hidden: [4], seed: 0 });
  disposed.dispose();
  const notAModel = fc.oneof(fc.constant<unknown>(disposed), fc.constantFrom<unknown>(null, undefined, {}, [], 'vae'), fc.anything());
  fc.assert(fc.property(fc.constantFrom(...vaeCalls()), notAModel, ([name, call], model) => refusedBy(name, () => call(model))), RUNS);
});

test('trainByExactElbo never applies a step that is not finite: the weights stay finite', () => {
  const vae = new lib.CategoricalVae({ numLatents: 1, numCategories: 2, hidden: [2], numPixels: 2, seed: 0 });
  // A rate of 1e36 sends the weights to about 1e36 in one Adam step, and the objective to ∞ at the next.
  assert.throws(() => lib.trainByExactElbo(vae, [[1, 0]], { steps: 5, learningRate: 1e36 }), /^Error: trainByExactElbo: the objective and its gradient must be finite at every step/);
  for (const v of vae.variables()) assert.ok(Array.from(v.dataSync()).every(Number.isFinite), 'a weight became non-finite');
  vae.dispose();
});

test('trainByExactElbo at any rate either trains or refuses a step, and never leaves a non-finite weight', () => {
  fc.assert(fc.property(fc.double({ min: 1, max: 38, noNaN: true }), (exponent) => {
    const vae = new lib.CategoricalVae({ numLatents: 1, numCategories: 2, hidden: [2], numPixels: 2, seed: 0 });
    try {
      lib.trainByExactElbo(vae, [[1, 0]], { steps: 4, learningRate: 10 ** exponent });
    } catch (e) {
      assert.match((e as Error).message, /^trainByExactElbo: the objective and its gradient must be finite/);
    }
    for (const v of vae.variables()) assert.ok(Array.from(v.dataSync()).every(Number.isFinite), `a weight became non-finite at rate 1e${exponent}`);
    vae.dispose();
  }), { ...RUNS, numRuns: 10 });
});
