/**
 * Microseconds per gradient step of each estimator on the squared-error toy (K = 3,
 * 1000 samples; MDNF with 100 samples as in its source document), on every backend that loads.
 * A step is one estimate plus the SGD update, as in `optimize`.
 *
 * Run: node --import tsx bench/estimators.ts [--quick]
 *
 * Each row warms up, then times several batches of steps and reports the median
 * batch, which is robust to a busy machine. Prints one markdown table; the ratio
 * column is relative to the fastest row.
 */
import * as tf from '@tensorflow/tfjs';
import { availableBackends, initBackend } from '../src/backend';
import { ESTIMATOR_FAMILIES, ESTIMATOR_NAMES, EstimatorName, EstimatorOptions, estimateGradient, pathwiseGradient } from '../src';
import { SQUARED_ERROR_CATEGORICAL_TARGET, squaredErrorLoss } from '../src/studies/squared-error/problem';
import { Random } from '../src/random';

const QUICK = process.argv.includes('--quick');
const WARM_UP = QUICK ? 20 : 100;
const BATCHES = QUICK ? 3 : 7;
const STEPS_PER_BATCH = QUICK ? 50 : 200;
const LEARNING_RATE = 0.01;
const TARGET = SQUARED_ERROR_CATEGORICAL_TARGET as number[];

interface Row { backend: string; estimator: string; numSamples: number; micros: number }

/** Median over batches of the mean time per step, in microseconds. */
function time(step: () => void): number {
  for (let i = 0; i < WARM_UP; i++) step();
  const perStep: number[] = [];
  for (let b = 0; b < BATCHES; b++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < STEPS_PER_BATCH; i++) step();
    perStep.push(Number(process.hrtime.bigint() - start) / 1e3 / STEPS_PER_BATCH);
  }
  return perStep.sort((a, b) => a - b)[Math.floor(BATCHES / 2)];
}

/** A step of one of the library's estimators with the uniform call shape. */
function estimatorStep(name: (typeof ESTIMATOR_NAMES)[number], logits: tf.Variable, numSamples: number): () => void {
  const problem = { logits, family: 'categorical' as const, loss: squaredErrorLoss(TARGET) };
  const rng = new Random(0);
  return () => tf.tidy(() => {
    const options = { numSamples, seed: rng, temperature: 5, baseline: 'leave-one-out' } as EstimatorOptions[EstimatorName];
    const { grad } = estimateGradient(name, problem, options);
    logits.assign(tf.sub(logits, tf.mul(grad, LEARNING_RATE)));
  });
}

/** The MDNF loop of the squared-error toy, if the MDNF distribution is part of the library. */
function mdnfStep(numSamples: number): { step: () => void; dispose: () => void } | undefined {
  let Mixture: typeof import('../src/distributions/factorized-discrete-flows-mixture').FactorizedDiscreteFlowsMixture;
  try {
    Mixture = require('../src/distributions/factorized-discrete-flows-mixture').FactorizedDiscreteFlowsMixture;
  } catch {
    return undefined;
  }
  const q = new Mixture({ N: 1, K: 3, B: 10, temperature: 5 });
  const loss = squaredErrorLoss(TARGET);
  const rng = new Random(0);
  const step = () => tf.tidy(() => {
    const { grad } = pathwiseGradient({ variable: q.logits, sample: (n, seed) => q.sample(n, seed), loss }, { numSamples, seed: rng });
    q.logits.assign(tf.sub(q.logits, tf.mul(grad, LEARNING_RATE)));
  });
  return { step, dispose: () => q.logits.dispose() };
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  for (const backend of availableBackends()) {
    await initBackend(backend);
    for (const name of ESTIMATOR_NAMES.filter((e) => ESTIMATOR_FAMILIES[e].includes('categorical'))) {
      const logits = tf.variable(tf.tensor1d([1, 1, 1]));
      rows.push({ backend, estimator: name, numSamples: name === 'exact' ? 3 : 1000, micros: time(estimatorStep(name, logits, 1000)) });
      logits.dispose();
    }
    const mdnf = mdnfStep(100);
    if (mdnf !== undefined) {
      rows.push({ backend, estimator: 'mdnf (pathwise)', numSamples: 100, micros: time(mdnf.step) });
      mdnf.dispose();
    }
    process.stderr.write(`${backend} done\n`);
  }
  const fastest = Math.min(...rows.map((r) => r.micros));
  const lines = [
    '| backend | estimator | samples | µs / step | ratio to fastest |',
    '|---|---|---:|---:|---:|',
    ...rows.map((r) => `| ${r.backend} | ${r.estimator} | ${r.numSamples} | ${r.micros.toFixed(0)} | ${(r.micros / fastest).toFixed(2)} |`),
  ];
  console.log(lines.join('\n'));
  console.log(`\nMedian of ${BATCHES} batches of ${STEPS_PER_BATCH} steps after ${WARM_UP} warm-up steps; REINFORCE with the leave-one-out baseline, Gumbel-Softmax at τ = 5; 'exact' enumerates the 3 outcomes.`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
