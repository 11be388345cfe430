/**
 * The deep probe's cases (see public-surface-mutations.ts): one right call per public
 * function or method, small enough to run thousands of times. Shared models are made
 * once by `makeFixtures` and freed by its `dispose`.
 */
import * as tf from '@tensorflow/tfjs';
import * as lib from '../src';
import { ProbeCase } from './public-surface-mutations';

/** The models and data the cases share. */
export interface Fixtures {
  cases: ProbeCase[];
  dispose(): void;
}

const PIXELS = lib.PIXELS;

/** Binary digits: `count` images of 784 pixels, every seventh pixel on. */
function binaryDigits(count: number): lib.Digits {
  return { images: new Float32Array(count * PIXELS).map((_, i) => (i % 7 === 0 ? 1 : 0)), labels: new Int32Array(count), count };
}

/** Optional at these paths: `undefined` is a valid value there. */
function optional(...paths: string[]): Record<string, string[]> {
  return Object.fromEntries(paths.map((p) => [p, ['undefined']]));
}

/** Merges lists of valid spoilings by path. */
function validAt(...parts: Record<string, string[]>[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const part of parts) for (const [path, labels] of Object.entries(part)) out[path] = [...(out[path] ?? []), ...labels];
  return out;
}

/** The VAE and its evaluation helpers (categorical-vae/ except training). */
function vaeCases(vae: lib.CategoricalVae, mlp: lib.Mlp, evaluation: lib.VaeEvaluation): ProbeCase[] {
  const x = () => tf.tensor2d(binaryDigits(1).images, [1, PIXELS]);
  const objectiveOptions = () => ({ estimator: 'reinforce', kl: 'analytic', temperature: 1, numSamples: 2, rng: new lib.Random(0) });
  return [
    {
      name: 'CategoricalVae', args: () => [{ numLatents: 2, numCategories: 3, hidden: [4], seed: 0 }],
      // No hidden layer is a linear encoder and decoder: valid.
      call: ([o]) => new lib.CategoricalVae(o as never), valid: validAt(optional('0.numPixels'), { '0.hidden': ['[]'] }),
    },
    { name: 'CategoricalVae.encode', args: () => [x()], call: ([a]) => vae.encode(a as never) },
    { name: 'CategoricalVae.decode', args: () => [tf.ones([1, 2, 3])], call: ([z]) => vae.decode(z as never) },
    { name: 'CategoricalVae.logLikelihood', args: () => [x(), tf.zeros([1, PIXELS])], call: ([a, l]) => vae.logLikelihood(a as never, l as never) },
    { name: 'Mlp', args: () => [[4, 3], new lib.Random(0)], call: ([s, r]) => new lib.Mlp(s as never, r as never) },
    { name: 'Mlp.apply', args: () => [tf.ones([2, 4])], call: ([a]) => mlp.apply(a as never) },
    {
      name: 'vaeObjective', args: () => [vae, x(), objectiveOptions()],
      call: ([m, a, o]) => lib.vaeObjective(m as never, a as never, o as never),
      valid: validAt(optional('2.priorTemperature', '2.baseline', '2.conditionalSamples'), { '2.temperature': ['2.5', '1e12'] }),
    },
    {
      name: 'vaeKlTerm', args: () => [tf.zeros([1, 2, 3]), null, { kl: 'analytic', temperature: 1 }],
      call: ([l, y, o]) => lib.vaeKlTerm(l as never, y as never, o as never),
      valid: validAt(optional('1', '2.temperature'), { 1: ['null'], '2.temperature': ['2.5', '1e12'] }),
    },
    {
      name: 'vaeKlTerm', args: () => [tf.zeros([1, 2, 3]), tf.fill([1, 1, 2, 3], 1 / 3), { kl: 'concrete-monte-carlo', temperature: 1, priorTemperature: 1 }],
      call: ([l, y, o]) => lib.vaeKlTerm(l as never, y as never, o as never),
      valid: validAt(optional('2.priorTemperature'), { '2.temperature': ['2.5', '1e12'], '2.priorTemperature': ['2.5', '1e12'] }),
    },
    // A [2, 2] tensor is a valid [S, b] of log-weights.
    { name: 'multiSampleBound', args: () => [tf.tensor2d([[-100], [-102]])], call: ([w]) => lib.multiSampleBound(w as never), valid: { 0: ['a [2, 2] tensor'] } },
    { name: 'vimcoLearningSignals', args: () => [tf.tensor2d([[-100], [-102]])], call: ([w]) => lib.vimcoLearningSignals(w as never), valid: { 0: ['a [2, 2] tensor'] } },
    {
      name: 'evaluateVae', args: () => [vae, binaryDigits(2), { numSamples: 2, seed: 0, batchSize: 2, count: 2 }],
      call: ([m, d, o]) => lib.evaluateVae(m as never, d as never, o as never),
      // A batch larger than the digits is cut to them: valid.
      valid: validAt(optional('2.numSamples', '2.batchSize', '2.count'), { '2.batchSize': ['1e12'] }), skip: ['1.labels'],
    },
    {
      name: 'compareBounds', args: () => [evaluation, evaluation, 'negElbo'],
      call: ([a, b, bound]) => lib.compareBounds(a as never, b as never, bound as never),
      skip: ['0.negElbo', '0.negIwae', '0.reconstruction', '0.kl', '0.numSamples', '1.negElbo', '1.negIwae', '1.reconstruction', '1.kl', '1.numSamples'],
    },
    { name: 'pairedDifference', args: () => [[160, 150, 170], [158, 149, 167]], call: ([a, b]) => lib.pairedDifference(a as never, b as never) },
    {
      name: 'independentPixelBaseline', args: () => [binaryDigits(2), binaryDigits(1)],
      call: ([a, b]) => lib.independentPixelBaseline(a as never, b as never), skip: ['0.labels', '1.labels'],
    },
    { name: 'exactVaeBound', args: () => [vae, x(), 1], call: ([m, a, s]) => lib.exactVaeBound(m as never, a as never, s as never), valid: optional('2') },
    {
      name: 'exactVaeBoundGradient', args: () => [vae, x(), 1],
      call: ([m, a, s]) => lib.exactVaeBoundGradient(m as never, a as never, s as never), valid: optional('2'),
    },
    {
      name: 'reconstructDigits', args: () => [vae, binaryDigits(2), { count: 1, seed: 0 }],
      call: ([m, d, o]) => lib.reconstructDigits(m as never, d as never, o as never), skip: ['1.labels'],
    },
    { name: 'samplePrior', args: () => [vae, { count: 1, seed: 0 }], call: ([m, o]) => lib.samplePrior(m as never, o as never) },
    {
      name: 'imageRows', args: () => [[0.5, 0, 1, 0.25], ['a'], { minInk: 0.02, side: 2 }],
      call: ([i, n, o]) => lib.imageRows(i as never, n as never, o as never),
      valid: validAt(optional('2', '2.minInk'), { '2.minInk': ['-1', '2.5', '1e12', 'Infinity'] }),
    },
  ];
}

/** The entropy study and the VAE small enough to enumerate (relaxed-entropy/). */
function entropyStudyCases(tiny: lib.CategoricalVae): ProbeCase[] {
  const x = () => [[1, 0, 1, 1]];
  return [
    { name: 'exactEntropy', args: () => [[0, 1, 2]], call: ([l]) => lib.exactEntropy(l as never) },
    { name: 'surprisalStd', args: () => [[0, 1, 2]], call: ([l]) => lib.surprisalStd(l as never) },
    {
      name: 'relaxedProportions', args: () => [{ logits: [0, 1] }, { temperature: 1, numSamples: 4, seed: 0 }],
      call: ([p, o]) => lib.relaxedProportions(p as never, o as never), valid: { '1.temperature': ['2.5', '1e12'] },
    },
    {
      name: 'categoricalFrequencies', args: () => [{ logits: [0, 1] }, { numSamples: 4, seed: 0 }],
      call: ([p, o]) => lib.categoricalFrequencies(p as never, o as never),
    },
    {
      name: 'repeatEntropyEstimates', args: () => ['relaxed-log-mass', { logits: [0, 1] }, { temperature: 1, numSamples: 4, seed: 0 }, 2],
      call: ([v, p, o, r]) => lib.repeatEntropyEstimates(v as never, p as never, o as never, r as never), valid: { '2.temperature': ['2.5', '1e12'] },
    },
    { name: 'exactNegativeElbo', args: () => [tiny, x()], call: ([m, a]) => lib.exactNegativeElbo(m as never, a as never) },
    { name: 'exactVaeGradient', args: () => [tiny, x()], call: ([m, a]) => lib.exactVaeGradient(m as never, a as never) },
    {
      name: 'trainByExactElbo', args: () => [tiny, x(), { steps: 1, learningRate: 0.01 }],
      call: ([m, a, o]) => lib.trainByExactElbo(m as never, a as never, o as never),
      valid: validAt(optional('2.learningRate'), { '2.learningRate': ['2.5', '1e12'] }),
    },
    {
      name: 'repeatVaeGradients', args: () => [tiny, x(), { estimator: 'reinforce', kl: 'analytic', temperature: 1, numSamples: 2, seed: 0 }, 1],
      call: ([m, a, o, r]) => lib.repeatVaeGradients(m as never, a as never, o as never, r as never),
      valid: validAt(optional('2.priorTemperature'), { '2.temperature': ['2.5', '1e12'] }),
    },
  ];
}

/** Constructors whose every option is optional, and chartBundle. */
function allOptionalCases(): ProbeCase[] {
  /** An empty options object, of either prototype, means every default: valid. */
  const empty = { 0: ['{}', 'a null-prototype object'] };
  const spec = () => lib.lineChart({ data: [{ step: 0, loss: 1 }, { step: 1, loss: 0.5 }], x: 'step', y: 'loss', title: 'Loss' });
  return [
    {
      name: 'MovingAverageBaseline', args: () => [{ decay: 0.9 }], call: ([o]) => new lib.MovingAverageBaseline(o as never),
      valid: validAt(empty, optional('0', '0.decay')), strictKeys: [0],
    },
    {
      name: 'RebarControlVariate', args: () => [{ temperature: 0.5, scale: 1, learningRate: 0.01 }],
      call: ([o]) => new lib.RebarControlVariate(o as never), strictKeys: [0],
      valid: validAt(empty, optional('0', '0.temperature', '0.scale', '0.learningRate'),
        { '0.temperature': ['2.5', '1e12'], '0.scale': ['-1', '2.5', '1e12'], '0.learningRate': ['2.5', '1e12'] }),
    },
    {
      name: 'RelaxControlVariate', args: () => [{ temperature: 0.5, scale: 1, learningRate: 0.01, hiddenUnits: 2, seed: 0 }],
      call: ([o]) => new lib.RelaxControlVariate(o as never), strictKeys: [0],
      valid: validAt(empty, optional('0', '0.temperature', '0.scale', '0.learningRate', '0.hiddenUnits', '0.seed'),
        { '0.temperature': ['2.5', '1e12'], '0.scale': ['-1', '2.5', '1e12'], '0.learningRate': ['2.5', '1e12'] }),
    },
    {
      name: 'GaussianMixtureModel', args: () => [{ seed: 0, buckets: 2, dim: 2 }],
      call: ([o]) => new lib.GaussianMixtureModel(o as never), strictKeys: [0], valid: optional('0.buckets', '0.dim'),
    },
    {
      name: 'chartBundle', args: () => [spec(), '<svg></svg>'], call: ([s, svg]) => lib.chartBundle(s as never, svg as never),
      valid: { 1: ['""'] }, // a bundle whose picture comes later, as a live chart's updates
      // A spec's own keys are Vega-Lite's to judge (renderSvg does); chartBundle checks its shape.
      skip: ['0.$schema', '0.data', '0.mark', '0.encoding', '0.title', '0.width', '0.height', '0.config'],
    },
  ];
}

/** The methods of Random, ToyArgmaxModel and the control variates. */
function methodCases(toy: lib.ToyArgmaxModel): ProbeCase[] {
  const rng = new lib.Random(0);
  const counts = ['integer', 'permutation', 'uniformArray', 'normalArray', 'gumbelArray', 'bitsArray'] as const;
  const shapes = ['uniform', 'normal', 'gumbel'] as const;
  const row = () => tf.tensor2d([[3, 2, 0, 4, 1]]);
  const rebar = new lib.RebarControlVariate();
  rebar.parametersFor('rebar', 'bernoulli', [1]); // bound to one logit: two parameters
  return [
    { name: 'Random', args: () => [7], call: ([s]) => new lib.Random(s as never) },
    ...counts.map((m): ProbeCase => ({ name: `Random.${m}`, args: () => [3], call: ([n]) => (rng[m] as (n: unknown) => unknown)(n) })),
    // An empty shape is a scalar: valid.
    ...shapes.map((m): ProbeCase => ({ name: `Random.${m}`, args: () => [[2, 3]], call: ([s]) => rng[m](s as never), valid: { 0: ['[]'] } })),
    {
      name: 'ToyArgmaxModel', args: () => [{ numValues: 5, head: 'st-gumbel-softmax', temperature: 0.75, loss: 'absolute-error' }],
      call: ([o]) => new lib.ToyArgmaxModel(o as never),
      valid: validAt(optional('0.numValues', '0.temperature', '0.loss'), { '0.temperature': ['2.5', '1e12'] }),
    },
    { name: 'ToyArgmaxModel.predict', args: () => [row(), tf.zeros([1, 5])], call: ([a, n]) => toy.predict(a as never, n as never) },
    {
      name: 'ToyArgmaxModel.lossAndGradient', args: () => [row(), tf.tensor1d([3]), tf.zeros([1, 5])],
      call: ([a, t, n]) => toy.lossAndGradient(a as never, t as never, n as never),
    },
    // A gradient of the wrong length is an error (test/control-variate-step.test.ts).
    { name: 'RebarControlVariate.step', args: () => [[0.1, 0.2]], call: ([g]) => rebar.step(g as never) },
    {
      name: 'RebarControlVariate.parametersFor', args: () => ['rebar', 'bernoulli', [1]],
      call: ([f, fam, s]) => new lib.RebarControlVariate().parametersFor(f as never, fam as never, s as never),
      valid: { 0: ['"nonsense"'], 2: ['[]'] }, // any caller's name; scalar logits
    },
  ];
}

/** One value per sample: the sum over every axis after the first. */
const perSample = (y: tf.Tensor) => tf.sum(tf.reshape(y, [y.shape[0], -1]), 1);

/** The options each estimator is probed with (the smallest valid ones). */
const ESTIMATOR_OPTIONS: Record<lib.EstimatorName, Record<string, unknown> | undefined> = {
  exact: undefined,
  reinforce: { numSamples: 2, seed: 0, baseline: 'leave-one-out' },
  'gumbel-softmax': { numSamples: 2, seed: 0, temperature: 1 },
  'st-gumbel-softmax': { numSamples: 2, seed: 0, temperature: 1 },
  'straight-through': { numSamples: 2, seed: 0, temperature: 1 },
  reinmax: { numSamples: 2, seed: 0, temperature: 1 },
  'gumbel-rao': { numSamples: 2, seed: 0, temperature: 1, conditionalSamples: 2 },
  arm: { numSamples: 2, seed: 0 },
  disarm: { numSamples: 2, seed: 0 },
  rebar: { numSamples: 2, seed: 0 },
  relax: { numSamples: 2, seed: 0 },
  'sum-and-sample': { numSamples: 2, seed: 0, numSummed: 1 },
};

/** Numbers that are valid temperatures (any finite τ > 0; ReinMax's τ ≥ 1). */
const TEMPERATURES = ['2.5', '1e12'];

/**
 * Every estimator, on each family it takes, with a loss that can go wrong in every way
 * (the deep probe spoils `problem.loss` with throwing, wrong-shaped, non-tensor and NaN
 * callbacks), and repeatEstimates on the same problems.
 */
function estimatorCases(): ProbeCase[] {
  return lib.ESTIMATOR_NAMES.flatMap((name) => lib.ESTIMATOR_FAMILIES[name].flatMap((family): ProbeCase[] => {
    const logits = family === 'categorical' ? [[0.5, -1, 2]] : [0.3, -0.2];
    const problem = () => ({ logits, family, loss: perSample });
    const options = ESTIMATOR_OPTIONS[name];
    const valid = validAt(
      optional('2.baseline', '2.conditionalSamples', '2.numSummed', ...(name === 'exact' ? ['2'] : [])),
      lib.RELAXED_ESTIMATORS.includes(name) ? { '2.temperature': TEMPERATURES } : {},
      // Other logits that are valid: a [2, 2] tensor for either family, any one logit for a Bernoulli.
      { '1.logits': family === 'bernoulli' ? ['a [2, 2] tensor', '-1', '2.5', '1e12'] : ['a [2, 2] tensor'] },
    );
    const skip = name === 'exact' ? ['2'] : [];
    const own: ProbeCase = {
      name: 'estimateGradient', args: () => [name, problem(), options === undefined ? undefined : { ...options }],
      call: ([n, p, o]) => lib.estimateGradient(n as never, p as never, o as never), valid, skip,
    };
    const repeated: ProbeCase = {
      name: 'repeatEstimates', args: () => [name, problem(), options === undefined ? undefined : { ...options }, 2],
      call: ([n, p, o, r]) => lib.repeatEstimates(n as never, p as never, o as never, r as never), valid, skip,
    };
    return [own, repeated];
  }));
}

/** The other functions that call a user's callback: Gaussian gradients, pathwise, the stationary point, the zoo. */
function callbackCases(variable: tf.Variable): ProbeCase[] {
  const gaussian = () => ({ mu: 1, sigma: 0.5, loss: (z: tf.Tensor1D) => tf.square(z) });
  const gaussianValid = { '1.mu': ['-1', '2.5', '1e12'], '1.sigma': ['2.5', '1e12'], '0.mu': ['-1', '2.5', '1e12'], '0.sigma': ['2.5', '1e12'] };
  const bits = () => ({ logits: [0.3], family: 'bernoulli', loss: (b: tf.Tensor) => tf.reshape(tf.square(tf.sub(b, 0.45)), [-1]) });
  return [
    {
      name: "estimateGaussianGradient('pathwise')", args: () => ['pathwise', gaussian(), { numSamples: 4, seed: 0 }],
      call: ([m, p, o]) => lib.estimateGaussianGradient(m as never, p as never, o as never), valid: gaussianValid, skip: ['0'],
    },
    {
      name: 'compareGaussianGradients', args: () => [gaussian(), { numSamples: 4, seed: 0 }],
      call: ([p, o]) => lib.compareGaussianGradients(p as never, o as never), valid: gaussianValid,
    },
    {
      name: 'pathwiseGradient',
      args: () => [{ variable, sample: (n: number, rng: lib.Random) => tf.mul(variable, rng.uniform([n, 3])), loss: (y: tf.Tensor) => tf.sum(y, 1) }, { numSamples: 4, seed: 0 }],
      call: ([p, o]) => lib.pathwiseGradient(p as never, o as never),
    },
    {
      name: 'findStationaryLogits',
      args: () => [{ gradient: (l: number[]) => l.map((x, i) => x - [0, 1, 2][i]), initial: [0, 0, 0], family: 'categorical', maxIterations: 3 }],
      call: ([o]) => lib.findStationaryLogits(o as never),
      valid: validAt(optional('0.maxIterations'), { '0.maxIterations': ['1e12'] }),
    },
    {
      name: 'meanGradient', args: () => [{ estimator: 'reinforce', family: 'bernoulli', loss: bits().loss, numSamples: 4, seed: 1 }],
      call: ([o]) => lib.meanGradient(o as never)([0.3]), valid: optional('0.temperature', '0.baseline'),
    },
    {
      name: 'expectedStGumbelSoftmaxGradient', args: () => [bits(), { temperature: 1, cellsPerUnit: 2 }],
      call: ([p, o]) => lib.expectedStGumbelSoftmaxGradient(p as never, o as never),
      valid: validAt(optional('1.cellsPerUnit'), { '1.temperature': ['2.5', '1e12'] }),
    },
    {
      name: 'samplesForBudget', args: () => ['reinforce', bits(), {}, 10],
      call: ([n, p, o, b]) => lib.samplesForBudget(n as never, p as never, o as never, b as never),
      valid: { 2: ['{}', 'a null-prototype object'], '1.logits': ['-1', '2.5', '1e12'] },
    },
    {
      name: 'compareAtEqualCost', args: () => [bits(), [{ label: 'REINFORCE', name: 'reinforce' }], { budget: 10, repeats: 2, seed: 0 }],
      call: ([p, e, o]) => lib.compareAtEqualCost(p as never, e as never, o as never), valid: { '0.logits': ['-1', '2.5', '1e12'] },
    },
    {
      name: 'tuneControlVariate', args: () => [bits(), new lib.RebarControlVariate(), { steps: 1, numSamples: 2, seed: 0 }],
      call: ([p, cv, o]) => lib.tuneControlVariate(p as never, cv as never, o as never), valid: { '0.logits': ['-1', '2.5', '1e12'] },
    },
  ];
}

/** The KL terms, with priors of the wrong batch shape among the spoilings. */
function priorCases(): ProbeCase[] {
  const logits = () => tf.tensor2d([[0.5, -1, 2], [0, 0, 0]]);
  const wrongPriors = (path: string) => [
    { path, label: 'a prior of shape [3, 3]', value: () => tf.zeros([3, 3]) },
    { path, label: 'a prior of shape [2, 1, 3] (adds an axis)', value: () => tf.zeros([2, 1, 3]) },
    { path, label: 'a prior of shape [4]', value: () => tf.zeros([4]) },
    { path, label: 'a prior of shape [2]', value: () => tf.zeros([2]) },
  ];
  const relaxed = { numSamples: 2, seed: 0, temperature: 1 };
  const variants: [string, lib.EntropyVariant, Record<string, unknown> | undefined, (p: unknown, o: unknown) => unknown][] = [
    ['kl.discreteMonteCarlo', 'discrete-monte-carlo', relaxed, (p, o) => lib.kl.discreteMonteCarlo(p as never, o as never)],
    ['kl.relaxedLogMass', 'relaxed-log-mass', relaxed, (p, o) => lib.kl.relaxedLogMass(p as never, o as never)],
    ['kl.concreteMonteCarlo', 'concrete-monte-carlo', { ...relaxed, priorTemperature: 1 }, (p, o) => lib.kl.concreteMonteCarlo(p as never, o as never)],
  ];
  return [
    {
      name: 'kl.analytic', args: () => [logits(), tf.tensor1d([0, 0, 0])], call: ([l, p]) => lib.kl.analytic(l as never, p as never),
      // Any numeric dtype is converted to float32.
      valid: validAt(optional('1'), { 0: ['the valid tensor as int32'], 1: ['the valid tensor as int32'] }), extras: wrongPriors('1'),
    },
    ...variants.flatMap(([fnName, variant, options, call]): ProbeCase[] => [
      {
        name: fnName, args: () => [{ logits: logits(), priorLogits: tf.tensor1d([0, 0, 0]) }, { ...options }],
        call: ([p, o]) => call(p, o), extras: wrongPriors('0.priorLogits'),
        valid: validAt(optional('0.priorLogits', '1.priorTemperature'), { '1.temperature': TEMPERATURES, '1.priorTemperature': TEMPERATURES }),
      },
      {
        name: 'estimateKL', args: () => [variant, { logits: logits(), priorLogits: tf.tensor1d([0, 0, 0]) }, { ...options }],
        call: ([v, p, o]) => lib.estimateKL(v as never, p as never, o as never), extras: wrongPriors('1.priorLogits'),
        valid: validAt(optional('1.priorLogits', '2.priorTemperature'), { '2.temperature': TEMPERATURES, '2.priorTemperature': TEMPERATURES }),
        skip: ['0'],
      },
    ]),
  ];
}

/** The distributions' methods, on one live distribution of each kind. */
function distributionCases(): ProbeCase[] {
  const make: [string, () => lib.OneHotCategorical | lib.Bernoulli | lib.RelaxedOneHotCategorical | lib.RelaxedBernoulli, () => tf.Tensor][] = [
    ['OneHotCategorical', () => new lib.OneHotCategorical({ logits: [[0.5, -1, 2]] }), () => tf.tensor3d([[[0, 0, 1]]])],
    ['Bernoulli', () => new lib.Bernoulli({ logits: [0.3, -0.2] }), () => tf.tensor2d([[0, 1]])],
    ['RelaxedOneHotCategorical', () => new lib.RelaxedOneHotCategorical({ logits: [[0.5, -1, 2]], temperature: 1 }), () => tf.tensor3d([[[0.2, 0.3, 0.5]]])],
    ['RelaxedBernoulli', () => new lib.RelaxedBernoulli({ logits: [0.3, -0.2], temperature: 1 }), () => tf.tensor2d([[0.2, 0.7]])],
  ];
  return make.flatMap(([name, build, point]): ProbeCase[] => {
    const q = build();
    return [
      { name: `${name}.sample`, args: () => [2, 0], call: ([n, s]) => q.sample(n as never, s as never) },
      // Any numeric dtype is converted; a [2, 2] tensor is two samples of the two Bernoulli variables.
      { name: `${name}.logProb`, args: () => [point()], call: ([x]) => q.logProb(x as never), valid: { 0: ['the valid tensor as int32', ...(name === 'Bernoulli' ? ['a [2, 2] tensor'] : [])] } },
    ];
  });
}

/** Builds every case with its shared models. */
/** The training loops and the one history-to-rows helper. */
function loopCases(vae: lib.CategoricalVae, toy: lib.ToyArgmaxModel): ProbeCase[] {
  const loss = (y: tf.Tensor) => tf.sum(tf.square(tf.sub(y, tf.tensor1d([0.2, 0.7, 0.1]))), -1);
  return [
    {
      name: 'optimize', args: () => [tf.variable(tf.tensor1d([0.1, 0.2, 0.3])), { family: 'categorical', loss }, { estimator: 'reinforce', steps: 2, learningRate: 0.1, numSamples: 2, seed: 0 }],
      call: ([l, p, o]) => lib.optimize(l as never, p as never, o as never),
      valid: validAt(optional('2.temperature', '2.baseline', '2.recordEvery', '2.onRecord'), { '2.learningRate': ['2.5', '1e12'], '2.recordEvery': ['2.5'] }),
      skip: ['2.recordEvery'],
    },
    {
      name: 'optimizeMixtureRuns', args: () => [{ seeds: [0], K: 3, B: 2, temperature: 1 }, { loss }, { steps: 2, learningRate: 0.1, numSamples: 2, seed: 0 }],
      call: ([r, p, o]) => lib.optimizeMixtureRuns(r as never, p as never, o as never),
      valid: validAt(optional('2.recordEvery', '2.onRecord'), { '2.learningRate': ['2.5', '1e12'], '0.temperature': ['2.5', '1e12'] }),
      skip: ['2.recordEvery'],
    },
    {
      name: 'trainToyArgmax', args: () => [toy, { x: [[3, 2, 0, 4, 1]], targets: [3] }, { steps: 1, seed: 0 }],
      call: ([m, d, o]) => lib.trainToyArgmax(m as never, d as never, o as never),
      valid: validAt(optional('2.learningRate', '2.recordEvery', '2.onRecord'), { '2.learningRate': ['2.5', '1e12'], '1.x': ['a [2, 2] tensor'] }),
      skip: ['2.recordEvery', '1.x', '1.targets'],
    },
    {
      name: 'trainVae', args: () => [vae, { train: binaryDigits(2) }, { estimator: 'st-gumbel-softmax', kl: 'analytic', epochs: 1, batchSize: 2, seed: 0 }],
      call: ([m, d, o]) => lib.trainVae(m as never, d as never, o as never),
      valid: validAt(optional('1.test', '2.learningRate', '2.temperature', '2.priorTemperature', '2.numSamples', '2.conditionalSamples', '2.baseline', '2.recordEvery', '2.onRecord', '2.evalCount', '2.evalSamples'),
        { '2.learningRate': ['2.5', '1e12'], '2.temperature': ['2.5', '1e12'] }),
      skip: ['2.recordEvery', '2.evalCount', '2.evalSamples', '2.numSamples', '2.conditionalSamples', '2.priorTemperature'],
    },
    {
      name: 'historyRows', args: () => [[{ step: 0, loss: 1, probs: [0.5, 0.5] }], { estimator: 'reinforce' }],
      call: ([h, e]) => lib.historyRows(h as never, e as never),
      valid: validAt(optional('1'), { 1: ['{}', 'a null-prototype object'], 0: ['[]'], '1.estimator': ['-1', '2.5', '1e12', '""', '"nonsense"'] }),
      skip: ['0.0'],
    },
  ];
}

export function makeFixtures(): Fixtures {
  const vae = new lib.CategoricalVae({ numLatents: 2, numCategories: 3, hidden: [4], seed: 0 });
  const tiny = new lib.CategoricalVae({ numLatents: 2, numCategories: 3, hidden: [4], numPixels: 4, seed: 0 });
  const mlp = new lib.Mlp([4, 3], new lib.Random(0));
  const toy = new lib.ToyArgmaxModel({ numValues: 5, head: 'st-gumbel-softmax' });
  const evaluation = lib.evaluateVae(vae, binaryDigits(3), { numSamples: 2, seed: 0 });
  const variable = tf.variable(tf.tensor1d([0.1, 0.2, 0.3]));
  const cases = [
    ...vaeCases(vae, mlp, evaluation), ...entropyStudyCases(tiny), ...allOptionalCases(), ...methodCases(toy),
    ...estimatorCases(), ...callbackCases(variable), ...priorCases(), ...distributionCases(), ...loopCases(vae, toy),
  ];
  return { cases, dispose: () => { vae.dispose(); tiny.dispose(); mlp.dispose(); toy.dispose(); variable.dispose(); } };
}
