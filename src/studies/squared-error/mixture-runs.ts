/**
 * The MDNF loop of the squared-error toy (pathwise gradient, plain SGD) for several
 * initialisations at once, so that a notebook can show the spread over seeds instead of one run.
 *
 * R one-variable mixtures are stacked as the N = R variables of a single
 * `FactorizedDiscreteFlowsMixture`, and a per-variable loss is summed over them. The
 * loss of variable r depends only on the logits of variable r, so each run receives
 * exactly the gradient it would receive alone; one batched step costs about what one
 * run's step costs, since per-op overhead dominates tensors this small.
 *
 * Reference: T. Kusmierczyk and A. Klami, "Reliable Categorical Variational Inference
 * with Mixture of Discrete Normalizing Flows" (arXiv:2006.15568).
 */
import * as tf from '@tensorflow/tfjs';
import { FactorizedDiscreteFlowsMixture } from '../../distributions/factorized-discrete-flows-mixture';
import { pathwiseGradient } from '../../estimators/pathwise';
import { Seed, toRandom } from '../../random';
import { TemperatureSchedule } from '../../train/schedules';
import { checkPositive, checkPositiveInteger, fail } from '../../validate';

/** Options of `optimizeMixtureRuns`. */
export interface MixtureRunsOptions {
  /**
   * One run per seed. Run r starts where `new FactorizedDiscreteFlowsMixture({ N: 1, K, B,
   * temperature, seed: seeds[r] })` starts: the same initial logits and base components.
   */
  seeds: number[];
  K: number;
  B: number;
  /**
   * τ > 0 of the straight-through surrogate softmax(logits / τ): one τ for every run,
   * one τ per run (an array as long as `seeds`), or a schedule step → τ for every run.
   */
  temperature: number | number[] | TemperatureSchedule;
  /** Per-sample loss of ONE variable: one-hot y [n, K] → [n]. */
  loss: (y: tf.Tensor) => tf.Tensor;
  steps: number;
  learningRate: number;
  /** Samples per step. When B divides it, every component is drawn equally often and the step is deterministic. */
  numSamples: number;
  /** Seed of the components' round-robin offsets; default 0. */
  sampleSeed?: Seed;
  /** Record every this many steps (and the last step); default steps/100. */
  recordEvery?: number;
  /** Called after each record, e.g. to redraw a live chart. */
  onRecord?: (record: MixtureRecord, history: MixtureHistory) => void;
}

/** One recorded step of all runs. */
export interface MixtureRecord {
  step: number;
  /** Per run, the exact objective E_q[f] = Σ_k q_k f(e_k) at this step. */
  exactLoss: number[];
  /** Per run, q's probabilities [R][K] (multiples of 1/B). */
  probs: number[][];
}

/** The recorded steps: `exactLoss[i][r]`, `probs[i][r][k]` for record i and run r. */
export interface MixtureHistory {
  seeds: number[];
  step: number[];
  exactLoss: number[][];
  probs: number[][][];
}

/**
 * Trains R independent MDNF fits (N = 1 variable each) with SGD on the pathwise
 * gradient, all in one batched loop, and returns their history and final logits.
 *
 * Runs may differ in temperature (`temperature: [τ_0, …, τ_{R−1}]`), so that a sweep over τ
 * costs one loop; or all follow one schedule (`temperature: (step) => τ`), set before each step.
 *
 * Shapes: `logits` is [R][B][K], each run's in its own τ's scale. `tf.memory().numTensors`
 * is the same after the call as before.
 *
 * @example
 * const options = { K: 3, B: 10, loss: squaredErrorLoss([0.2, 0.7, 0.1]), steps: 1000, learningRate: 0.01, numSamples: 100 };
 * const { history } = optimizeMixtureRuns({ ...options, seeds: [0, 1, 2, 3, 4, 5, 6, 7], temperature: 5 });
 * history.probs.at(-1);  // each run's final q
 * // Seed 0 at two temperatures in one loop, and two seeds on the annealing τ = 1000/(step + 1):
 * optimizeMixtureRuns({ ...options, seeds: [0, 0], temperature: [1, 5] });
 * optimizeMixtureRuns({ ...options, seeds: [0, 1], temperature: (step) => 1000 / (step + 1) });
 */
export function optimizeMixtureRuns(options: MixtureRunsOptions): { history: MixtureHistory; logits: number[][][] } {
  const fn = 'optimizeMixtureRuns';
  if (options === null || typeof options !== 'object') fail(fn, 'options', 'an object', options);
  const { seeds, loss, onRecord } = options;
  if (!Array.isArray(seeds) || seeds.length === 0 || !seeds.every((s) => Number.isInteger(s) && s >= 0)) {
    fail(fn, 'seeds', 'a non-empty array of whole numbers ≥ 0', seeds);
  }
  if (typeof loss !== 'function') fail(fn, 'loss', 'a function of one-hot samples [n, K] returning [n]', loss);
  const K = checkPositiveInteger(fn, 'K', options.K);
  const B = checkPositiveInteger(fn, 'B', options.B);
  const temperature = resolveTemperature(fn, options.temperature, seeds.length);
  const steps = checkPositiveInteger(fn, 'steps', options.steps);
  const learningRate = checkPositive(fn, 'learningRate', options.learningRate);
  const numSamples = checkPositiveInteger(fn, 'numSamples', options.numSamples);
  const recordEvery = checkPositiveInteger(fn, 'recordEvery', options.recordEvery ?? Math.max(1, Math.floor(steps / 100)));
  const R = seeds.length;

  const rng = toRandom(options.sampleSeed ?? 0, fn);
  // f(e_k) for each category: the exact objective of run r is Σ_k q_rk f(e_k). Computed
  // first, so that a loss of the wrong shape fails before anything needs freeing.
  const outcomeLoss = tf.tidy(() => tf.reshape(perVariableLoss(fn, loss, tf.eye(K), K), [K, 1]));
  const mixture = stackRuns(seeds, K, B, temperature);
  // Per-run temperatures ride on one surrogate at τ = 1 (see `resolveTemperature`): run r's
  // logits are held divided by τ_r, so its learning rate is divided by τ_r².
  const stepSize = temperature.perRun === undefined
    ? tf.scalar(learningRate)
    : tf.tensor3d(temperature.perRun.map((tau) => learningRate / tau ** 2), [R, 1, 1]);
  // Samples [n, R, K] → the summed loss of the R variables, [n].
  const summedLoss = (y: tf.Tensor) => tf.sum(tf.reshape(perVariableLoss(fn, loss, tf.reshape(y, [-1, K]), K), [-1, R]), 1);
  const history: MixtureHistory = { seeds: seeds.slice(), step: [], exactLoss: [], probs: [] };

  try {
    for (let step = 0; step < steps; step++) {
      if (temperature.schedule !== undefined) mixture.temperature = checkPositive(fn, `temperature(${step})`, temperature.schedule(step));
      tf.tidy(() => {
        if (step % recordEvery === 0 || step === steps - 1) {
          const record = readRecord(step, mixture, outcomeLoss, R, K);
          history.step.push(step);
          history.exactLoss.push(record.exactLoss);
          history.probs.push(record.probs);
          onRecord?.(record, history);
        }
        const { grad } = pathwiseGradient({ variable: mixture.logits, sample: (n, seed) => mixture.sample(n, seed), loss: summedLoss }, { numSamples, seed: rng });
        mixture.logits.assign(tf.sub(mixture.logits, tf.mul(grad, stepSize)));
      });
    }
    const logits = mixture.logits.arraySync() as number[][][];
    const scales = temperature.perRun;
    return { history, logits: scales === undefined ? logits : logits.map((run, r) => run.map((row) => row.map((l) => l * scales[r]))) };
  } finally {
    mixture.dispose();
    outcomeLoss.dispose();
    stepSize.dispose();
  }
}

/** The temperature option, checked: the surrogate's τ at step 0, and per-run τs or a schedule if given. */
interface ResolvedTemperature {
  initial: number;
  perRun?: number[];
  schedule?: TemperatureSchedule;
}

/**
 * Checks the temperature option before anything is allocated.
 *
 * Per-run temperatures use an identity of MDNF: its forward pass, argmax, ignores the
 * scale of the logits, and its backward pass is softmax(l/τ)/τ. So SGD at temperature τ
 * from logits l, with learning rate η, moves l/τ exactly as SGD at τ = 1 from l/τ with
 * learning rate η/τ². The runs then share one surrogate at τ = 1.
 */
function resolveTemperature(fn: string, temperature: MixtureRunsOptions['temperature'], R: number): ResolvedTemperature {
  if (typeof temperature === 'function') {
    return { initial: checkPositive(fn, 'temperature(0)', temperature(0)), schedule: temperature };
  }
  if (Array.isArray(temperature)) {
    if (temperature.length !== R) fail(fn, 'temperature', `one τ per seed (${R})`, temperature);
    temperature.forEach((tau, r) => checkPositive(fn, `temperature[${r}]`, tau));
    return { initial: 1, perRun: temperature.slice() };
  }
  return { initial: checkPositive(fn, 'temperature', temperature) };
}

/** One mixture whose variable r is the N = 1 mixture of seeds[r] (its logits divided by τ_r for per-run temperatures). */
function stackRuns(seeds: number[], K: number, B: number, temperature: ResolvedTemperature): FactorizedDiscreteFlowsMixture {
  const logits: number[][][] = [];
  const components: number[][] = [];
  seeds.forEach((seed, r) => {
    const single = new FactorizedDiscreteFlowsMixture({ N: 1, K, B, temperature: 1, seed });
    const scale = temperature.perRun === undefined ? 1 : 1 / temperature.perRun[r];
    logits.push((single.logits.arraySync() as number[][][])[0].map((row) => row.map((l) => l * scale)));
    components.push(single.components[0]);
    single.dispose();
  });
  return new FactorizedDiscreteFlowsMixture({ N: seeds.length, K, B, temperature: temperature.initial, logits, components });
}

/** Calls the user's per-variable loss on rows [m, K] and checks it gave [m]. */
function perVariableLoss(fn: string, loss: (y: tf.Tensor) => tf.Tensor, rows: tf.Tensor, K: number): tf.Tensor {
  const m = rows.shape[0];
  const values = loss(rows);
  if (!(values instanceof tf.Tensor) || values.rank !== 1 || values.shape[0] !== m) {
    fail(fn, 'loss(y)', `a tensor of shape [${m}] for one-hot rows y of shape [${m}, ${K}]`, values);
  }
  return values;
}

/** Reads every run's probs and exact loss in one transfer. */
function readRecord(step: number, mixture: FactorizedDiscreteFlowsMixture, outcomeLoss: tf.Tensor, R: number, K: number): MixtureRecord {
  const probs = mixture.probsParameter(); // [R, K]
  const values = tf.concat([tf.reshape(probs, [-1]), tf.reshape(tf.matMul(probs, outcomeLoss), [-1])]).dataSync();
  return {
    step,
    probs: Array.from({ length: R }, (_, r) => Array.from(values.subarray(r * K, (r + 1) * K))),
    exactLoss: Array.from(values.subarray(R * K)),
  };
}

/**
 * The history as chart rows, one per record and run: {seed, step, exactLoss, p0, p1, …}.
 *
 * @example
 * const { history } = optimizeMixtureRuns({
 *   seeds: [0, 1], K: 3, B: 10, temperature: 5, loss: squaredErrorLoss([0.2, 0.7, 0.1]), steps: 200, learningRate: 0.01, numSamples: 10,
 * });
 * lineChart({ data: mixtureHistoryRows(history), x: 'step', y: 'p1', color: 'seed' });
 */
export function mixtureHistoryRows(history: MixtureHistory): Record<string, number | string>[] {
  return history.step.flatMap((step, i) => history.seeds.map((seed, r) => {
    const row: Record<string, number | string> = { seed: `seed ${seed}`, step, exactLoss: history.exactLoss[i][r] };
    history.probs[i][r].forEach((p, k) => { row[`p${k}`] = p; });
    return row;
  }));
}
