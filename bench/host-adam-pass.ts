/**
 * The host Adam pass alone (wasm/adam.wat's `update`) over the categorical VAE's 505 304
 * parameters, in the three regimes the module distinguishes, side by side in interleaved
 * rounds:
 *
 * - 'flushing, none needed': the tensorflow backend's mode on ordinary numbers, where
 *   every vector of four lanes takes the fast path (no flush);
 * - 'flushing, all needed': gradients of 2^−63, whose squares times 1 − β2 are subnormal
 *   in every lane, so every vector is computed again with its flushes. Arithmetic on
 *   subnormal numbers is slow on x86 whichever way it is written: the module before the
 *   fast path, which flushed every result, took 4.5 ms a pass on these numbers against
 *   1.3 ms on ordinary ones (measured once, by hand, against this one's 5.1 and 1.1);
 * - 'not flushing': the mode of wasm and cpu, where nothing is flushed.
 *
 * Run: node --import tsx bench/host-adam-pass.ts [--rounds 101]
 */
import { Random } from '../src/random';
import { AdamScalars, HostAdamState } from '../src/train/host-adam';
import { median, numberFlag } from './stats';

const ROUNDS = numberFlag('--rounds', 101);
const PARAMETERS = 505_304;
const f = Math.fround;
const SCALARS: AdamScalars = { beta1: f(0.9), oneMinusBeta1: f(0.1), beta2: f(0.999), oneMinusBeta2: f(1 - 0.999), epsilon: f(1e-7), negLearningRate: f(-1e-3) };

/** A state with ordinary weights and the given gradients, ready for `update`. */
function stateWith(gradient: (i: number) => number, flush: boolean): HostAdamState {
  const state = HostAdamState.create([PARAMETERS]);
  if (state === null) throw new Error('host-adam-pass: WebAssembly SIMD is not available here');
  const rng = new Random(1);
  state.weights.set(rng.normalArray(PARAMETERS).map((x) => x * 0.05));
  state.gradients.set(Float32Array.from({ length: PARAMETERS }, (_, i) => gradient(i)));
  state.prepareWeights(flush);
  state.prepareGradients(flush);
  return state;
}

const noise = new Random(2).normalArray(PARAMETERS);
const REGIMES: [string, HostAdamState, boolean][] = [
  ['flushing, none needed', stateWith((i) => noise[i] * 1e-2, true), true],
  ['flushing, all needed', stateWith(() => 2 ** -63, true), true],
  ['not flushing', stateWith((i) => noise[i] * 1e-2, false), false],
];

const times = REGIMES.map(() => [] as number[]);
for (let round = 0; round < ROUNDS; round++) {
  REGIMES.forEach(([, state, flush], i) => {
    const start = performance.now();
    state.update(SCALARS, f(0.1), f(1 - 0.999), flush);
    times[i].push(performance.now() - start);
  });
}
const reference = median(times[0]);
console.log(`host Adam pass over ${PARAMETERS} parameters, ${ROUNDS} interleaved rounds (median ms, and ratio to the first row)`);
REGIMES.forEach(([name], i) => console.log(`${name.padEnd(24)} ${median(times[i]).toFixed(3)} ms  ${(median(times[i]) / reference).toFixed(2)}`));
