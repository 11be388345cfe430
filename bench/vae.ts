/**
 * Training-step time of the categorical VAE (notebook 06), in milliseconds per batch
 * of 100 binarised digits, for each estimator / KL variant on every backend that loads.
 * A step is the forward pass, the backward pass and Adam's update (`trainVae`'s step).
 *
 * Run: node --import tsx bench/vae.ts [--quick] [--full-epoch]
 *
 * --full-epoch also times one epoch (8000 digits, batch 100) of the paper-sized
 * network 784-512-256-(20×10) with ST Gumbel-Softmax on the default backend.
 *
 * Each row trains 1 warm-up epoch on a few batches, then times `steps` steps
 * (the records' `seconds` count training steps only) and reports the median of 3 repeats.
 * Prints markdown tables; ratios are relative to the fastest backend of each row.
 */
import { availableBackends, initBackend } from '../src/backend';
import { binarise, Digits, loadDigits, selectDigits, splitDigits } from '../src/data/mnist';
import { CategoricalVae, CategoricalVaeConfig, trainVae, VAE_CONFIGS, VaeEstimator, VaeKlTerm } from '../src/studies/categorical-vae';

const QUICK = process.argv.includes('--quick');
const VARIANTS: { label: string; estimator: VaeEstimator; kl: VaeKlTerm; numSamples: number }[] = [
  { label: 'ST-GS + eq. 22', estimator: 'st-gumbel-softmax', kl: 'analytic', numSamples: 1 },
  { label: 'GS + eq. 22', estimator: 'gumbel-softmax', kl: 'analytic', numSamples: 1 },
  { label: 'GS + eq. 21', estimator: 'gumbel-softmax', kl: 'relaxed-log-mass', numSamples: 1 },
  { label: 'GS + Concrete KL', estimator: 'gumbel-softmax', kl: 'concrete-monte-carlo', numSamples: 1 },
  { label: 'RLOO (4 samples) + eq. 22', estimator: 'reinforce', kl: 'analytic', numSamples: 4 },
  { label: 'ST + eq. 22', estimator: 'straight-through', kl: 'analytic', numSamples: 1 },
  { label: 'ReinMax + eq. 22', estimator: 'reinmax', kl: 'analytic', numSamples: 1 },
  { label: 'Gumbel-Rao (m = 10) + eq. 22', estimator: 'gumbel-rao', kl: 'analytic', numSamples: 1 },
  { label: 'VIMCO (4 samples)', estimator: 'vimco', kl: 'analytic', numSamples: 4 },
];

/** Milliseconds per step: the median over repeats of `steps` timed steps. */
function msPerStep(network: CategoricalVaeConfig, train: Digits, variant: (typeof VARIANTS)[number], steps: number): number {
  const vae = new CategoricalVae({ ...network, seed: 0 });
  const run = (count: number) => {
    const digits = selectDigits(train, Array.from({ length: count * 100 }, (_, i) => i));
    const h = trainVae(vae, { train: digits }, { ...variant, epochs: 1, seed: 1, temperature: 1, priorTemperature: 1 / 9 });
    return (h.at(-1)!.seconds * 1000) / count;
  };
  run(3); // warm-up: kernels compiled, Adam's state made
  const times = [run(steps), run(steps), run(steps)].sort((a, b) => a - b);
  vae.dispose();
  return times[1];
}

async function main() {
  const { train } = splitDigits(binarise(loadDigits()), { testCount: 2000, seed: 0 });
  const backends = availableBackends();
  const table: Record<string, Record<string, number>> = {};
  for (const name of backends) {
    await initBackend(name);
    const steps = name === 'cpu' ? (QUICK ? 3 : 5) : QUICK ? 10 : 30;
    for (const variant of VARIANTS) {
      (table[variant.label] ??= {})[name] = msPerStep(VAE_CONFIGS.small, train, variant, steps);
      console.error(`${name} ${variant.label}: ${table[variant.label][name].toFixed(1)} ms/step`);
    }
  }
  console.log(`\nms per training step (batch 100, network 784-256-(20×10)-256-784), ${QUICK ? 'quick' : 'full'} run\n`);
  console.log(`| variant | ${backends.map((b) => `${b} ms`).join(' | ')} | ${backends.map((b) => `${b} ×`).join(' | ')} |`);
  console.log(`| --- | ${backends.map(() => '---:').join(' | ')} | ${backends.map(() => '---:').join(' | ')} |`);
  for (const [label, row] of Object.entries(table)) {
    const fastest = Math.min(...backends.map((b) => row[b]));
    console.log(`| ${label} | ${backends.map((b) => row[b].toFixed(1)).join(' | ')} | ${backends.map((b) => (row[b] / fastest).toFixed(2)).join(' | ')} |`);
  }
  if (process.argv.includes('--full-epoch')) {
    const name = await initBackend();
    const vae = new CategoricalVae({ ...VAE_CONFIGS.full, seed: 0 });
    const start = performance.now();
    const h = trainVae(vae, { train }, { estimator: 'st-gumbel-softmax', kl: 'analytic', epochs: 1, seed: 1 });
    const last = h.at(-1)!;
    const wall = (performance.now() - start) / 1000;
    vae.dispose();
    console.log(`\nfull network 784-512-256-(20×10)-256-512-784 on ${name}: one epoch of ${train.count} digits (${last.step} steps) ` +
      `took ${wall.toFixed(1)} s, ${((last.seconds * 1000) / last.step).toFixed(1)} ms per step`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
