import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend';
import { exact, exactObjective, RebarControlVariate, RelaxControlVariate, squaredErrorExactGradient, SQUARED_ERROR_CATEGORICAL_TARGET } from '../src';
import { coupledBernoulli, coupledCategorical, squaredErrorToy, thresholdToy } from '../src/studies/estimator-zoo/problems';
import { compareAtEqualCost, samplesForBudget } from '../src/studies/estimator-zoo/compare';
import { tuneControlVariate } from '../src/studies/estimator-zoo/tuning';
import { descendOnEstimates } from '../src/studies/estimator-zoo/descent';

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

test('compareAtEqualCost: the mean it reports is the mean of the repeats, and with the same seed ARM and DisARM see the same pairs', () => {
  // DisARM is ARM with its uniform integrated out given the pair, so on the same pairs its
  // estimates are the conditional means of ARM's: equal in mean, never more spread.
  const { problem } = coupledBernoulli(4);
  const [armRow, disarmRow] = compareAtEqualCost(problem, [
    { label: 'ARM', name: 'arm' }, { label: 'DisARM', name: 'disarm' },
  ], { budget: 40, repeats: 400, seed: 2 });
  assert.equal(armRow.mean.length, 4);
  armRow.mean.forEach((m, k) => {
    const gap = Math.abs(m - disarmRow.mean[k]);
    assert.ok(gap < 5 * Math.sqrt(armRow.variance / 400), `coordinate ${k}: ARM ${m}, DisARM ${disarmRow.mean[k]}`);
  });
  assert.ok(disarmRow.variance <= armRow.variance, `DisARM ${disarmRow.variance} against ARM ${armRow.variance}`);
});

test('tuneControlVariate: takes one Adam step per call, counts 5n loss evaluations each, and lowers REBAR\'s variance on (b − 0.45)²', () => {
  const { problem } = thresholdToy(0.45, 0.3);
  const controlVariate = new RebarControlVariate({ learningRate: 0.05 });
  const before = tf.memory().numTensors;
  const report = tuneControlVariate(problem, controlVariate, { steps: 60, numSamples: 10, seed: 4 });
  assert.equal(tf.memory().numTensors, before);
  assert.equal(report.updates, 60);
  assert.equal(report.refusedUpdates, 0);
  assert.equal(report.lossEvaluations, 60 * 5 * 10);
  assert.equal(report.scale.length, 1);
  assert.notEqual(report.temperature, 0.5);
  // Paired: the same seed gives tuned and untuned REBAR the same draws.
  const [untuned, tunedRow] = compareAtEqualCost(problem, [
    { label: 'untuned', name: 'rebar' }, { label: 'tuned', name: 'rebar', options: { controlVariate, tune: false } },
  ], { budget: 30, repeats: 200, seed: 6 });
  assert.ok(tunedRow.variance < untuned.variance, `tuned ${tunedRow.variance} against untuned ${untuned.variance}`);
  assert.equal(controlVariate.updates, 60, 'measuring with tune: false must not move the control variate');
  controlVariate.dispose();
});

test('tuneControlVariate: refuses what it cannot tune, naming itself', () => {
  const { problem } = thresholdToy();
  assert.throws(() => tuneControlVariate(problem, {} as RebarControlVariate, { steps: 1, numSamples: 1, seed: 0 }),
    /^Error: tuneControlVariate: controlVariate must be a RebarControlVariate or a RelaxControlVariate/);
  const cv = new RelaxControlVariate();
  assert.throws(() => tuneControlVariate(problem, cv, { steps: 0, numSamples: 1, seed: 0 }), /^Error: tuneControlVariate: steps must be a whole number ≥ 1, but got 0/);
  assert.throws(() => tuneControlVariate(problem, cv, { steps: 1, numSamples: 1.5, seed: 0 }), /^Error: tuneControlVariate: numSamples must be a whole number ≥ 1, but got 1.5/);
  assert.throws(() => tuneControlVariate(problem, cv, { steps: 1, numSamples: 1, seed: -1 }), /^Error: tuneControlVariate: seed/);
  assert.equal(cv.updates, 0);
  cv.dispose();
});

test('descendOnEstimates: with the exact gradient it is plain gradient descent, written here independently', () => {
  // (b − t)² at logit l: dL/dl = σ'(l)((1 − t)² − t²); SGD by hand on the host.
  const t = 0.45, rate = 2, steps = 30;
  const run = descendOnEstimates(thresholdToy(t).problem, { label: 'exact', name: 'exact' }, { steps, learningRate: rate, budget: 10, seed: 0, recordEvery: 10 });
  let l = 0;
  const byHand = [0];
  for (let s = 1; s <= steps; s++) {
    const p = 1 / (1 + Math.exp(-l));
    l -= rate * p * (1 - p) * ((1 - t) ** 2 - t ** 2);
    if (s % 10 === 0) byHand.push(l);
  }
  assert.deepEqual(run.records.map((r) => r.step), [0, 10, 20, 30]);
  run.records.forEach((r, i) => {
    const p = 1 / (1 + Math.exp(-byHand[i]));
    assert.ok(Math.abs(r.probs[0] - p) < 1e-5, `step ${r.step}: q ${r.probs[0]} against ${p}`);
    assert.ok(Math.abs(r.exactLoss - (p * (1 - t) ** 2 + (1 - p) * t ** 2)) < 1e-6);
  });
  assert.equal(run.lossEvaluations, 2);
});

test('descendOnEstimates: straight-through rests at q = t on (b − t)², unbiased RLOO keeps going; fresh state per run; no leaks', () => {
  // Straight-through's expected step on (b − t)² is σ'(l) · 2(p − t): zero at p = t.
  const { problem } = thresholdToy(0.3);
  const before = tf.memory().numTensors;
  const options = { steps: 150, learningRate: 2, budget: 40, seed: 3, recordEvery: 50 };
  const st = descendOnEstimates(problem, { label: 'ST', name: 'straight-through', options: { temperature: 1 } }, options);
  const rloo = descendOnEstimates(problem, { label: 'RLOO', name: 'reinforce', options: { baseline: 'leave-one-out' } }, options);
  const made: RebarControlVariate[] = [];
  const rebarRun = descendOnEstimates(problem, {
    label: 'REBAR', name: 'rebar', state: () => { const cv = new RebarControlVariate(); made.push(cv); return { controlVariate: cv }; },
  }, { ...options, steps: 5 });
  assert.equal(tf.memory().numTensors, before);
  const last = (r: typeof st) => r.records[r.records.length - 1].probs[0];
  assert.ok(Math.abs(last(st) - 0.3) < 0.1, `straight-through ends at ${last(st)}`);
  // The optimum is q = 0: the unbiased run is far below where straight-through rests.
  assert.ok(last(rloo) < 0.1, `RLOO ends at ${last(rloo)}`);
  assert.equal(rebarRun.numSamples, 8); // 5n per tuning step within 40
  assert.equal(made.length, 2, 'one throwaway state for sizing the budget, one for the run');
  assert.equal(made[1].updates, 5, 'the run\'s own control variate is tuned once per step, and only by the run');
  assert.deepEqual(problem.logits, [0], 'the problem\'s own logits are left as they were');
});

test('descendOnEstimates: bad options and a failing loss give named errors and leak nothing', () => {
  const { problem } = thresholdToy();
  const entry = { label: 'RLOO', name: 'reinforce' as const, options: { baseline: 'leave-one-out' } };
  const good = { steps: 3, learningRate: 1, budget: 10, seed: 0 };
  assert.throws(() => descendOnEstimates(problem, entry, { ...good, steps: 0 }), /^Error: descendOnEstimates: steps must be a whole number ≥ 1, but got 0/);
  assert.throws(() => descendOnEstimates(problem, entry, { ...good, learningRate: -1 }), /^Error: descendOnEstimates: learningRate must be a finite number > 0, but got -1/);
  assert.throws(() => descendOnEstimates(problem, entry, { ...good, seed: 1.5 }), /^Error: descendOnEstimates: seed must be a whole number ≥ 0, but got 1.5/);
  assert.throws(() => descendOnEstimates(problem, entry, { ...good, budget: 0 }), /^Error: descendOnEstimates: budget must be a whole number ≥ 1, but got 0/);
  assert.throws(() => descendOnEstimates(problem, { ...entry, name: 'nope' as never }, good), /^Error: descendOnEstimates: entry.name must be one of exact, reinforce/);
  assert.throws(() => descendOnEstimates(problem, { ...entry, state: 3 as never }, good), /^Error: descendOnEstimates: entry.state must be a function/);
  const before = tf.memory().numTensors;
  let calls = 0;
  const failing = { ...problem, loss: (b: tf.Tensor) => (++calls > 3 ? tf.fill([b.shape[0]], NaN) : tf.sum(b, 1)) };
  assert.throws(() => descendOnEstimates(failing, { label: 'REINFORCE', name: 'reinforce' }, good),
    /^Error: descendOnEstimates\('reinforce'\): problem.loss\(y\) must be finite at every sample, but got NaN/);
  assert.equal(tf.memory().numTensors, before);
});
