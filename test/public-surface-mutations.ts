/**
 * The deep probe of the public surface: where public-surface-probe.ts gives a callable
 * nothing but bad arguments (so that its first check answers for all of them), this
 * starts from one call that is right and spoils one thing at a time: one argument, one
 * key of an options or problem object, or what a callback returns. Every spoiled call
 * must end in an Error that starts with the name the user called (or in the user's own
 * error, when their callback threw it) and leave `tf.memory().numTensors` where it was.
 * The cases live in public-surface-cases.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { Outcome, disposeResult } from './public-surface-probe';

/** One call that is right, and what may be spoiled in it. */
export interface ProbeCase {
  /** What the error must start with: the function or `Class.method` the user called. */
  name: string;
  /** Fresh valid arguments (tensors made here are freed after each call). */
  args: () => unknown[];
  /** Makes the call. */
  call: (args: unknown[]) => unknown;
  /**
   * Spoilings that are in fact valid there, by path (`0`, `2.temperature`) and label
   * (`undefined`, `2.5`, …): an optional argument accepts `undefined`, a real-valued one `2.5`.
   */
  valid?: Record<string, string[]>;
  /** Paths not to spoil: keys the callable does not read. */
  skip?: string[];
  /** Argument positions whose object must refuse keys it does not know. */
  strictKeys?: number[];
  /** Spoilings of the case's own (a prior of the wrong batch shape, say): each replaces the value at `path`. */
  extras?: { path: string; label: string; value: () => unknown }[];
}

/** A message that names an argument and what was received (as in the shallow probe). */
const NAMES_VALUE = /must|but got|cannot|needs|not |no |unknown|only|exceed|too /i;

/** What a callback provided by the probe throws: passed through unchanged, it is the user's own error. */
export const USER_ERROR = 'a callback of the user that throws';

/** Values that are wrong for nearly every argument, by label. */
export const BAD_VALUES: [string, () => unknown][] = [
  ['undefined', () => undefined],
  ['null', () => null],
  ['NaN', () => NaN],
  ['Infinity', () => Infinity],
  ['-1', () => -1],
  ['2.5', () => 2.5],
  ['1e12', () => 1e12],
  ['""', () => ''],
  ['"nonsense"', () => 'nonsense'],
  ['true', () => true],
  ['[]', () => []],
  ['[NaN]', () => [NaN]],
  ['{}', () => ({})],
  ['a null-prototype object', () => Object.create(null)],
  ['a symbol', () => Symbol('bad')],
  ['a throwing function', () => () => { throw new Error(USER_ERROR); }],
  ['a disposed tensor', () => { const t = tf.tensor1d([0.1, 0.2, 0.3]); t.dispose(); return t; }],
  ['a [2, 2] tensor', () => tf.ones([2, 2])],
];

/**
 * Callbacks that go wrong in each way a user's callback can, built from the valid one:
 * it throws, returns a number, nothing, a disposed tensor, a tensor of the wrong shape,
 * or NaN values. Array-returning callbacks get NaN entries and a wrong length instead.
 */
export function badCallbacks(valid: (...a: unknown[]) => unknown): [string, () => unknown][] {
  const spoil = (label: string, change: (result: unknown) => unknown): [string, () => unknown] =>
    [label, () => (...a: unknown[]) => change(valid(...a))];
  return [
    ['a callback that throws', () => () => { throw new Error(USER_ERROR); }],
    spoil('a callback that returns a number', (r) => { tf.dispose(r as tf.Tensor); return 3; }),
    spoil('a callback that returns undefined', (r) => { tf.dispose(r as tf.Tensor); return undefined; }),
    spoil('a callback that returns a disposed tensor', (r) => {
      if (r instanceof tf.Tensor) r.dispose();
      return r instanceof tf.Tensor ? r : [];
    }),
    spoil('a callback of the wrong shape', (r) => (r instanceof tf.Tensor ? tf.concat([tf.reshape(r, [-1]), tf.reshape(r, [-1])]) : [...(r as number[]), 0])),
    spoil('a callback that returns NaN', (r) => (r instanceof tf.Tensor ? tf.mul(r, NaN) : (r as number[]).map(() => NaN))),
  ];
}

/** One spoiled call: where, with what, and how it ended. */
export interface ProbeResult {
  name: string;
  path: string;
  label: string;
  outcome: Outcome;
  detail: string;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype;
}

/** Every spoiling of a case: [path, label, the arguments with that one thing spoiled]. */
function spoilings(c: ProbeCase): [string, string, (args: unknown[]) => unknown[]][] {
  const out: [string, string, (args: unknown[]) => unknown[]][] = [];
  const skip = new Set(c.skip ?? []);
  // In a scope of its own: the sample's tensors go with it (tf.dispose would walk into a shared model).
  tf.engine().startScope();
  const sample = c.args();
  tf.engine().endScope();
  for (const { path, label, value } of c.extras ?? []) {
    const [at, key] = path.split('.');
    const i = Number(at);
    out.push([path, label, (args) => args.map((a, j) => (j !== i ? a : key === undefined ? value() : { ...(a as object), [key]: value() }))]);
  }
  const replaceArg = (i: number, make: () => unknown) => (args: unknown[]) => args.map((a, j) => (j === i ? make() : a));
  sample.forEach((value, i) => {
    if (!skip.has(String(i))) for (const [label, make] of BAD_VALUES) out.push([String(i), label, replaceArg(i, make)]);
    if (value instanceof tf.Tensor && !skip.has(String(i))) {
      // The right tensor in every way but one: freed, or of another dtype.
      const changed = (change: (t: tf.Tensor) => tf.Tensor) => (args: unknown[]) => args.map((a, j) => (j === i ? change(a as tf.Tensor) : a));
      out.push([String(i), 'the valid tensor, disposed', changed((t) => { t.dispose(); return t; })]);
      out.push([String(i), 'the valid tensor as int32', changed((t) => tf.cast(t, 'int32'))]);
    }
    if (!isPlainObject(value)) return;
    for (const [key, inner] of Object.entries(value)) {
      const path = `${i}.${key}`;
      if (skip.has(path)) continue;
      const values = typeof inner === 'function' ? [...BAD_VALUES, ...badCallbacks(inner as (...a: unknown[]) => unknown)] : BAD_VALUES;
      for (const [label, make] of values) {
        out.push([path, label, (args) => args.map((a, j) => (j === i ? { ...(a as object), [key]: make() } : a))]);
      }
    }
    if (c.strictKeys?.includes(i)) {
      out.push([`${i}.unknownOption`, '1', (args) => args.map((a, j) => (j === i ? { ...(a as object), unknownOption: 1 } : a))]);
    }
  });
  return out;
}

/** Runs one spoiled call inside its own scope, so that the arguments' tensors are freed after it. */
function runOne(c: ProbeCase, path: string, label: string, spoil: (args: unknown[]) => unknown[]): ProbeResult {
  const result = (outcome: Outcome, detail = ''): ProbeResult => ({ name: c.name, path, label, outcome, detail });
  tf.engine().startScope();
  try {
    const args = spoil(c.args());
    const before = tf.memory().numTensors;
    let value: unknown;
    try {
      value = c.call(args);
    } catch (error) {
      const leaked = tf.memory().numTensors - before;
      if (!(error instanceof Error)) return result('not an Error', String(error));
      if (leaked !== 0) return result('leak', `${leaked} tensors: ${error.message.slice(0, 140)}`);
      if (error.message === USER_ERROR) return result('ok');
      // The name may carry what it was called with, as in "estimateGradient('reinforce'): …".
      if (!(error.message.startsWith(`${c.name}: `) || error.message.startsWith(`${c.name}(`))) return result('wrong blame', error.message.slice(0, 200));
      if (!NAMES_VALUE.test(error.message)) return result('vague message', error.message.slice(0, 200));
      return result('ok');
    }
    disposeResult(value);
    if (value instanceof Promise) return result('not an Error', 'an asynchronous case; the deep probe runs synchronous calls only');
    return (c.valid?.[path] ?? []).includes(label) ? result('ok') : result('accepted', 'returned without an error');
  } finally {
    tf.engine().endScope();
  }
}

/** Runs every spoiling of every case. */
export function probeCases(cases: ProbeCase[]): ProbeResult[] {
  return cases.flatMap((c) => spoilings(c).map(([path, label, spoil]) => runOne(c, path, label, spoil)));
}

/** The counts by outcome, for reports. */
export function tally(results: ProbeResult[]): Map<Outcome, number> {
  const counts = new Map<Outcome, number>();
  for (const r of results) counts.set(r.outcome, (counts.get(r.outcome) ?? 0) + 1);
  return counts;
}
