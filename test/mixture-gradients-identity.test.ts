/**
 * The Gaussian mixture's Monte Carlo gradients with the chain rule written out
 * (src/studies/gaussian-mixture/chain-rule.ts, fused on cpu and wasm) against version 1's
 * autodiff (test/mixture-gradients-reference.ts): the same loss and gradients, bit for
 * bit, on every backend that loads, with the fused kernels on and off. Identity, not a
 * tolerance: each step is the kernel TensorFlow.js' own gradient runs, or an exact
 * float32 rewrite of it, so any difference at all is a bug.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { availableBackends, initBackend } from '../src/backend';
import { Baseline, MovingAverageBaseline } from '../src/estimators/baselines';
import { useFusedKernels } from '../src/kernels/registry';
import { Random } from '../src/random';
import {
  elementaryMixtureGradient, gumbelSoftmaxMixtureGradient, scoreFunctionMixtureGradient,
} from '../src/studies/gaussian-mixture/gradients';
import { GaussianMixtureModel, MixtureGradient, PARAMETER_NAMES } from '../src/studies/gaussian-mixture/model';
import { referenceElementary, referenceGumbelSoftmax, referenceScoreFunction } from './mixture-gradients-reference';

before(async () => { await initBackend(); });

/** Where two results differ (loss or an entry of a gradient, Object.is), or null. */
function difference(ours: MixtureGradient, reference: MixtureGradient): string | null {
  if (!Object.is(ours.loss, reference.loss)) return `loss ${ours.loss} vs ${reference.loss}`;
  if (ours.lossEvaluations !== reference.lossEvaluations) return `lossEvaluations ${ours.lossEvaluations} vs ${reference.lossEvaluations}`;
  for (const name of PARAMETER_NAMES) {
    const a = ours.grads[name], b = reference.grads[name];
    if (a.length !== b.length) return `${name}: length ${a.length} vs ${b.length}`;
    for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return `${name}[${i}]: ${a[i]} vs ${b[i]}`;
  }
  return null;
}

type Pair = [string, (model: GaussianMixtureModel, seed: Random) => MixtureGradient, (model: GaussianMixtureModel, seed: Random) => MixtureGradient];

/** Each method at several sizes, including one noise draw (s² = 0), one sample, and low, middle and high τ. */
function pairs(): Pair[] {
  const list: Pair[] = [];
  for (const numNoise of [1000, 7, 1]) {
    list.push([`elementary L2=${numNoise}`, (m, seed) => elementaryMixtureGradient(m, { numNoise, seed }), (m, seed) => referenceElementary(m, { numNoise, seed })]);
  }
  for (const [numSamples, numNoise, temperature] of [[100, 1000, 0.01], [1, 3, 0.5], [33, 1, 5]]) {
    const options = { numSamples, numNoise, temperature };
    list.push([`Gumbel-Softmax ${JSON.stringify(options)}`,
      (m, seed) => gumbelSoftmaxMixtureGradient(m, { ...options, seed }), (m, seed) => referenceGumbelSoftmax(m, { ...options, seed })]);
  }
  for (const [numSamples, numNoise, baseline] of [[100, 1000, 'none'], [1, 1, 'none'], [20, 9, 'leave-one-out']] as [number, number, Baseline][]) {
    const options = { numSamples, numNoise, baseline };
    list.push([`log trick ${JSON.stringify(options)}`,
      (m, seed) => scoreFunctionMixtureGradient(m, { ...options, seed }), (m, seed) => referenceScoreFunction(m, { ...options, seed })]);
  }
  return list;
}

for (const backend of availableBackends()) {
  for (const fused of backend === 'tensorflow' ? [true] : [true, false]) {
    const label = `${backend}${backend === 'tensorflow' ? '' : fused ? ', fused kernels' : ', op by op'}`;

    test(`${label}: every gradient and loss equals version 1's autodiff, bit for bit, and no tensor is left behind`, async () => {
      await initBackend(backend);
      const previous = useFusedKernels(fused);
      try {
        for (const shape of [{ seed: 1 }, { seed: 36, buckets: 2, dim: 1 }, { seed: 5, buckets: 7, dim: 3 }]) {
          const model = new GaussianMixtureModel(shape);
          const start = tf.memory().numTensors;
          for (const [name, ours, reference] of pairs()) {
            const seeds = [new Random(11), new Random(11)];
            for (let call = 0; call < 4; call++) {
              const where = difference(ours(model, seeds[0]), reference(model, seeds[1]));
              assert.equal(where, null, `${name}, model ${JSON.stringify(shape)}, call ${call}: ${where}`);
            }
          }
          assert.equal(tf.memory().numTensors, start, 'tensors left behind');
          model.dispose();
        }
      } finally {
        useFusedKernels(previous);
      }
    });

    test(`${label}: the log trick with a moving-average baseline: the same estimates and the same baseline after 10 calls`, async () => {
      await initBackend(backend);
      const previous = useFusedKernels(fused);
      try {
        const model = new GaussianMixtureModel({ seed: 36 });
        const baselines = [new MovingAverageBaseline({ decay: 0.5 }), new MovingAverageBaseline({ decay: 0.5 })];
        const seeds = [new Random(3), new Random(3)];
        for (let call = 0; call < 10; call++) {
          const ours = scoreFunctionMixtureGradient(model, { numSamples: 20, numNoise: 30, seed: seeds[0], baseline: baselines[0] });
          const reference = referenceScoreFunction(model, { numSamples: 20, numNoise: 30, seed: seeds[1], baseline: baselines[1] });
          assert.equal(difference(ours, reference), null, `call ${call}`);
        }
        assert.ok(Object.is(baselines[0].value, baselines[1].value));
        model.dispose();
      } finally {
        useFusedKernels(previous);
      }
    });

    test(`${label}: parameters that overflow σ give each method's named error and leave no tensor behind`, async () => {
      await initBackend(backend);
      const previous = useFusedKernels(fused);
      try {
        const model = new GaussianMixtureModel({ seed: 36 });
        model.params.D.assign(tf.tensor1d([100])); // log σ ≈ 100: σ² overflows float32
        const start = tf.memory().numTensors;
        const calls: [string, () => unknown][] = [
          ['elementaryMixtureGradient', () => elementaryMixtureGradient(model, { numNoise: 4, seed: 0 })],
          ['gumbelSoftmaxMixtureGradient', () => gumbelSoftmaxMixtureGradient(model, { numSamples: 4, numNoise: 4, seed: 0, temperature: 0.5 })],
          ['scoreFunctionMixtureGradient', () => scoreFunctionMixtureGradient(model, { numSamples: 4, numNoise: 4, seed: 0 })],
        ];
        for (const [fn, call] of calls) assert.throws(call, new RegExp(`^Error: ${fn}: the objective or its gradient is not finite at these parameters`));
        assert.equal(tf.memory().numTensors, start);
        model.dispose();
      } finally {
        useFusedKernels(previous);
      }
    });
  }
}
