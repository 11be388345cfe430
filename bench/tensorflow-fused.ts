/**
 * The fused kernels of the `tensorflow` backend (src/kernels/tensorflow-kernels.ts: the
 * relaxed sampler both ways, the straight-through rounding, logSoftmax both ways) in the
 * categorical VAE's training step of the peer benchmark (`VAE_CONFIGS.small`, batch 100,
 * ST Gumbel-Softmax at τ = 1, analytic KL, the library's Adam): switched on against
 * switched off, the setting alternating step by step in one process, so that the
 * machine's drift falls on both alike. Also the kernels each setting dispatches a step.
 *
 * Before timing, both settings train 10 steps from the same weights with the same seed,
 * and the report says whether the weights come out identical, bit for bit.
 *
 * Run: node --import tsx bench/tensorflow-fused.ts [--steps 800]
 */
import * as tf from '@tensorflow/tfjs';
import { availableBackends, initBackend } from '../src/backend';
import { guardedVariableGrads } from '../src/estimators/guarded-gradient';
import { fusedKernelName, FusedSetting, useFusedKernels } from '../src/kernels/registry';
import { Random } from '../src/random';
import { CategoricalVae, vaeObjective, VAE_CONFIGS } from '../src/studies/categorical-vae';
import { Adam } from '../src/train/adam';
import { syntheticDigits } from './peer/synthetic-digits';
import { median, numberFlag } from './stats';

const STEPS = numberFlag('--steps', 800);
const BATCH = 100;
const TENSORFLOW_FUSED = ['RelaxedSoftmax', 'RelaxedSoftmaxGrad', 'StraightThroughRound', 'LogSoftmax', 'LogSoftmaxGrad'].map(fusedKernelName);
/** On: every fused kernel. Off: all but the tensorflow backend's (none of the others runs there). */
const SETTINGS: [string, FusedSetting][] = [['fused on', true], ['fused off', []]];

/** A model, its Adam and one training step on a fixed batch with fresh noise from `seed`. */
function trainer(seed: number) {
  const vae = new CategoricalVae({ ...VAE_CONFIGS.small, seed: 0 });
  const x = tf.tensor2d(syntheticDigits(BATCH).images, [BATCH, 784]);
  const variables = vae.variables();
  const adam = new Adam(variables, { learningRate: 1e-3 });
  const rng = new Random(seed);
  const step = () => tf.tidy(() => {
    const { value, grads } = guardedVariableGrads(() => vaeObjective(vae, x, { estimator: 'st-gumbel-softmax', kl: 'analytic', temperature: 1, numSamples: 1, rng }), variables);
    return adam.guardedStep(grads, value);
  });
  const dispose = () => { adam.dispose(); vae.dispose(); x.dispose(); };
  return { vae, step, dispose };
}

async function main(): Promise<void> {
  if (!availableBackends().includes('tensorflow')) throw new Error('tensorflow-fused: tfjs-node does not load here');
  await initBackend('tensorflow');
  // Same numbers: 10 steps each way from the same start.
  const weights = SETTINGS.map(([, setting]) => {
    useFusedKernels(setting);
    const t = trainer(3);
    for (let i = 0; i < 10; i++) t.step();
    const values = t.vae.variables().map((v) => Array.from(v.dataSync()));
    t.dispose();
    return values;
  });
  const identical = weights[0].every((w, i) => w.every((x, j) => Object.is(x, weights[1][i][j])));
  const t = trainer(1);
  const kernels = [] as number[];
  for (const [, setting] of SETTINGS) {
    useFusedKernels(setting);
    kernels.push((await tf.profile(() => { t.step(); })).kernels.length);
  }
  for (let i = 0; i < 20; i++) { useFusedKernels(SETTINGS[i % 2][1]); t.step(); }
  const ms: number[][] = SETTINGS.map(() => []);
  for (let i = 0; i < STEPS; i++) {
    const k = i % 2;
    useFusedKernels(SETTINGS[k][1]);
    const start = performance.now();
    t.step();
    ms[k].push(performance.now() - start);
  }
  useFusedKernels(true);
  t.dispose();
  const pairs = ms[0].map((on, i) => on / ms[1][i]);
  console.log(`VAE training step on tensorflow, ${STEPS / 2} steps each, alternating (${TENSORFLOW_FUSED.length} fused kernels: ${TENSORFLOW_FUSED.join(', ')})`);
  SETTINGS.forEach(([name], k) => console.log(`${name.padEnd(10)} median ${median(ms[k]).toFixed(3)} ms a step, ${kernels[k]} kernels a step`));
  console.log(`on / off: median of paired steps ${median(pairs).toFixed(3)}, ratio of medians ${(median(ms[0]) / median(ms[1])).toFixed(3)}`);
  console.log(`weights after 10 steps identical: ${identical ? 'yes' : 'NO'}`);
}

main();
