/**
 * The one conversion from a training history (any loop's array of records) to the
 * flat rows a chart takes.
 */
import { fail } from '../validate';

/** A chart row: numbers, strings, booleans, and null for a gap. */
export type HistoryRow = Record<string, number | string | boolean | null>;

/**
 * The history as chart rows, one per record, with any constant columns in `extra`
 * first (e.g. `{estimator: 'reinforce'}`, to colour by).
 *
 * Each field of a record becomes a column: a number as it is, except that NaN and ±∞
 * become null (Vega-Lite draws null as a gap and misreads NaN); a string or boolean
 * as it is; an array of numbers `probs` as the columns `probs0, probs1, …`. Fields that
 * hold anything else (an array of arrays, such as a run's logits) are left out: a row
 * holds scalars.
 *
 * @example
 * const logits = tf.variable(tf.tensor1d([1, 1, 1]));
 * const history = optimize(logits, { family: 'categorical', loss: squaredErrorLoss([0.2, 0.7, 0.1]) },
 *   { estimator: 'reinforce', steps: 100, learningRate: 0.1, numSamples: 100, seed: 0, baseline: 'leave-one-out' });
 * const rows = historyRows(history, { estimator: 'reinforce' });   // {estimator, step, loss, exactLoss, probs0, probs1, probs2, …}
 * const spec = lineChart({ data: rows, x: 'step', y: 'exactLoss', color: 'estimator' });
 * logits.dispose();
 */
export function historyRows(history: readonly object[], extra: Record<string, string | number> = {}): HistoryRow[] {
  const fn = 'historyRows';
  if (!Array.isArray(history)) fail(fn, 'history', 'an array of records, as a training loop returns', history);
  if (extra === null || typeof extra !== 'object' || Array.isArray(extra)) fail(fn, 'extra', 'an object of constant columns', extra);
  for (const [key, value] of Object.entries(extra)) {
    if (typeof value !== 'string' && !(typeof value === 'number' && Number.isFinite(value))) fail(fn, `extra.${key}`, 'a string or a finite number', value);
  }
  return history.map((record, i) => {
    if (record === null || typeof record !== 'object' || Array.isArray(record)) fail(fn, `history[${i}]`, 'a record (an object)', record);
    const row: HistoryRow = { ...extra };
    for (const [key, value] of Object.entries(record)) addColumns(row, key, value);
    return row;
  });
}

function addColumns(row: HistoryRow, key: string, value: unknown): void {
  if (typeof value === 'number') row[key] = Number.isFinite(value) ? value : null;
  else if (typeof value === 'string' || typeof value === 'boolean') row[key] = value;
  else if (Array.isArray(value) && value.every((v) => typeof v === 'number')) {
    value.forEach((v: number, j) => { row[`${key}${j}`] = Number.isFinite(v) ? v : null; });
  }
}
