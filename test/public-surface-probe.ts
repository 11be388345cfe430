/**
 * A probe of the public surface: it calls every exported function and constructor
 * with values a user might pass by mistake and sorts each outcome. Shared by the
 * property-based tests in public-surface.test.ts, and runnable on its own
 * (`node --import tsx test/public-surface-probe.ts`) to print the counts.
 */
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import * as lib from '../src';

/** How one call ended. `ok` is the only good outcome for a bad input. */
export type Outcome = 'ok' | 'accepted' | 'not an Error' | 'wrong blame' | 'leak' | 'vague message';

/** Exports that take no user input worth probing, or that are not ours to check here. */
const SKIP = new Set([
  'tf', // TensorFlow.js itself
  'backend', 'availableBackends', 'chartDirectory', 'stopGradient', // take no arguments
  'squaredErrorToy', 'thresholdToy', 'coupledBernoulli', 'coupledCategorical', // fixed problems, no arguments
  'loadDigits', // reads 41 MB; probed by example
  'LiveDisplay', // display code owned elsewhere; probed by example
]);

/** Exported objects that group functions (`entropy.analytic`, `kl.relaxedLogMass`): their members are probed too. */
const NAMESPACES = new Set(['entropy', 'kl']);

/** Every exported function and class, by name, with the members of the namespaces as `namespace.member`. */
export function publicCallables(): [string, (...args: unknown[]) => unknown, boolean][] {
  const out: [string, (...args: unknown[]) => unknown, boolean][] = [];
  const add = (name: string, value: unknown) => {
    if (typeof value !== 'function' || SKIP.has(name)) return;
    const isClass = /^class\s/.test(Function.prototype.toString.call(value));
    out.push([name, value as (...args: unknown[]) => unknown, isClass]);
  };
  for (const [name, value] of Object.entries(lib)) {
    if (NAMESPACES.has(name)) for (const [member, f] of Object.entries(value as object)) add(`${name}.${member}`, f);
    else add(name, value);
  }
  return out;
}

/** A tensor that has been disposed: passing one in must give a named error. */
function disposedTensor(): tf.Tensor {
  const t = tf.tensor1d([0.1, 0.2, 0.3]);
  t.dispose();
  return t;
}

/** Values that are wrong for (nearly) every argument. Tensors are made lazily, inside the call. */
export const badValue: fc.Arbitrary<() => unknown> = fc.oneof(
  fc.constantFrom<unknown>(undefined, null, NaN, Infinity, -Infinity, -1, 1e12, '', 'nonsense', true, [], [NaN], [[1], [1, 2]], {}, Symbol('s'))
    .map((v) => () => v),
  fc.double({ noDefaultInfinity: false }).map((v) => () => v),
  fc.string({ maxLength: 6 }).map((v) => () => v),
  fc.constant(() => Object.create(null)),
  fc.constant(() => () => { throw new Error('a callback that throws'); }),
  fc.constant(() => ({ logits: [NaN, 1], family: 'categorical', loss: 3, numSamples: -2, seed: 1.5, temperature: 0 })),
  fc.constant(() => ({ numSamples: 1e12, seed: 0, temperature: 1 })),
  fc.constant(disposedTensor),
);

/** A message that names an argument and what was received. */
const NAMES_VALUE = /must|but got|cannot|needs|not |no |unknown|only|exceed|too /i;

/** Calls `fn` with `args` and classifies the outcome (awaiting a returned promise). */
export async function classify(name: string, fn: (...args: unknown[]) => unknown, isClass: boolean, makeArgs: () => unknown[]): Promise<{ outcome: Outcome; detail: string }> {
  const before = tf.memory().numTensors;
  let error: unknown = undefined;
  let threw = false;
  let result: unknown;
  const args = makeArgs();
  const madeHere = tf.memory().numTensors - before; // disposed tensors count 0, but be safe
  try {
    result = isClass ? new (fn as unknown as new (...a: unknown[]) => unknown)(...args) : fn(...args);
    if (result instanceof Promise) result = await result;
  } catch (e) {
    threw = true;
    error = e;
  }
  const leaked = tf.memory().numTensors - before - madeHere;
  if (!threw) {
    disposeResult(result);
    return { outcome: 'accepted', detail: 'returned without an error' };
  }
  if (!(error instanceof Error)) return { outcome: 'not an Error', detail: String(error) };
  const message = error.message;
  if (leaked !== 0) return { outcome: 'leak', detail: `${leaked} tensors: ${message.slice(0, 120)}` };
  if (!message.startsWith(name)) return { outcome: 'wrong blame', detail: message.slice(0, 160) };
  if (!NAMES_VALUE.test(message)) return { outcome: 'vague message', detail: message.slice(0, 160) };
  return { outcome: 'ok', detail: '' };
}

/** Frees whatever tensors an accepted call returned, so that one probe does not disturb the next. */
export function disposeResult(result: unknown): void {
  try {
    if (result && typeof (result as { dispose?: unknown }).dispose === 'function') (result as { dispose(): void }).dispose();
    else tf.dispose(result as tf.TensorContainer);
  } catch { /* a result that cannot be freed is not what the probe measures */ }
}

/** The probe's argument lists: as many bad values as the callable declares (at least one). */
export function badArguments(arity: number): fc.Arbitrary<() => unknown[]> {
  const n = Math.max(1, Math.min(arity, 4));
  return fc.array(badValue, { minLength: n, maxLength: n }).map((makers) => () => makers.map((m) => m()));
}

/** Runs the probe over every callable and tallies the outcomes. */
export async function probeAll(runsPerCallable: number, seed: number, log = false): Promise<Map<string, Map<Outcome, string[]>>> {
  const tally = new Map<string, Map<Outcome, string[]>>();
  for (const [name, fn, isClass] of publicCallables()) {
    const samples = fc.sample(badArguments(fn.length), { numRuns: runsPerCallable, seed });
    const byOutcome = new Map<Outcome, string[]>();
    for (const makeArgs of samples) {
      const { outcome, detail } = await classify(name, fn, isClass, makeArgs);
      byOutcome.set(outcome, [...(byOutcome.get(outcome) ?? []), detail]);
    }
    tally.set(name, byOutcome);
    if (log) {
      const bad = [...byOutcome].filter(([o]) => o !== 'ok');
      if (bad.length > 0) console.log(name, bad.map(([o, d]) => `${o}×${d.length}: ${d[0]}`).join(' | '));
    }
  }
  return tally;
}

if (process.argv[1]?.endsWith('public-surface-probe.ts')) {
  (async () => {
    await lib.initBackend();
    const runs = Number(process.argv[2] ?? 20);
    const tally = await probeAll(runs, 1, true);
    const counts = new Map<Outcome, number>();
    for (const byOutcome of tally.values()) for (const [o, d] of byOutcome) counts.set(o, (counts.get(o) ?? 0) + d.length);
    console.log('TOTAL', [...counts].map(([o, n]) => `${o}: ${n}`).join(', '));
  })();
}
