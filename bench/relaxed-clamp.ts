/**
 * What the clamp of the relaxed samples costs, and whether a cheaper one gives the same
 * numbers. `RelaxedOneHotCategorical.sample` keeps its samples in [2^−126, 1] with
 * `tf.clipByValue`, whose gradient (zero where the clamp acts) takes five kernels: two
 * comparisons with uploaded scalars, their logical and, a tensor of zeros and a select.
 * Timed here, side by side in interleaved rounds on every backend that loads, for the
 * (straight-through) Gumbel-Softmax gradient of the squared-error toy (K = 3, 1000 samples,
 * τ = 5, the settings of the peer benchmark's row):
 *
 * - 'library': `relaxedSample` and `hardened`, exactly as the estimators call them; since this
 *   measurement the library's clamp has its gradient written as where(clamped == y, dy, 0)
 *   (`keepInside` in src/distributions/noise.ts): the same values, three backward kernels;
 * - 'clipByValue': the same formula written inline with tf.clipByValue, the clamp as it was;
 * - 'no clamp': softmax alone, the floor of what any clamp can cost (it changes
 *   coordinates below 2^−126, so it is a reference, not a candidate).
 *
 * Every variant's gradient is compared with the library's over the timed draws.
 *
 * Run: node --import tsx bench/relaxed-clamp.ts [--rounds 7] [--steps 300]
 */
import * as tf from '@tensorflow/tfjs';
import { availableBackends, initBackend } from '../src/backend';
import { TINY } from '../src/distributions/noise';
import { hardened, relaxedSample } from '../src/estimators/gumbel-softmax';
import { Random } from '../src/random';
import { median, numberFlag } from './stats';

const ROUNDS = numberFlag('--rounds', 7);
const STEPS = numberFlag('--steps', 300);
const N = 1000, TEMPERATURE = 5;
const TARGET = [0.2, 0.7, 0.1];

type Sampler = (logits: tf.Tensor, rng: Random) => tf.Tensor;
const inline = (clamp: (y: tf.Tensor) => tf.Tensor): Sampler => (logits, rng) =>
  clamp(tf.softmax(tf.div(tf.add(logits, rng.gumbel([N, logits.shape[0]])), TEMPERATURE)));
const VARIANTS: [string, Sampler][] = [
  ['library', (logits, rng) => relaxedSample('categorical', logits, N, TEMPERATURE, rng)],
  ['clipByValue', inline((y) => tf.clipByValue(y, TINY, 1))],
  ['no clamp', inline((y) => y)],
];

/** One gradient of the mean squared error at (ST-)Gumbel-Softmax samples, as an array. */
function gradient(sample: Sampler, hard: boolean, logits: tf.Tensor, rng: Random, read: boolean): Float32Array | null {
  const g = tf.tidy(() => {
    const target = tf.tensor1d(TARGET);
    return tf.grad((l: tf.Tensor) => {
      const z = sample(l, rng);
      return tf.mean(tf.sum(tf.square(tf.sub(hard ? hardened('categorical', z) : z, target)), -1)) as tf.Scalar;
    })(logits);
  });
  const values = read ? (g.dataSync() as Float32Array) : null;
  g.dispose();
  return values;
}


async function main(): Promise<void> {
  const lines = [
    `| backend | estimator | variant | library ms | variant ms | variant / library (median of ${ROUNDS} rounds) | range over rounds | kernels library → variant | largest gradient difference |`,
    '|---|---|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const backend of availableBackends()) {
    await initBackend(backend);
    const logits = tf.tensor1d([1, 1, 1]);
    for (const [estimator, hard] of [['ST Gumbel-Softmax', true], ['Gumbel-Softmax', false]] as const) {
      // The same draws for every variant: how far is each gradient from the library's?
      const grads = VARIANTS.map(([, s]) => { const rng = new Random(1); return Array.from({ length: 50 }, () => gradient(s, hard, logits, rng, true)!); });
      const differences = grads.map((g) => Math.max(...g.flatMap((row, i) => Array.from(row, (v, j) => Math.abs(v - grads[0][i][j])))));
      const run = (s: Sampler) => {
        const rng = new Random(2);
        const start = performance.now();
        for (let i = 0; i < STEPS; i++) gradient(s, hard, logits, rng, i === STEPS - 1);
        return (performance.now() - start) / 1000 / STEPS;
      };
      for (const [, s] of VARIANTS) run(s); // warm-up
      const times: number[][] = VARIANTS.map(() => []);
      for (let r = 0; r < ROUNDS; r++) VARIANTS.forEach(([, s], v) => times[v].push(run(s)));
      const kernels: number[] = [];
      for (const [, s] of VARIANTS) kernels.push((await tf.profile(() => { gradient(s, hard, logits, new Random(3), false); })).kernels.length);
      const ms = (t: number[]) => (median(t) * 1000).toPrecision(3);
      for (let v = 1; v < VARIANTS.length; v++) {
        const ratios = times[v].map((t, r) => t / times[0][r]);
        lines.push(`| ${backend} | ${estimator} | ${VARIANTS[v][0]} | ${ms(times[0])} | ${ms(times[v])} | **${median(ratios).toFixed(3)}** | ` +
          `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)} | ${kernels[0]} → ${kernels[v]} | ${differences[v].toExponential(1)} |`);
        console.error(lines.at(-1));
      }
    }
    logits.dispose();
  }
  console.log(`\nThe relaxed samples' clamp in a (ST) Gumbel-Softmax gradient: K = 3, ${N} samples, τ = ${TEMPERATURE}; ${ROUNDS} interleaved rounds of ${STEPS} gradients\n`);
  console.log(lines.join('\n'));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
