import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend';
import { exact, exactObjective, squaredErrorExactGradient, SQUARED_ERROR_CATEGORICAL_TARGET } from '../src';
import { coupledBernoulli, coupledCategorical, squaredErrorToy, thresholdToy } from '../src/studies/estimator-zoo/problems';
import { compareAtEqualCost, samplesForBudget } from '../src/studies/estimator-zoo/compare';

before(async () => { await initBackend(); });

test('the zoo problems have the exact gradients of their closed forms or of finite differences', () => {
  const toy = exact(squaredErrorToy().problem);
  const closed = squaredErrorExactGradient([1, 1, 1], SQUARED_ERROR_CATEGORICAL_TARGET);
  Array.from(toy.grad.dataSync()).forEach((g, k) => assert.ok(Math.abs(g - closed[k]) < 1e-6));
  toy.grad.dispose();
  // (b − t)² at logit l: dL/dl = p(1 − p)((1 − t)² − t²), p = σ(l).
  const threshold = exact(thresholdToy(0.499, 0.3).problem);
  const p = 1 / (1 + Math.exp(-0.3));
  assert.ok(Math.abs(threshold.grad.dataSync()[0] - p * (1 - p) * (0.501 ** 2 - 0.499 ** 2)) < 1e-7);
  threshold.grad.dispose();
  for (const zoo of [coupledBernoulli(6), coupledCategorical(3, 3)]) {
    const logits = (zoo.problem.logits as number[] | number[][]).flat();
    const { grad } = exact(zoo.problem);
    const g = grad.dataSync();
    grad.dispose();
    const h = 1e-2;
    logits.forEach((_, i) => {
      const shifted = (d: number) => {
        const l = logits.slice();
        l[i] += d;
        const shaped = Array.isArray((zoo.problem.logits as unknown[])[0]) ? tf.tensor(l, [logits.length / 3, 3]) : tf.tensor1d(l);
        const value = exactObjective({ ...zoo.problem, logits: shaped });
        shaped.dispose();
        return value;
      };
      const fd = (shifted(h) - shifted(-h)) / (2 * h);
      assert.ok(Math.abs(fd - g[i]) < 1e-3, `${zoo.name}, logit ${i}: finite difference ${fd} against ${g[i]}`);
    });
  }
});

test('equal cost: every entry gets the samples that fit the budget of loss evaluations', () => {
  const { problem } = coupledBernoulli(4);
  assert.equal(samplesForBudget('reinforce', problem, {}, 100), 100);
  assert.equal(samplesForBudget('exact', problem, {}, 100), 1);
  assert.throws(() => samplesForBudget('reinforce', problem, {}, 0), /samplesForBudget: budget must be a whole number ≥ 1, but got 0/);
});

test('compareAtEqualCost: REINFORCE is unbiased within its noise, ST-GS at τ = 5 is not', () => {
  const before = tf.memory().numTensors;
  const rows = compareAtEqualCost(squaredErrorToy().problem, [
    { label: 'REINFORCE + RLOO', name: 'reinforce', options: { baseline: 'leave-one-out' } },
    { label: 'ST-GS τ = 5', name: 'st-gumbel-softmax', options: { temperature: 5 } },
  ], { budget: 100, repeats: 300, seed: 3 });
  assert.equal(tf.memory().numTensors, before);
  const [rloo, stgs] = rows;
  assert.equal(rloo.lossEvaluations, 100);
  assert.ok(rloo.bias < 4 * rloo.biasNoise, `RLOO bias ${rloo.bias} against noise ${rloo.biasNoise}`);
  assert.ok(stgs.bias > 8 * stgs.biasNoise, `ST-GS bias ${stgs.bias} against noise ${stgs.biasNoise}`);
  assert.ok(rloo.cosine > 0 && rloo.cosine <= 1);
});
