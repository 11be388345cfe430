/**
 * The Gaussian mixture's gradients with the chain rule written out (the library,
 * src/studies/gaussian-mixture/chain-rule.ts) against version 1's autodiff
 * (test/mixture-gradients-reference.ts), side by side in one process, in interleaved
 * rounds on every backend that loads, at the settings of the peer benchmark's rows:
 * model seed 1, L1 = 100 buckets, L2 = 1000 noise draws, τ = 0.01, no baseline.
 *
 * Before timing, each pair is run on the same seeds and must give bit-identical losses
 * and gradients. Per backend and method it prints the kernels of one call (tf.profile),
 * the time spent drawing noise (Random's bulk draws, instrumented), and the median over
 * the rounds of new / old with its range.
 *
 * Run: node --import tsx bench/mixture-gradients.ts [--rounds 9] [--calls 200]
 */
import * as tf from '@tensorflow/tfjs';
import { availableBackends, initBackend } from '../src/backend';
import { Random } from '../src/random';
import {
  elementaryMixtureGradient, gumbelSoftmaxMixtureGradient, scoreFunctionMixtureGradient,
} from '../src/studies/gaussian-mixture/gradients';
import { GaussianMixtureModel, MixtureGradient, PARAMETER_NAMES } from '../src/studies/gaussian-mixture/model';
import { referenceElementary, referenceGumbelSoftmax, referenceScoreFunction } from '../test/mixture-gradients-reference';
import { kernelCount, noiseSeconds } from './peer/anatomy';
import { median, numberFlag } from './stats';

const ROUNDS = numberFlag('--rounds', 9);
const CALLS = numberFlag('--calls', 200);
/** Untimed calls first: V8 needs about 100 before a gradient call reaches its steady time (bench/peer/run.ts). */
const WARM_UP = 100;
const L1 = 100, L2 = 1000, TEMPERATURE = 0.01;

type Method = (model: GaussianMixtureModel, rng: Random) => MixtureGradient;
const METHODS: [string, Method, Method][] = [
  ['elementary',
    (model, seed) => elementaryMixtureGradient(model, { numNoise: L2, seed }),
    (model, seed) => referenceElementary(model, { numNoise: L2, seed })],
  ['Gumbel-Softmax',
    (model, seed) => gumbelSoftmaxMixtureGradient(model, { numSamples: L1, numNoise: L2, seed, temperature: TEMPERATURE }),
    (model, seed) => referenceGumbelSoftmax(model, { numSamples: L1, numNoise: L2, seed, temperature: TEMPERATURE })],
  ['log trick',
    (model, seed) => scoreFunctionMixtureGradient(model, { numSamples: L1, numNoise: L2, seed, baseline: 'none' }),
    (model, seed) => referenceScoreFunction(model, { numSamples: L1, numNoise: L2, seed, baseline: 'none' })],
];

/** True when the two results have the same loss and the same bits in every gradient. */
function identical(a: MixtureGradient, b: MixtureGradient): boolean {
  return Object.is(a.loss, b.loss) && PARAMETER_NAMES.every((name) => a.grads[name].every((v, i) => Object.is(v, b.grads[name][i])));
}

/** Seconds per call of `CALLS` calls. */
function time(method: Method, model: GaussianMixtureModel, rng: Random): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < CALLS; i++) method(model, rng);
  return Number(process.hrtime.bigint() - start) / 1e9 / CALLS;
}

async function main(): Promise<void> {
  const lines = [
    `| backend | method | kernels old → new | noise ms (share of new) | old ms | new ms | new / old (median of ${ROUNDS} rounds) | range over rounds | identical |`,
    '|---|---|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const backend of availableBackends()) {
    await initBackend(backend);
    const model = new GaussianMixtureModel({ seed: 1 });
    for (const [name, library, reference] of METHODS) {
      const rngs = [new Random(5), new Random(5)];
      const same = Array.from({ length: 20 }, () => identical(library(model, rngs[0]), reference(model, rngs[1]))).every(Boolean);
      const rng = new Random(2);
      for (let i = 0; i < WARM_UP; i++) { library(model, rng); reference(model, rng); }
      const kernels = [await kernelCount(() => reference(model, rng)), await kernelCount(() => library(model, rng))];
      const noise = median(Array.from({ length: 50 }, () => noiseSeconds(() => library(model, rng))));
      const times: [number[], number[]] = [[], []];
      for (let r = 0; r < ROUNDS; r++) {
        times[0].push(time(reference, model, rng));
        times[1].push(time(library, model, rng));
      }
      const ratios = times[1].map((t, r) => t / times[0][r]);
      const ms = (t: number) => (t * 1000).toPrecision(3);
      lines.push(`| ${backend} | ${name} | ${kernels[0]} → ${kernels[1]} | ${ms(noise)} (${(noise / median(times[1])).toFixed(2)}) | ` +
        `${ms(median(times[0]))} | ${ms(median(times[1]))} | **${median(ratios).toFixed(3)}** | ` +
        `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)} | ${same ? 'yes (20 calls)' : 'NO'} |`);
      console.error(lines.at(-1));
    }
    model.dispose();
  }
  console.log(`\nThe Gaussian mixture's gradients, chain rule written out (new) against version 1's autodiff (old): ` +
    `L1 = ${L1}, L2 = ${L2}, τ = ${TEMPERATURE}; ${ROUNDS} interleaved rounds of ${CALLS} calls\n`);
  console.log(lines.join('\n'));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
