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
import { pathwiseGradientFor } from '../../estimators/pathwise';
import { Seed, toRandom } from '../../random';
import { addRecord, checkLoopOptions, checkSteps, LoopOptions } from '../../train/loop';
import { TemperatureSchedule } from '../../train/schedules';
import { checkBudget, checkPositive, checkPositiveInteger, fail } from '../../validate';

/** The runs to train side by side: one per seed, each a one-variable MDNF. */
export interface MixtureRuns {
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
}

/** Options of `optimizeMixtureRuns`; `recordEvery` defaults to steps/100. */
export interface MixtureRunsOptions extends LoopOptions<MixtureRunRecord> {
  steps: number;
  learningRate: number;
  /** Samples per step. When B divides it, every component is drawn equally often and the step is deterministic. */
  numSamples: number;
  /** Seed of the components' round-robin offsets. */
  seed: Seed;
}

/** One run at one recorded step. The runs of a step are recorded one after another, in the order of `seeds`. */
export interface MixtureRunRecord {
  step: number;
  /** The run's index r in `seeds`, and its seed. */
  run: number;
  seed: number;
  /** The run's τ at this step. */
  temperature: number;
  /** The exact objective E_q[f] = Σ_k q_k f(e_k) of the run at this step. */
  exactLoss: number;
  /** The run's q [K] (multiples of 1/B). */
  probs: number[];
  /** The run's logits [B][K] before this step's update, in its own τ's scale. */
  logits: number[][];
}

/**
 * Trains R independent MDNF fits (N = 1 variable each) with SGD on the pathwise
 * gradient, all in one batched loop, and returns their history: at each recorded
 * step, one record per run.
 *
 * Runs may differ in temperature (`temperature: [τ_0, …, τ_{R−1}]`), so that a sweep over τ
 * costs one loop; or all follow one schedule (`temperature: (step) => τ`), set before each step.
 * `tf.memory().numTensors` is the same after the call as before.
 *
 * @param runs the seeds, K, B and temperatures of the runs.
 * @param problem `loss`: the per-sample loss of ONE variable, one-hot y [n, K] → [n].
 *
 * @example
 * const problem = { loss: squaredErrorLoss([0.2, 0.7, 0.1]) };
 * const options = { steps: 1000, learningRate: 0.01, numSamples: 100, seed: 0 };
 * const history = optimizeMixtureRuns({ seeds: [0, 1, 2, 3, 4, 5, 6, 7], K: 3, B: 10, temperature: 5 }, problem, options);
 * history.filter((r) => r.step === 999).map((r) => r.probs);  // each run's final q
 * // Seed 0 at two temperatures in one loop, and two seeds on the annealing τ = 1000/(step + 1):
 * optimizeMixtureRuns({ seeds: [0, 0], K: 3, B: 10, temperature: [1, 5] }, problem, options);
 * optimizeMixtureRuns({ seeds: [0, 1], K: 3, B: 10, temperature: (step) => 1000 / (step + 1) }, problem, options);
 */
export function optimizeMixtureRuns(runs: MixtureRuns, problem: { loss: (y: tf.Tensor) => tf.Tensor }, options: MixtureRunsOptions): MixtureRunRecord[] {
  const fn = 'optimizeMixtureRuns';
  if (runs === null || typeof runs !== 'object') fail(fn, 'runs', 'an object {seeds, K, B, temperature}', runs);
  const { seeds } = runs;
  if (!Array.isArray(seeds) || seeds.length === 0 || !seeds.every((s) => Number.isInteger(s) && s >= 0)) {
    fail(fn, 'runs.seeds', 'a non-empty array of whole numbers ≥ 0', seeds);
  }
  const K = checkPositiveInteger(fn, 'runs.K', runs.K);
  const B = checkPositiveInteger(fn, 'runs.B', runs.B);
  const temperature = resolveTemperature(fn, runs.temperature, seeds.length);
  if (problem === null || typeof problem !== 'object') fail(fn, 'problem', 'an object {loss}', problem);
  const { loss } = problem;
  if (typeof loss !== 'function') fail(fn, 'problem.loss', 'a function of one-hot samples [n, K] returning [n]', loss);
  if (options === null || typeof options !== 'object') fail(fn, 'options', 'an object', options);
  const steps = checkSteps(fn, 'steps', options.steps);
  const learningRate = checkPositive(fn, 'learningRate', options.learningRate);
  const numSamples = checkPositiveInteger(fn, 'numSamples', options.numSamples);
  const { recordEvery, onRecord } = checkLoopOptions(fn, options, Math.max(1, Math.floor(steps / 100)));
  const rng = toRandom(options.seed, fn);
  const R = seeds.length;
  // Sizes first, before anything is made: the stacked mixture, the one-hot rows and each step's samples.
  checkBudget(fn, 'runs: seeds.length × B × K × K', R * B * K * K);
  checkBudget(fn, 'numSamples × seeds.length × max(B, K)', numSamples * R * Math.max(B, K));

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
  const history: MixtureRunRecord[] = [];

  try {
    for (let step = 0; step < steps; step++) {
      if (temperature.schedule !== undefined) mixture.temperature = checkPositive(fn, `runs.temperature(${step})`, temperature.schedule(step));
      tf.tidy(() => {
        if (step % recordEvery === 0 || step === steps - 1) {
          for (const record of readRecords(step, seeds, mixture, outcomeLoss, temperature)) addRecord(history, record, onRecord);
        }
        const { grad } = pathwiseGradientFor(fn, { variable: mixture.logits, sample: (n, seed) => mixture.sample(n, seed), loss: summedLoss }, { numSamples, seed: rng });
        mixture.logits.assign(tf.sub(mixture.logits, tf.mul(grad, stepSize)));
      });
    }
    return history;
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
function resolveTemperature(fn: string, temperature: MixtureRuns['temperature'], R: number): ResolvedTemperature {
  if (typeof temperature === 'function') {
    return { initial: checkPositive(fn, 'runs.temperature(0)', temperature(0)), schedule: temperature };
  }
  if (Array.isArray(temperature)) {
    if (temperature.length !== R) fail(fn, 'runs.temperature', `one τ per seed (${R})`, temperature);
    temperature.forEach((tau, r) => checkPositive(fn, `runs.temperature[${r}]`, tau));
    return { initial: 1, perRun: temperature.slice() };
  }
  return { initial: checkPositive(fn, 'runs.temperature', temperature) };
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
  if (!(values instanceof tf.Tensor) || values.isDisposed || values.rank !== 1 || values.shape[0] !== m) {
    fail(fn, 'loss(y)', `a tensor of shape [${m}] for one-hot rows y of shape [${m}, ${K}]`, values);
  }
  return values;
}

/** Reads every run's probs, exact loss and logits in one transfer, as one record per run. */
function readRecords(
  step: number, seeds: number[], mixture: FactorizedDiscreteFlowsMixture, outcomeLoss: tf.Tensor, temperature: ResolvedTemperature,
): MixtureRunRecord[] {
  const R = seeds.length;
  const [, B, K] = mixture.logits.shape;
  const probs = mixture.probsParameter(); // [R, K]
  const values = tf.concat([tf.reshape(probs, [-1]), tf.reshape(tf.matMul(probs, outcomeLoss), [-1]), tf.reshape(mixture.logits, [-1])]).dataSync();
  const logitsAt = R * K + R;
  return seeds.map((seed, r) => {
    // Per-run temperatures hold run r's logits divided by τ_r: scale them back.
    const scale = temperature.perRun?.[r] ?? 1;
    const logits = Array.from({ length: B }, (_, b) => {
      const start = logitsAt + (r * B + b) * K;
      return Array.from(values.subarray(start, start + K), (l) => l * scale);
    });
    return {
      step, run: r, seed, temperature: temperature.perRun?.[r] ?? mixture.temperature,
      exactLoss: values[R * K + r], probs: Array.from(values.subarray(r * K, (r + 1) * K)), logits,
    };
  });
}
