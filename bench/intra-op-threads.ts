/**
 * TensorFlow's intra-op threads on the tensorflow backend: the categorical VAE's training
 * step (`trainVae`, batch 100: the peer benchmark's row, `VAE_CONFIGS.small` with ST
 * Gumbel-Softmax, and `VAE_CONFIGS.full` as notebook 06 trains it, with ST Gumbel-Softmax
 * and with REINFORCE's four samples) with TF_NUM_INTRAOP_THREADS=1 against TensorFlow's
 * default of one thread per core.
 *
 * TensorFlow reads the variable once, when tfjs-node loads, so each setting runs in a
 * child process of its own; the rounds alternate which setting goes first. Each child
 * first trains 30 untimed steps, then reports the median of 9 chunks of 15 steps, and
 * a hash of the weights after a fixed run, so the table also says whether the two
 * settings train to the same weights bit for bit.
 *
 * Run: node --import tsx bench/intra-op-threads.ts [--rounds 5]
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpus } from 'node:os';
import { median, numberFlag } from './stats';

const ROUNDS = numberFlag('--rounds', 5);
/** The network and estimator of each case: ST Gumbel-Softmax (one sample), or REINFORCE with its leave-one-out baseline (four). */
const CASES = {
  'small, ST-GS': { network: 'small', estimator: 'st-gumbel-softmax' },
  'full, ST-GS': { network: 'full', estimator: 'st-gumbel-softmax' },
  'full, RLOO (4 samples)': { network: 'full', estimator: 'reinforce' },
} as const;
type Config = keyof typeof CASES;
const CONFIGS = Object.keys(CASES) as Config[];

/** In the child: ms per step (median of chunks) and the weights' hash after 30 steps from seed 0. */
async function child(config: Config): Promise<void> {
  const { initBackend } = await import('../src/backend');
  const { CategoricalVae, trainVae, VAE_CONFIGS } = await import('../src/studies/categorical-vae');
  const { syntheticDigits } = await import('./peer/synthetic-digits');
  await initBackend('tensorflow');
  const digits = syntheticDigits(3000);
  const vae = new CategoricalVae({ ...VAE_CONFIGS[CASES[config].network], seed: 0 });
  const options = { estimator: CASES[config].estimator, kl: 'analytic', epochs: 1, batchSize: 100, recordEvery: 1 } as const;
  const hash = createHash('sha256');
  trainVae(vae, { train: digits }, { ...options, seed: 1 });
  for (const v of vae.variables()) hash.update(Buffer.from((v.dataSync() as Float32Array).buffer));
  const chunk = { images: digits.images.subarray(0, 16 * 100 * 784), labels: digits.labels.subarray(0, 1600), count: 1600 };
  const times: number[] = [];
  for (let i = 0; i < 9; i++) {
    // 16 steps a chunk; the first, which also makes Adam's moments, is left out.
    const records = trainVae(vae, { train: chunk }, { ...options, seed: 2 + i });
    times.push(((records.at(-1)!.seconds - records[0].seconds) / 15) * 1000);
  }
  vae.dispose();
  process.stdout.write(JSON.stringify({ ms: median(times), weights: hash.digest('hex').slice(0, 16) }));
}

function run(config: Config, threads: string | null): { ms: number; weights: string } {
  const env = { ...process.env };
  if (threads === null) env.TF_NUM_INTRAOP_THREADS = String(cpus().length);
  else env.TF_NUM_INTRAOP_THREADS = threads;
  const out = spawnSync(process.execPath, ['--import', 'tsx', __filename, '--child', config], { env, encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`intra-op-threads: the child failed:\n${out.stderr}`);
  return JSON.parse(out.stdout.trim().split('\n').at(-1)!);
}

function main(): void {
  const rows = [`| network, estimator | one thread ms | ${cpus().length} threads ms | one / ${cpus().length} (median of ${ROUNDS} rounds) | range | same weights? |`, '|---|---:|---:|---:|---:|---|'];
  for (const config of CONFIGS) {
    const one: number[] = [], many: number[] = [], ratios: number[] = [];
    let same = true;
    for (let r = 0; r < ROUNDS; r++) {
      const [a, b] = r % 2 === 0 ? [run(config, '1'), run(config, null)] : [run(config, null), run(config, '1')].reverse();
      one.push(a.ms);
      many.push(b.ms);
      ratios.push(a.ms / b.ms);
      same &&= a.weights === b.weights;
      process.stderr.write(`round ${r + 1}/${ROUNDS} ${config}: ${a.ms.toFixed(2)} / ${b.ms.toFixed(2)} ms\n`);
    }
    rows.push(`| ${config} | ${median(one).toFixed(2)} | ${median(many).toFixed(2)} | **${median(ratios).toFixed(3)}** | ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)} | ${same ? 'yes' : 'no'} |`);
  }
  console.log(`\nThe VAE step on tensorflow, TF_NUM_INTRAOP_THREADS=1 against ${cpus().length} (one per core), batch 100\n`);
  console.log(rows.join('\n'));
}

const childIndex = process.argv.indexOf('--child');
if (childIndex >= 0) void child(process.argv[childIndex + 1] as Config);
else main();
